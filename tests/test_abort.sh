#!/usr/bin/env bash
# abort() inside a pool worker mid-run: the process exits non-zero within its
# deadline, every earlier line is complete JSON, and the error is in the log.
# usage: test_abort.sh PLATFORM CMD...   (CMD runs poolbench)
set -u
platform=$1; shift
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout 60 "$@" run --quick --out "$dir" --test-fault abort-in-worker >/dev/null 2>"$dir/err.txt"
rc=$?
[[ $rc -ne 0 && $rc -ne 124 ]] || { echo "FAIL: exit $rc (0: no abort, 124: hung)"; exit 1; }
f=$dir/$platform.ndjson
python3 "$here/check_records.py" "$f" || { head -5 "$dir/err.txt"; exit 1; }
grep -q '"type":"error"' "$f" || { echo "FAIL: no error record in $f"; tail -3 "$dir/err.txt"; exit 1; }
echo "ok: exit $rc, $(wc -l <"$f") complete lines, error recorded"
