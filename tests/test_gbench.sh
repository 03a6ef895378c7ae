#!/usr/bin/env bash
# The Google Benchmark binary writes JSON that compare.py-style tools read.
set -u
bin=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" --benchmark_filter='dispatch/(spin|futex)/' --benchmark_min_time=0.01 \
  --benchmark_repetitions=3 --benchmark_format=json >"$out" 2>/dev/null \
  || { echo "FAIL: poolbench_gbench exited non-zero"; exit 1; }
python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
runs = [b for b in d["benchmarks"] if b.get("run_type") == "iteration"]
names = {b["run_name"] for b in runs}
assert {"dispatch/spin/warm/real_time", "dispatch/futex/cold/real_time"} <= names, names
assert all(b["real_time"] > 0 and "caller_share" in b for b in runs)
print(f"ok: {len(runs)} runs of {len(names)} benchmarks in Google Benchmark JSON")
PY
