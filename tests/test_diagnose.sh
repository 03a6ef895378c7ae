#!/usr/bin/env bash
# The hazard catalogue finishes within its deadline and every hazard yields a
# verdict (reproduced / not reproduced / error, with its evidence); under Node
# console_loss is decided from what reached stdout.
# usage: test_diagnose.sh PLATFORM CMD...   (CMD runs poolbench)
set -u
platform=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout 120 "$@" diagnose --out "$dir" >"$dir/stdout.txt" 2>"$dir/err.txt"
rc=$?
[[ $rc -ne 124 ]] || { echo "FAIL: diagnose hung (120 s)"; exit 1; }
python3 "$here/../report/diagnose.py" "$dir" --node-stdout "$dir/stdout.txt" >"$dir/table.txt" 2>&1
python3 - "$dir/$platform.ndjson" "$platform" <<'PY' || { cat "$dir/table.txt" "$dir/err.txt"; exit 1; }
import json, sys
path, platform = sys.argv[1:]
want = {"before_ready", "atomic_wait_wake"} | ({"console_loss"} if platform == "node" else set())
got = {}
for line in open(path):
    r = json.loads(line)
    if r["type"] == "hazard":
        got[r["hazard"]] = r
missing = want - set(got)
assert not missing, f"FAIL: no verdict for {sorted(missing)}"
for h, r in got.items():
    assert r["verdict"] in ("reproduced", "not reproduced", "error"), f"FAIL: {h}: {r['verdict']}"
    assert r["evidence"], f"FAIL: {h} without evidence"
# Using a pool before it is ready must never wait: whatever ran meanwhile ran inline.
assert got["before_ready"]["verdict"] != "error", "FAIL: before_ready: " + got["before_ready"]["evidence"]
print("ok: " + "; ".join(f"{h}: {r['verdict']}" for h, r in sorted(got.items())))
PY
