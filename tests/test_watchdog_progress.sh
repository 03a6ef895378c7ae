#!/usr/bin/env bash
# The watchdog catches hangs, not slowness: a job slow but alive (each of its
# batches finishes) runs to its end however long it takes in all.
# grain_ab (natively: serial, spin, openmp, tbb interleaved) with 20
# repetitions takes ~3 s of work and ~12 s of settling sleeps, far past a 1 s
# deadline in all, with a finished sample every few ms: it must end with its
# records and no watchdog record (before, a 1 s deadline on the job's total
# fired, as a 10 s one did on a busy machine).
# usage: test_watchdog_progress.sh CMD...   (CMD runs poolbench)
set -u
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# A Wasm build never has it (no OpenMP, no oneTBB): a skip. A native one
# lacks it only when neither was found, which make test does not allow.
source "$here/require.sh"
if ! "$@" list | grep -q '^  grain_ab '; then
  [[ $(basename -- "$1") == node ]] && { echo "SKIP: a Wasm build has no grain_ab (no openmp/tbb)"; exit 77; }
  missing "this build has no grain_ab (no openmp/tbb found: scripts/setup.sh installs them)"
fi
start=$(date +%s)
timeout 170 "$@" run --quick --backend spin --warm --scenario grain_ab,forkjoin --deadline 1 --reps 20 \
  --out "$dir" >/dev/null 2>"$dir/err.txt"; rc=$?
took=$(( $(date +%s) - start ))
[[ $rc -eq 0 ]] || { echo "FAIL: a slow but alive job under --deadline 1: exit $rc, want 0"; tail -5 "$dir/err.txt"; exit 1; }
python3 "$here/check_records.py" "$dir/native.ndjson" --scenarios grain_ab,forkjoin || exit 1
python3 - "$dir/native.ndjson" "$took" <<'PY' || exit 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert not [r for r in recs if r["type"] == "watchdog"], "a watchdog record for a job that made progress"
ab = [r for r in recs if r["type"] == "measurement" and r["scenario"] == "grain_ab"]
assert ab, "no grain_ab records"
assert int(sys.argv[2]) > 3, f"the run took {sys.argv[2]} s: not past the 1 s deadline, the test shows nothing"
PY
echo "ok: grain_ab ran ${took} s in all under a 1 s no-progress deadline, no watchdog record"
