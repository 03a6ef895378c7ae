#!/usr/bin/env bash
# A --quick run of every backend and scenario, native and Python, checked
# against the documented schema (results/README.md).
set -u
build=$1; here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/poolbench" run --quick --out "$dir" >"$dir/summary.txt" 2>"$dir/progress.txt" \
  || { echo "FAIL: poolbench run"; cat "$dir/progress.txt"; exit 1; }
grep -q 'futex round trip' "$dir/summary.txt" || { echo "FAIL: no summary table"; exit 1; }
python3 "$here/../bench/py_baselines.py" --lib "$build/libpoolbench.so" --quick --out "$dir" \
  >/dev/null 2>"$dir/py.txt" || { echo "FAIL: py_baselines"; cat "$dir/py.txt"; exit 1; }
backends=$("$build/poolbench" list | awk '/^backends:/{b=1;next} /^scenarios:/{b=0} b{printf "%s,",$1}')
scenarios=$("$build/poolbench" list | awk '/^scenarios:/{s=1;next} s{printf "%s,",$1}')
python3 "$here/check_records.py" "$dir/native.ndjson" "$dir/python.ndjson" \
  --backends "${backends}py_threads,py_to_pool.spin,pool_to_py.spin" --scenarios "$scenarios"
