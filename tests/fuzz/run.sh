#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS: builds the libFuzzer harnesses (trace reader, config loader, importer, sweep --vary
# parser, database open path) with clang (ASan+UBSan)
# and runs each for SECONDS on a copy of its seed corpus. Exits non-zero on a finding.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=build-fuzz
mkdir -p "$out"
[ -f build/gpusim_version.h ] || meson setup build >/dev/null
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Isim -Ibuild -I/usr/include/iniparser"
# The trace reader works from the op table, whose rows name their kernels: link the library but results/ and cli/.
lib="sim/trace/*.c sim/ops/*.c sim/kernels/*.c sim/arch/*.c sim/host/*.c sim/engine/*.c sim/config/*.c"
clang $flags tests/fuzz/fuzz_trace.c $lib -liniparser -lm -o "$out/fuzz_trace"
# the policy keys' choice lists are the policy registries' rows (sim/arch)
reg="sim/arch/dram_rowpol*.c sim/arch/dram_sched*.c sim/config/dtype.c"
clang $flags tests/fuzz/fuzz_config.c sim/config/config.c sim/config/params.c \
    sim/arch/prefetch*.c sim/arch/l2_repl*.c $reg -liniparser -lm -o "$out/fuzz_config"
clang $flags tests/fuzz/fuzz_import.c sim/import/torch_import.c sim/import/eltwise_costs.c $lib -liniparser -ljson-c -lm -o "$out/fuzz_import"
# the sweep's --vary parser checks values against the parameter table
clang $flags tests/fuzz/fuzz_vary.c sim/cli/vary.c sim/config/config.c sim/config/params.c \
    sim/arch/prefetch*.c sim/arch/l2_repl*.c $reg -liniparser -lm -o "$out/fuzz_vary"
# the database open path on corrupted and foreign files (its ops columns are the breakdown labels)
clang $flags tests/fuzz/fuzz_db.c sim/results/db.c sim/results/metrics.c sim/kernels/rows.c sim/kernels/breakdown.c sim/config/config.c sim/config/params.c \
    sim/arch/prefetch*.c sim/arch/l2_repl*.c $reg -liniparser -lsqlite3 -lm -o "$out/fuzz_db"
status=0
pids=""
harnesses="trace config import vary db"
for h in $harnesses; do  # all harnesses at once
  rm -rf "$out/corpus_$h" && cp -r "tests/fuzz/corpus_$h" "$out/corpus_$h"
  maxlen=4096; [ "$h" = db ] && maxlen=131072  # a gpusim database is a few tens of KiB
  "$out/fuzz_$h" -max_total_time="$secs" -max_len=$maxlen -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$out/crash_$h-" "$out/corpus_$h" > "$out/fuzz_$h.log" 2>&1 &
  pids="$pids $!"
done
set -- $harnesses
for p in $pids; do
  h=$1; shift
  if wait "$p"; then echo "fuzz_$h: ${secs}s, no finding"; else echo "fuzz_$h: FINDING"; tail -40 "$out/fuzz_$h.log"; status=1; fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added" "$out/fuzz_$h.log" || true
done
exit $status
