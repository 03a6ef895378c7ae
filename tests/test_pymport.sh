#!/usr/bin/env bash
# Tests of the pymport runs (bench/pymport/: CPython embedded in Node.js).
# usage: test_pymport.sh CASE LIBPOOLBENCH
#   run       a --quick run: schema-valid records with every scenario (the
#             baselines as natively, the JS side for k = 1..P), the probe
#   diagnose  --diagnose: both hazard verdicts, the wait for a busy V8 longer
#             than for an idle one
#   missing   no pymport where --pymport points, and one that fails to load:
#             one line naming make setup, exit 2, no records
#   usage     bad options: one line, exit 2, nothing written
set -u
case=$1 lib=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/require.sh"
root=$here/..
host=$root/bench/pymport/host.js
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
built=$root/node_modules/pymport/lib/binding/linux-x64/pymport.node
if [[ $case != missing ]]; then  # usage: the options are the embedded Python's to check
  [[ -f $built ]] || missing "pymport not built (make setup)"
  [[ -f $lib ]] || missing "$lib missing (make build)"
fi

# One line on stderr, exit 2, no records file.
refused() {
  local want=$1; shift
  node "$host" --lib "$lib" --out "$dir/r" "$@" >"$dir/out.txt" 2>"$dir/err.txt"
  local rc=$? lines
  lines=$(grep -c . "$dir/err.txt")
  [[ $rc -eq 2 ]] || { echo "FAIL: $*: exit $rc, want 2"; cat "$dir/err.txt"; return 1; }
  [[ $lines -eq 1 ]] || { echo "FAIL: $*: $lines lines on stderr, want 1"; cat "$dir/err.txt"; return 1; }
  grep -q -- "$want" "$dir/err.txt" || { echo "FAIL: $*: '$want' not said"; cat "$dir/err.txt"; return 1; }
  [[ ! -e $dir/r/pymport.ndjson ]] || { echo "FAIL: $*: records written"; return 1; }
  echo "ok: $* -> $(cat "$dir/err.txt")"
}

case $case in
run)
  timeout 200 node "$host" --lib "$lib" --out "$dir" --quick --pools spin --deadline 180 \
    >"$dir/out.txt" 2>"$dir/err.txt" || { echo "FAIL: exit $?"; tail -5 "$dir/err.txt"; exit 1; }
  f=$dir/pymport.ndjson
  p=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["options"]["threads"])' "$f")
  per_k=$(for k in $(seq 1 "$p"); do printf ',call_async.%s,sync.%s' "$k" "$k"; done)
  python3 "$here/check_records.py" "$f" \
    --scenarios call,grain,dispatch,js_to_py,py_to_js,js_workers \
    --backends "python_call,ctypes_call,callback,py_serial,py_per_item,py_threads,py_to_pool.spin,pool_to_py.spin,sync,callback_from_thread$per_k" \
    || exit 1
  python3 - "$f" "$p" <<'EOF' || exit 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
P = int(sys.argv[2])
assert recs[0]["platform"] == "pymport", recs[0]["platform"]
probe = [r for r in recs if r["type"] == "pymport_probe"]
assert len(probe) == 1, f"{len(probe)} probe records"
pr = probe[0]
assert pr["pymport_version"].count(".") == 2 and pr["node_version"].startswith("v"), pr
assert pr["python_library"] and pr["python_version"].rsplit(".", 1)[0] in pr["python_library"], pr
# setup.sh builds against Debian's libpython; the UV pool fits P calls in flight and the measuring one.
assert pr["system_python"] is True, pr
assert pr["uv_threadpool_size"] >= P + 1, pr
meas = [r for r in recs if r["type"] == "measurement"]
for r in meas:
    if r["scenario"] in ("js_to_py", "py_to_js", "js_workers"):
        # (records keep 6 significant digits)
        assert r["median"] > 0 and abs(r["calls_per_s"] * r["median"] / 1e9 - 1) < 1e-4, r["backend"]
flight = {r["in_flight"]: r for r in meas if r["backend"].startswith("call_async.")}
assert sorted(flight) == list(range(1, P + 1)), sorted(flight)
work = {r["workers"]: r for r in meas if r["scenario"] == "js_workers"}
assert all(work[k]["threads"] == k for k in work) and sorted(work) == list(range(1, P + 1)), sorted(work)
# One hop into JS per batch: callAsync, a round trip through libuv, costs more than a sync call.
sync = [r for r in meas if r["scenario"] == "js_to_py" and r["backend"] == "sync"][0]
assert flight[1]["median"] > sync["median"], (flight[1]["median"], sync["median"])
print(f"pymport {pr['pymport_version']}, Python {pr['python_version']} ({pr['python_library']}); "
      f"sync {sync['median']:.0f} ns, callAsync latency {flight[1]['median']:.0f} ns; {len(meas)} measurements")
EOF
  grep -q "worker_threads calling Python at once" "$dir/out.txt" || { echo "FAIL: no worker_threads line"; exit 1; }
  echo "ok: pymport run" ;;
diagnose)
  timeout 200 node "$host" --lib "$lib" --out "$dir" --diagnose --deadline 180 \
    >"$dir/out.txt" 2>"$dir/err.txt" || { echo "FAIL: exit $?"; tail -5 "$dir/err.txt"; exit 1; }
  python3 "$here/check_records.py" "$dir/pymport.ndjson" --scenarios js_workers || exit 1
  python3 - "$dir/pymport.ndjson" <<'EOF' || exit 1
import json, sys
haz = {r["hazard"]: r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "hazard"}
assert sorted(haz) == ["pymport_gil", "pymport_js_wait"], sorted(haz)
w = haz["pymport_js_wait"]
# The call waits for V8's busy loop: far longer than with V8 idle.
assert w["verdict"] == "reproduced" and w["wait_busy_ms"] > 10 * w["wait_idle_ms"], w
assert haz["pymport_gil"]["verdict"] in ("reproduced", "not reproduced"), haz["pymport_gil"]
for h in haz.values():
    print(f"{h['hazard']}: {h['verdict']}: {h['evidence']}")
EOF
  python3 "$root/report/diagnose.py" "$dir" | grep -q "pymport_gil" || { echo "FAIL: not in the verdict table"; exit 1; }
  echo "ok: pymport diagnose" ;;
missing)
  refused "make setup" --pymport "$dir/nowhere" || exit 1
  # A package whose native module is not one: it fails where pymport's would.
  mkdir -p "$dir/broken" && echo 'not an ELF file' >"$dir/broken/pymport.node"
  echo '{"name":"pymport","main":"pymport.node"}' >"$dir/broken/package.json"
  refused "make setup" --pymport "$dir/broken" || exit 1 ;;
usage)
  refused "threads" --threads 0 || exit 1
  refused "deadline" --deadline soon || exit 1
  refused "unrecognized" --frobnicate || exit 1
  refused "reps" --reps 1 || exit 1 ;;
*)
  echo "test_pymport.sh: unknown case '$case'" >&2
  exit 2 ;;
esac
