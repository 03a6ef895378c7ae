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
# ... and the run says it was cut short: no end record, and the report (exit
# 0: what it holds stands) opens with it.
! grep -q '"type":"end"' "$f" || { echo "FAIL: a killed run wrote an end record"; exit 1; }
python3 "$here/../report/report.py" "$dir" --out "$dir/report" >/dev/null 2>"$dir/report.err" ||
  { echo "FAIL: report on the killed run: $(cat "$dir/report.err")"; exit 1; }
grep -q '^\*\*cut short\*\*' "$dir/report/summary.md" ||
  { echo "FAIL: the report of a killed run does not say it was cut short"; exit 1; }
echo "ok: $n complete lines survived SIGKILL; the report says the run was cut short"

# A full disk: the first record that cannot be written ends the run at once
# with one line naming the file, never a silent exit 0. The file size limit
# stands in for the disk (--append refuses a link, so /dev/full cannot): a
# run's records, then a second run appended under a limit below their size,
# whose first write fails.
full=$dir/full
timeout 60 "$@" run --quick --backend serial --scenario dispatch --deadline 30 --out "$full" \
  >/dev/null 2>"$dir/full.err" || { echo "FAIL: the first run"; cat "$dir/full.err"; exit 1; }
kb=$(( $(cat "$full"/*.ndjson | wc -c) / 1024 ))
(( kb >= 1 )) || { echo "FAIL: records under 1 KB"; exit 1; }
(ulimit -f "$kb"; exec timeout 60 "$@" run --quick --backend serial --scenario dispatch --deadline 30 \
  --append --out "$full" >"$dir/full.out" 2>"$dir/full.err")
rc=$?
(( rc != 0 && rc != 124 )) || { echo "FAIL: a run onto a full disk exited $rc"; exit 1; }
n=$(grep -c "cannot write $full/[a-z]*\.ndjson: .*" "$dir/full.err")
[[ $n -eq 1 && $(tail -1 "$dir/full.err") == *"cannot write $full/"* ]] ||
  { echo "FAIL: a full disk should give one 'cannot write' line, stderr was:"; cat "$dir/full.err"; exit 1; }
echo "ok: full disk -> exit $rc, $(grep 'cannot write' "$dir/full.err")"
