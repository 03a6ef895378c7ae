#!/usr/bin/env bash
# Every reader of records takes regular files only, of bounded size: a run
# folder whose native.ndjson is a FIFO (would block), a link to /dev/zero
# (would never end) or a sparse file past max_file_bytes is refused by each
# with one line naming the file (check_records.py adds its count, records_check
# writes its verdict on stdout) and a non-zero exit, within 10 s.
# usage: test_reader_files.sh POOLBENCH_GATE RECORDS_CHECK
set -u
gate=$1 records_check=$2
root=$(cd "$(dirname "$0")/.." && pwd)
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out"/{fifo,zero,huge}
mkfifo "$out/fifo/native.ndjson"
ln -s /dev/zero "$out/zero/native.ndjson"
truncate -s 300M "$out/huge/native.ndjson"

validator='const {startValidator} = require(process.argv[1]);
startValidator({platform: "native", records: process.argv[2],
                onDeath: (why) => { console.error(why); process.exit(2); }});'
for kind in fifo zero huge; do
  dir=$out/$kind file=$out/$kind/native.ndjson
  readers=(
    "check.py|python3 $root/records/check.py check $file"
    "check_records.py|python3 $root/tests/check_records.py $file"
    "report.py|python3 $root/report/report.py $dir --out $out/report-$kind"
    "diagnose.py|python3 $root/report/diagnose.py $dir"
    "poolbench_gate|$gate $root/results/baseline $dir"
    "records_check|$records_check $file"
  )
  for r in "${readers[@]}"; do
    name=${r%%|*}
    err=$(timeout 10 ${r#*|} 2>&1); rc=$?
    lines=$(printf '%s' "$err" | grep -c "$file")
    if [[ $rc -eq 0 || $rc -eq 124 || $lines -ne 1 || $err == *Traceback* ]]; then
      echo "FAIL: $name on a $kind -> exit $rc, $lines stderr lines: ${err:0:300}"; fail=1
    else
      echo "ok: $name on a $kind -> exit $rc: $(printf '%s' "$err" | grep "$file")"
    fi
  done
  # The browser run's server checks posted lines against the file's run.
  err=$(timeout 10 node -e "$validator" "$root/bench/browser/validator.js" "$file" 2>&1 >/dev/null); rc=$?
  if [[ $rc -eq 0 || $rc -eq 124 || $(printf '%s' "$err" | grep -c '') -ne 1 ]]; then
    echo "FAIL: validator.js on a $kind -> exit $rc: ${err:0:300}"; fail=1
  else
    echo "ok: validator.js on a $kind -> exit $rc: $err"
  fi
done
# A dangling link where the server's records go: refused, never written through.
mkdir "$out/dangling" && ln -s "$out/nowhere" "$out/dangling/native.ndjson"
err=$(timeout 10 node -e "$validator" "$root/bench/browser/validator.js" "$out/dangling/native.ndjson" 2>&1 >/dev/null); rc=$?
if [[ $rc -eq 0 || $rc -eq 124 || -e $out/nowhere || $err != *"symbolic link"* ]]; then
  echo "FAIL: validator.js on a dangling link -> exit $rc: ${err:0:300}"; fail=1
else
  echo "ok: validator.js on a dangling link -> exit $rc: $err"
fi
exit $fail
