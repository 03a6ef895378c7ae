#!/usr/bin/env bash
# Tests of the Pyodide runs (bench/pyodide/).
# usage: test_pyodide.sh CASE PYODIDE_BUILD_DIR
#   node        a --quick run under Node.js: schema-valid records, the probe's
#               fields, the call and grain scenarios, the threads verdict
#   chrome      the same in a Web Worker of headless Chromium
#   bad_module  a truncated side module, and a valid one that is not ours:
#               one clear line each, exit 1, no measurement, no stale handle
#   usage       bad options: one line, exit 2, nothing written
#   deadline    a deadline shorter than Pyodide's load: a clear message, exit 3;
#               Python stuck after the header: a watchdog record naming the step
#   abi         the ABI check flags a type that crosses with another size
#   start_watch Chromium's start-up watch on Pyodide: with a 1.5 s no-progress
#               window (test knob), Python's start (seconds of CPU that fetch
#               nothing and change no status) is progress, not a stall: the
#               run goes through once, its log shows the wait it survived
set -u
case=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
host=$root/bench/pyodide/node_host.mjs
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Without the side modules there is nothing to test: a skip (77) by hand, a
# failure under make test (require.sh).
source "$here/require.sh"
[[ -f $build/poolbench_side.so ]] || missing "$build/poolbench_side.so missing (make build-pyodide)"

# Checks a quick run's file: schema, probe fields, scenarios, verdict.
check_run() {
  local f=$1
  python3 "$here/check_records.py" "$f" --scenarios call,grain \
    --backends python_call,ctypes_call,callback,py_serial,py_per_item || return 1
  python3 - "$f" <<'EOF' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
probe = [r for r in recs if r["type"] == "pyodide_probe"]
assert len(probe) == 1, f"{len(probe)} probe records"
p = probe[0]
assert "can't start new thread" in p["python_threads"], p["python_threads"]
# V8 and SpiderMonkey word the refusal differently.
assert ("shared state of memory" in p["pthread_side_module"]
        or "unshared memory but shared required" in p["pthread_side_module"]), p["pthread_side_module"]
assert p["abi"]["int"] == [4, 4] and p["abi_mismatches"] == [], p["abi"]
assert p["load_ms"] > 0
haz = [r for r in recs if r["type"] == "hazard" and r["hazard"] == "pyodide_threads"]
assert haz and haz[0]["verdict"] == "reproduced", haz
meas = [r for r in recs if r["type"] == "measurement"]
assert all(r["threads"] == 1 and "no_threads" in r["flags"] for r in meas)
cb = [r for r in meas if r["backend"] == "callback"][0]
assert cb["per_item_ns"] * cb["items"] == cb["median"] or abs(cb["per_item_ns"] * cb["items"] / cb["median"] - 1) < 1e-9
# Where Python can suspend on JS (JSPI), what that costs is measured; else not.
jspi = sorted(r["backend"] for r in meas if r["scenario"] == "jspi")
want = ["run_sync_resolved", "run_sync_timeout0"] if p["can_run_sync"] is True else []
assert jspi == want, f"jspi records {jspi}, can_run_sync {p['can_run_sync']}"
print(f"probe: jspi {p['jspi']}, can_run_sync {p['can_run_sync']}, load {p['load_ms']:.0f} ms; "
      f"{len(meas)} measurements")
EOF
}

case $case in
node)
  timeout 120 node "$host" --build "$build" --out "$dir" --quick 2>"$dir/err.txt" \
    || { echo "FAIL: exit $?"; tail -5 "$dir/err.txt"; exit 1; }
  check_run "$dir/pyodide-node.ndjson" || exit 1
  echo "ok: pyodide-node" ;;
