#!/usr/bin/env bash
# A pool worker kept off its CPU for whole repetitions shows no run-queue
# delay until it runs again, while the caller runs the items alone: figures
# of another regime (a grain call at the serial time), which the counters
# alone called clean. A real-time busy loop on the worker's CPU (the caller
# is on the other: the pools pin workers after it) starves the worker from
# the first grain record on; every grain figure must then be re-run or
# flagged, never clean at the caller's solo time.
# usage: test_sat_out.sh CMD...   (CMD runs poolbench natively)
set -u
here=$(dirname "$0")
[[ $(nproc) -ge 2 ]] || { echo "skip: needs two CPUs"; exit 77; }
chrt -f 10 true 2>/dev/null || { echo "skip: no real-time scheduling here (chrt -f refused)"; exit 77; }
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
timeout 120 "$@" run --quick --backend spin --warm --threads 2 --scenario grain \
  --out "$dir" >/dev/null 2>"$dir/err.txt" & bench=$!
for ((i = 0; i < 400; i++)); do  # 20 s for the references before it
  grep -q '"scenario":"grain"' "$dir/native.ndjson" 2>/dev/null && break
  kill -0 "$bench" 2>/dev/null || break
  sleep 0.05
done
# Bounded by RT throttling (5% of each second left to the rest) and timeout.
timeout 60 chrt -f 10 taskset -c 1 python3 -c 'while True: pass' & pids+=($!)
wait "$bench"; rc=$?
kill "${pids[@]}" 2>/dev/null
[[ $rc -eq 0 ]] || { echo "FAIL: exit $rc"; tail -5 "$dir/err.txt"; exit 1; }
python3 "$here/check_records.py" "$dir/native.ndjson" --scenarios grain || exit 1
python3 - "$dir/native.ndjson" <<'PY' || exit 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
serial = {r["work_ns"]: r["median"] for r in recs
          if r["type"] == "measurement" and r["scenario"] == "grain" and r["backend"] == "serial"}
pool = [r for r in recs if r["type"] == "measurement" and r["scenario"] == "grain" and r["backend"] == "spin"]
assert pool, "no grain record of the pool"
# Items of 3 us and more: two threads sharing them take ~0.5-0.6 of the
# serial time on a quiet machine, the caller alone ~1.0.
solo = [r for r in pool if r["work_ns"] >= 3000 and "interfered" not in r["flags"]
        and r["median"] > 0.8 * serial[r["work_ns"]]]
for r in pool:
    print(f"W={r['work_ns']:g}: {r['median']:.0f} ns (serial {serial[r['work_ns']]:.0f}), "
          f"caller share {r.get('caller_share')}, interfered {r.get('interfered')}, flags {r['flags']}")
assert not solo, f"{len(solo)} clean figures at the caller's solo time: W = {[r['work_ns'] for r in solo]}"
PY
echo "ok: no clean figure at the caller's solo time"
