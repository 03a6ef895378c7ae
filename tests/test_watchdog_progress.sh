#!/usr/bin/env bash
# A job's deliberate sleeps do not count against its deadline, its work does:
# grain_ab (natively: serial, spin, openmp, tbb interleaved) sleeps ~6 s
# settling between its --quick samples and computes ~1.5 s, so a 5 s deadline
# passes, and a 1 s one (twice the repetitions: ~3 s of work) still fires,
# naming the arm it was in.
# usage: test_watchdog_sleeps.sh CMD...   (CMD runs poolbench)
set -u
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$@" list | grep -q '^  grain_ab ' || { echo "SKIP: this build has no grain_ab (no openmp/tbb)"; exit 77; }
cmd=("$@")
run() { timeout 120 "${cmd[@]}" run --quick --backend spin --warm --scenario grain_ab "$@"; }
run --deadline 5 --out "$dir/a" >/dev/null 2>"$dir/a.txt"; rc=$?
[[ $rc -eq 0 ]] || { echo "FAIL: --deadline 5: exit $rc, want 0 (the settles counted?)"; tail -5 "$dir/a.txt"; exit 1; }
python3 "$here/check_records.py" "$dir/a/native.ndjson" --scenarios grain_ab || exit 1
run --deadline 1 --reps 20 --out "$dir/b" >/dev/null 2>"$dir/b.txt"; rc=$?
[[ $rc -eq 3 ]] || { echo "FAIL: --deadline 1: exit $rc, want 3"; tail -5 "$dir/b.txt"; exit 1; }
python3 - "$dir/b/native.ndjson" <<'PY' || { cat "$dir/b.txt"; exit 1; }
import json, sys
w = [json.loads(l) for l in open(sys.argv[1]) if '"type":"watchdog"' in l]
assert len(w) == 1, f"{len(w)} watchdog records"
w = w[0]
assert w["scenario"] == "grain_ab" and w["backend"] == "spin", w
assert w.get("arm") in ("serial", "spin", "openmp", "tbb"), f"the dump names no arm: {w}"
assert w["elapsed_s"] <= 1 + 2, w
PY
grep -q 'grain_ab spin warm, in arm ' "$dir/b.txt" || { echo "FAIL: stderr names no arm"; cat "$dir/b.txt"; exit 1; }
echo "ok: --deadline 5 passed (sleeps not counted); --deadline 1 fired: $(grep -o 'in arm [a-z_]*' "$dir/b.txt")"
