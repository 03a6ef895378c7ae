#!/usr/bin/env bash
# SIGKILL in the middle of a run: every line already on disk is complete JSON.
# usage: test_crash_safety.sh CMD...   (CMD runs poolbench)
set -u
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$@" run --out "$dir" >/dev/null 2>&1 &
pid=$!
# Kill once a few records are out (bounded wait), mid-measurement.
f=
for _ in $(seq 100); do
  f=$(ls "$dir"/*.ndjson 2>/dev/null | head -1)
  [[ -n $f ]] && (( $(wc -l <"$f") >= 6 )) && break
  sleep 0.1
done
sleep 0.3
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
[[ -n $f ]] || { echo "FAIL: no records file"; exit 1; }
n=$(wc -l <"$f")
(( n >= 6 )) || { echo "FAIL: only $n lines before the kill"; exit 1; }
python3 "$here/check_records.py" "$f" || exit 1
echo "ok: $n complete lines survived SIGKILL"
