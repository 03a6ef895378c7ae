#!/usr/bin/env bash
# A --quick run of every backend and scenario, checked against the documented
# schema (results/README.md). Natively the Python baselines run too.
# usage: test_records.sh PLATFORM PYLIB|- CMD...   (CMD runs poolbench)
set -u
platform=$1 pylib=$2; shift 2
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$@" run --quick --out "$dir" >"$dir/summary.txt" 2>"$dir/progress.txt" \
  || { echo "FAIL: poolbench run"; cat "$dir/progress.txt"; exit 1; }
grep -q 'futex round trip' "$dir/summary.txt" || { echo "FAIL: no summary table"; exit 1; }
files=("$dir/$platform.ndjson")
backends=$("$@" list | awk '/^backends:/{b=1;next} /^scenarios:/{b=0} b{printf "%s,",$1}')
scenarios=$("$@" list | awk '/^scenarios:/{s=1;next} s{printf "%s,",$1}')
if [[ $pylib != - ]]; then
  python3 "$here/../bench/py_baselines.py" --lib "$pylib" --quick --out "$dir" \
    >/dev/null 2>"$dir/py.txt" || { echo "FAIL: py_baselines"; cat "$dir/py.txt"; exit 1; }
  files+=("$dir/python.ndjson")
  backends+="py_threads,py_to_pool.spin,pool_to_py.spin,"
fi
grep -q '"type":"reference_drift"' "$dir/$platform.ndjson" ||
  { echo "FAIL: no reference_drift record: the spin reference was not measured again at the end"; exit 1; }
python3 "$here/check_records.py" "${files[@]}" --backends "$backends" --scenarios "$scenarios"