chrome)
  timeout 180 node "$root/bench/browser/driver.js" --quiet --pyodide --build "$build" --out "$dir" \
    --deadline 150 -- --quick 2>"$dir/err.txt" \
    || { echo "FAIL: exit $?"; cat "$dir/err.txt"; tail -5 "$dir/pyodide-chrome.log"; exit 1; }
  check_run "$dir/pyodide-chrome.ndjson" || exit 1
  echo "ok: pyodide-chrome" ;;
firefox)
  [[ -x /usr/bin/firefox-esr ]] || missing "no /usr/bin/firefox-esr (scripts/setup.sh installs it)"
  timeout 180 node "$root/bench/browser/driver.js" --quiet --pyodide --browser firefox --build "$build" --out "$dir" \
    --deadline 150 -- --quick 2>"$dir/err.txt" \
    || { echo "FAIL: exit $?"; cat "$dir/err.txt"; tail -5 "$dir/pyodide-firefox.log"; exit 1; }
  check_run "$dir/pyodide-firefox.ndjson" || exit 1
  echo "ok: pyodide-firefox" ;;
bad_module)
  head -c 1000 "$build/poolbench_side.so" >"$dir/truncated.so"
  # A valid side module without poolbench_side_magic: loads, but is not ours.
  echo 'int foreign(int x) { return x; }' >"$dir/foreign.c"
  NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH} emcc -O2 -sSIDE_MODULE=1 "$dir/foreign.c" \
    -o "$dir/foreign.so" || { echo "FAIL: could not build the foreign side module"; exit 1; }
  for m in truncated foreign; do
    timeout 120 node "$host" --build "$build" --out "$dir/$m" --side "$dir/$m.so" 2>"$dir/$m.err"
    rc=$?
    [[ $rc -eq 1 ]] || { echo "FAIL: $m: exit $rc, expected 1"; cat "$dir/$m.err"; exit 1; }
    want=$([[ $m == truncated ]] && echo 'failed to load: .*CompileError' || echo 'not a poolbench side module')
    grep -E "^bench-pyodide: .*$want" "$dir/$m.err" >/dev/null \
      || { echo "FAIL: $m: no clear message:"; cat "$dir/$m.err"; exit 1; }
    python3 "$here/check_records.py" "$dir/$m/pyodide-node.ndjson" >/dev/null || exit 1
    grep -q '"type": "error"' "$dir/$m/pyodide-node.ndjson" || { echo "FAIL: $m: no error record"; exit 1; }
    ! grep -q '"type": "measurement"' "$dir/$m/pyodide-node.ndjson" \
      || { echo "FAIL: $m: measured with a module that is not ours"; exit 1; }
    echo "ok: $m: $(grep '^bench-pyodide' "$dir/$m.err" | cut -c1-150)"
  done ;;
usage)
  for args in "--reps 1" "--bogus" "--deadline -3" "--quick"; do
    out=$([[ $args == --quick ]] && echo "" || echo "--out $dir/u")
    # shellcheck disable=SC2086
    timeout 20 node "$host" --build "$build" $out $args >/dev/null 2>"$dir/err.txt"
    rc=$?
    [[ $rc -eq 2 && $(wc -l <"$dir/err.txt") -eq 1 ]] \
      || { echo "FAIL: '$args': exit $rc, expected 2 and one line:"; cat "$dir/err.txt"; exit 1; }
    echo "ok: '$args' -> $(cat "$dir/err.txt")"
  done
  [[ ! -e $dir/u ]] || { echo "FAIL: a usage error wrote $dir/u"; exit 1; } ;;
