#!/usr/bin/env bash
# Natively a repetition another task interfered with is counted and re-run:
# with two busy processes on this machine's cores (as many as it has), a
# 2-thread spin fork-join is preempted in most repetitions; its record must
# say how many were interfered with and re-run, and the header which counters
# told. A build that does not count says nothing, and fails here. The check
# after each job says how much CPU the busy processes took (and wanted)
# beside it, and the report flags the cold job (its threads slept: no counter saw the
# wake-ups land on busy CPUs), not the warm one its counters judged.
# usage: test_interference.sh CMD...   (CMD runs poolbench natively)
set -u
here=$(dirname "$0")
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
for ((i = 0; i < $(nproc); i++)); do
  timeout 120 python3 -c 'while True: pass' & pids+=($!)
done
timeout 100 "$@" run --backend spin --both --threads 2 --scenario forkjoin \
  --out "$dir" >/dev/null 2>"$dir/err.txt"; rc=$?
kill "${pids[@]}" 2>/dev/null
[[ $rc -eq 0 ]] || { echo "FAIL: exit $rc"; tail -5 "$dir/err.txt"; exit 1; }
python3 "$here/check_records.py" "$dir/native.ndjson" --scenarios forkjoin || exit 1
python3 - "$dir/native.ndjson" <<'PY' || exit 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
h = recs[0]
assert h.get("interference"), f"the header names no interference counters: {h.get('interference')!r}"
fj = [r for r in recs if r["type"] == "measurement" and r["scenario"] == "forkjoin" and r["mode"] == "warm"]
assert fj, "no warm forkjoin record"
r = fj[0]
assert isinstance(r.get("interfered"), int) and r["interfered"] > 0, f"interfered {r.get('interfered')!r} under load"
assert r["reruns"] > 0 and r["reruns"] <= 3 * r["n"], f"reruns {r['reruns']} (n {r['n']})"
assert r["reruns"] <= r["interfered"]
spent = r["reruns"] == 3 * r["n"]  # the budget: 3 re-runs per kept repetition
assert ("interfered" in r["flags"]) == (spent and r["interfered"] > r["reruns"]), (r["flags"], r["reruns"], r["interfered"])
print(f"forkjoin: {r['interfered']} repetitions interfered, {r['reruns']} re-run, flags {r['flags']}")
checks = [r for r in recs if r["type"] == "reference_check"]
others = [c.get("others_cores") for c in checks]
assert checks and all(isinstance(o, (int, float)) and o >= 0 for o in others) and max(others) >= 0.5, \
    f"others_cores {others} beside two busy processes"
# Two busy processes want two cores, whether they ran or waited for them
# (the first check's window began as they started: not counted).
demand = [c.get("others_demand") for c in checks]
assert all(isinstance(d, (int, float)) for d in demand) and min(demand[1:]) >= 1.0 and max(demand) >= 1.5, \
    f"others_demand {demand} beside two busy processes"
PY
REPORT=$here/../report python3 - "$dir" <<'PY' || exit 1
import os, sys
sys.path.insert(0, os.environ["REPORT"])
import noisy, run_model
p = run_model.load_run(sys.argv[1])["native"]
fj = {m["mode"]: m for m in p.measurements if m["scenario"] == "forkjoin"}
assert noisy.beside(p, fj["cold"]), "the cold fork-join beside busy processes is not flagged"
assert noisy.beside(p, fj["warm"]) is None, f"the warm fork-join, judged by its counters: {noisy.beside(p, fj['warm'])}"
PY
echo "ok: counted by $(head -1 "$dir/native.ndjson" | python3 -c 'import json,sys; print(json.load(sys.stdin)["interference"])')"
