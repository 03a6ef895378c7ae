#!/usr/bin/env bash
# SIGKILL in the middle of a run: every line already on disk is complete JSON.
set -u
bin=$1; here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" run --out "$dir" >/dev/null 2>&1 &
pid=$!
# Kill once a few records are out (bounded wait), mid-measurement.
for _ in $(seq 100); do
  [[ -f $dir/native.ndjson ]] && (( $(wc -l <"$dir/native.ndjson") >= 6 )) && break
  sleep 0.1
done
sleep 0.3
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
n=$(wc -l <"$dir/native.ndjson")
(( n >= 6 )) || { echo "FAIL: only $n lines before the kill"; exit 1; }
python3 "$here/check_records.py" "$dir/native.ndjson" || exit 1
echo "ok: $n complete lines survived SIGKILL"
