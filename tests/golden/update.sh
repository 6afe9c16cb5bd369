#!/usr/bin/env bash
# Regenerates tests/golden/times.txt and the golden whole outputs tests/golden/out/ (outputs.txt
# lists the runs) after an intended model change: review the diff as code.
set -eu
cd "$(dirname "$0")/../.."
BIN=${1:-build/sim/gpusim}
while IFS=' ' read -r cfg tr _; do
  [ -z "$cfg" ] && continue
  echo "$cfg $tr $("$BIN" "$cfg" "$tr" --no-db --json | python3 -c "import json,sys; print('%.3f' % json.load(sys.stdin)['time_us'])")"
done < tests/golden/times.txt > tests/golden/times.new
mv tests/golden/times.new tests/golden/times.txt
rm -rf tests/golden/out
python3 tests/golden/golden.py "$BIN" . tests/golden/out
git diff --stat tests/golden/times.txt tests/golden/out || true
