#!/usr/bin/env bash
# One hung job never costs the stage the jobs after it: a worker blocked
# forever trips the watchdog (exit 3, its record names job 1), and
# scripts/run_resuming.sh goes on in a fresh process after it; the jobs after
# it have their records, and the stage still exits 3 naming the hung job.
# usage: test_resume.sh PLATFORM CMD...   (CMD runs poolbench)
set -u
platform=$1; shift
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout 120 bash "$here/../scripts/run_resuming.sh" "$dir/$platform.ndjson" -- \
  "$@" run --quick --backend spin --warm --scenario dispatch,forkjoin --out "$dir" --deadline 2 \
  --test-fault hang-in-worker >/dev/null 2>"$dir/err.txt"
rc=$?
[[ $rc -eq 3 ]] || { echo "FAIL: exit $rc, want 3 (a job hung)"; tail -5 "$dir/err.txt"; exit 1; }
grep -q 'run_resuming: job 1 made no progress' "$dir/err.txt" || { echo "FAIL: no resume line"; cat "$dir/err.txt"; exit 1; }
python3 "$here/check_records.py" "$dir/$platform.ndjson" || exit 1
python3 - "$dir/$platform.ndjson" <<'PY' || exit 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert sum(r["type"] == "header" for r in recs) == 1, "one file, one header"
w = [i for i, r in enumerate(recs) if r["type"] == "watchdog"]
assert len(w) == 1 and recs[w[0]]["job"] == 1, f"watchdog records: {[recs[i] for i in w]}"
after = {r["scenario"] for r in recs[w[0]:] if r["type"] == "measurement"}
assert {"dispatch", "forkjoin"} <= after, f"after the hang only {sorted(after)} ran"
# The hung process wrote no end record; the one that finished the run did.
ends = [i for i, r in enumerate(recs) if r["type"] == "end"]
assert ends == [len(recs) - 1], f"end records at {ends} of {len(recs)}"
PY
echo "ok: exit 3, job 1 hung, dispatch and forkjoin ran after it in a fresh process, which ended the file"