deadline)
  start=$SECONDS
  timeout 60 node "$host" --build "$build" --out "$dir" --quick --deadline 1 2>"$dir/err.txt"
  rc=$?
  [[ $rc -eq 3 ]] || { echo "FAIL: exit $rc, expected 3"; cat "$dir/err.txt"; exit 1; }
  (( SECONDS - start <= 3 + 2 )) || { echo "FAIL: took $((SECONDS - start)) s for a 1 s deadline"; exit 1; }
  grep -q "deadline of 1 s exceeded during 'loading Pyodide'" "$dir/err.txt" \
    || { echo "FAIL: the message does not say what was running:"; cat "$dir/err.txt"; exit 1; }
  [[ ! -e $dir/pyodide-node.ndjson ]] || { echo "FAIL: a records file without a header"; exit 1; }
  echo "ok: $(cat "$dir/err.txt")"
  start=$SECONDS
  timeout 60 node "$host" --build "$build" --out "$dir/hang" --quick --test-fault hang --deadline 15 \
    2>"$dir/err.txt"
  rc=$?
  [[ $rc -eq 3 ]] || { echo "FAIL: hang: exit $rc, expected 3"; cat "$dir/err.txt"; exit 1; }
  (( SECONDS - start <= 15 + 2 )) || { echo "FAIL: took $((SECONDS - start)) s for a 15 s deadline"; exit 1; }
  python3 "$here/check_records.py" "$dir/hang/pyodide-node.ndjson" >/dev/null || exit 1
  grep '"type":"watchdog"' "$dir/hang/pyodide-node.ndjson" | grep -q 'hanging in Python' \
    || { echo "FAIL: no watchdog record naming the step"; cat "$dir/hang/pyodide-node.ndjson" | cut -c1-200; exit 1; }
  echo "ok: $(grep -c . "$dir/hang/pyodide-node.ndjson") lines kept, $(cat "$dir/err.txt" | tail -1)" ;;
abi)
  python3 - "$root/bench" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import pycalls

class Lib:  # a library built with 8-byte pointers and 4-byte time_t
    def __init__(self, sizes):
        self.sizes = sizes
    def poolbench_abi_size(self, i):
        return self.sizes[i]

import ctypes as C
host = [C.sizeof(t) for t in (C.c_int, C.c_long, C.c_longlong, C.c_void_p, C.c_size_t, C.c_double)]
sizes, bad = pycalls.abi_probe(Lib(host + [4]))
assert bad == [], bad                      # time_t differs but never crosses
assert sizes["time_t"] == [4, pycalls.host_time_t_size()]
assert pycalls.host_time_t_size() == 8, pycalls.host_time_t_size()   # glibc, 64-bit
wrong = list(host)
wrong[3] = 16 if host[3] != 16 else 4      # void* of another size
sizes, bad = pycalls.abi_probe(Lib(wrong + [8]))
assert len(bad) == 1 and bad[0].startswith("void*"), bad
print("ok: a crossing type of another size is refused; time_t is reported only")
EOF
  ;;
start_watch)
  POOLBENCH_TEST_NO_PROGRESS_MS=1500 timeout 180 node "$root/bench/browser/driver.js" --quiet --settle 0 --pyodide \
    --build "$build" --out "$dir" --deadline 150 -- --probe-only 2>"$dir/err.txt" \
    || { echo "FAIL: exit $?"; cat "$dir/err.txt"; grep '^\[driver\]' "$dir/pyodide-chrome.log"; exit 1; }
  python3 "$here/check_records.py" "$dir/pyodide-chrome.ndjson" >/dev/null || exit 1
  ! grep -q relaunching "$dir/pyodide-chrome.log" \
    || { echo "FAIL: relaunched:"; grep '^\[driver\]' "$dir/pyodide-chrome.log"; exit 1; }
  line=$(grep '^\[driver\] first line' "$dir/pyodide-chrome.log")
  # Only a wait beyond the window shows the CPU counted (a fast machine's may not).
  python3 -c 'import re, sys; sys.exit(float(re.search(r"new status ([0-9.]+) s", sys.argv[1])[1]) <= 1.5)' "$line" \
    || { echo "SKIP: nothing waited beyond the 1.5 s window here: $line"; exit 77; }
  echo "ok: ${line#\[driver\] }" ;;
*) echo "unknown case $case"; exit 2 ;;
esac
