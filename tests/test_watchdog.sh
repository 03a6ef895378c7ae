#!/usr/bin/env bash
# A worker blocked forever: the watchdog fires within deadline + 2 s, names the
# stuck worker and its state, records the dump, and the run exits 3.
# usage: test_watchdog.sh PLATFORM CMD...   (CMD runs poolbench; PLATFORM
#        chrome means CMD is the browser driver, whose own deadline is longer)
set -u
platform=$1; shift
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
deadline=2
start=$(date +%s.%N)
timeout 60 "$@" run --quick --out "$dir" --deadline $deadline --test-fault hang-in-worker \
  >/dev/null 2>"$dir/err.txt"
rc=$?
end=$(date +%s.%N)
[[ $rc -eq 3 ]] || { echo "FAIL: exit $rc, want 3"; tail -5 "$dir/err.txt"; exit 1; }
f=$dir/$platform.ndjson
python3 "$here/check_records.py" "$f" || exit 1
grep -q '"type":"watchdog"' "$f" || { echo "FAIL: no watchdog record"; exit 1; }
grep -q '"state":"working"' "$f" || { echo "FAIL: the dump does not show the stuck worker working"; exit 1; }
grep -q 'worker 0: working' "$dir/err.txt" || { echo "FAIL: no readable dump on stderr"; cat "$dir/err.txt"; exit 1; }
# The fault starts after the references (a few seconds at most): measure from
# the watchdog record's own elapsed time, and bound the whole run too.
elapsed=$(grep '"type":"watchdog"' "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["elapsed_s"])')
python3 -c "import sys; e=$elapsed; sys.exit(0 if $deadline <= e <= $deadline + 2 else 1)" \
  || { echo "FAIL: fired after $elapsed s, want $deadline..$((deadline + 2)) s"; exit 1; }
echo "ok: exit 3 after ${elapsed}s of a ${deadline}s deadline (run $(python3 -c "print(round($end-$start,1))") s); $(grep 'worker 0' "$dir/err.txt")"
