#!/usr/bin/env bash
# scripts/test.sh: builds and runs the whole test suite twice: a release build
# with -Werror, and an ASan+UBSan build. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
passed=0 failed=0
run_suite() { # build-dir, meson options...
  local dir=$1; shift
  if [ ! -d "$dir" ]; then meson setup "$dir" "$@" >/dev/null || { failed=$((failed + 1)); return; }; fi
  if ! ninja -C "$dir" >/dev/null; then echo "build failed: $dir"; ninja -C "$dir" | tail -20; failed=$((failed + 1)); return; fi
  meson test -C "$dir" --print-errorlogs --num-processes 2 -t 4 > "$dir/test.out" 2>&1
  grep -E "^ *[0-9]+/[0-9]+ " "$dir/test.out"
  local ok fail
  ok=$(grep -cE "^ *[0-9]+/[0-9]+ .* OK " "$dir/test.out")
  fail=$(grep -cE "^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|ERROR)" "$dir/test.out")
  if [ "$fail" -gt 0 ]; then sed -n '/Listing only the last/,$p;/stdout:/,/^$/p' "$dir/test.out" | tail -60; fi
  passed=$((passed + ok)); failed=$((failed + fail))
}
echo "== release build, -Werror"
run_suite build-werror --buildtype=release -Dwerror=true
echo "== accuracy guard: fast validation subset vs analysis/validation_baseline.json"
if GPUSIM_BIN=build-werror/sim/gpusim analysis/validate --fast > build-werror/validate.out 2>&1; then
  echo "validation guard OK"; passed=$((passed + 1))
else
  echo "validation guard FAILED"; cat build-werror/validate.out; failed=$((failed + 1))
fi
echo "== fuzzing: trace reader, config loader, importer, sweep --vary parser and database open, 60 s each (libFuzzer, ASan+UBSan)"
if tests/fuzz/run.sh 60 > build-werror/fuzz.out 2>&1; then
  cat build-werror/fuzz.out; passed=$((passed + 1))
else
  echo "fuzzing FAILED"; cat build-werror/fuzz.out; failed=$((failed + 1))
fi
echo "== valgrind memcheck on the README's main command"
if valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite,indirect \
     build-werror/sim/gpusim configs/ampere_plus.ini workloads/mlp.trace --no-db -q > build-werror/valgrind.out 2>&1; then
  echo "valgrind clean"; passed=$((passed + 1))
else
  echo "valgrind FAILED"; cat build-werror/valgrind.out; failed=$((failed + 1))
fi
echo "== ASan + UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  run_suite build-san --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
