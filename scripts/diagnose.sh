#!/usr/bin/env bash
# make diagnose: the hazard catalogue on every platform available (native,
# Node.js, Chromium, Pyodide in both, pymport), records in RUN/diagnose/, then the
# verdict table.
# usage: scripts/diagnose.sh RUN_DIR
set -u
cd "$(dirname "$0")/.."
run=${1:?usage: scripts/diagnose.sh RUN_DIR}
out=$run/diagnose
mkdir -p "$out"
fail=0
step_failed() { echo "diagnose: $1 exited $2" >&2; fail=1; }
echo "diagnose: native" >&2
timeout 300 "${BUILD:-build}/poolbench" diagnose --out "$out" >/dev/null || step_failed native $?
# printf_deadlock runs last and alone: where it bites, the watchdog (5 s here)
# ends the run, with exit 3 or, on Node, a kill: expected, not a failure.
if [[ -f ${BUILD_NODE:-build-node}/poolbench.js ]]; then
  echo "diagnose: node" >&2
  # stdout is kept: the console_loss verdict counts what reached it.
  timeout 300 node "${BUILD_NODE:-build-node}/poolbench.js" diagnose --out "$out" \
    --hazard late_start,before_ready,atomic_wait_wake,console_loss >"$out/node-stdout.txt" || step_failed node $?
  # (in a subshell: the shell's own "Killed" notice is expected noise)
  # The later Node runs add to the first one's node.ndjson (--append).
  (timeout 60 node "${BUILD_NODE:-build-node}/poolbench.js" diagnose --out "$out" --append \
    --hazard printf_deadlock --deadline 5 >/dev/null 2>&1) 2>/dev/null
  # No pre-created workers (and so no watchdog thread either: it could not start).
  timeout 60 node "${BUILD_NODE:-build-node}/poolbench_nopool.js" diagnose --out "$out" --append \
    --hazard late_start --deadline 0 >/dev/null || step_failed "node (no pre-created workers)" $?
fi
if [[ -f ${BUILD_WEB:-build-web}/poolbench.js && -x /usr/bin/chromium ]]; then
  echo "diagnose: chrome" >&2
  timeout 300 node bench/browser/driver.js --quiet --build "${BUILD_WEB:-build-web}" --out "$out" \
    --deadline 240 -- diagnose --hazard late_start,before_ready,atomic_wait_wake >/dev/null || step_failed chrome $?
  # The later Chromium runs add to the first one's chrome.ndjson (--append).
  timeout 60 node bench/browser/driver.js --quiet --build "${BUILD_WEB:-build-web}" --out "$out" \
    --append --deadline 30 -- diagnose --hazard printf_deadlock --deadline 5 >/dev/null 2>&1
  timeout 60 node bench/browser/driver.js --quiet --build "${BUILD_WEB:-build-web}" --out "$out" \
    --append --program poolbench_nopool.js --deadline 30 -- diagnose --hazard late_start --deadline 0 >/dev/null \
    || step_failed "chrome (no pre-created workers)" $?
  # Blocking on the page's main thread: the same program hosted there.
  echo "diagnose: chrome, program on the page's main thread" >&2
  timeout 300 node bench/browser/driver.js --quiet --build "${BUILD_WEB:-build-web}" --out "$out" \
    --append --main-thread --deadline 240 -- run --quick --scenario dispatch,latency --backend futex,spin >/dev/null \
    || step_failed "chrome (main thread)" $?
fi
# Python on Wasm (Pyodide): can it start a thread, load a -pthread side module?
if [[ -f ${BUILD_PYODIDE:-build-pyodide}/poolbench_side.so && -f node_modules/pyodide/pyodide.mjs ]]; then
  echo "diagnose: pyodide (node, chrome)" >&2
  timeout 120 node bench/pyodide/node_host.mjs --build "${BUILD_PYODIDE:-build-pyodide}" --out "$out" \
    --probe-only --deadline 90 2>/dev/null || step_failed "pyodide-node" $?
  if [[ -x /usr/bin/chromium ]]; then
    timeout 150 node bench/browser/driver.js --quiet --pyodide --build "${BUILD_PYODIDE:-build-pyodide}" \
      --out "$out" --deadline 120 -- --probe-only >/dev/null 2>&1 || step_failed "pyodide-chrome" $?
  fi
fi
# CPython embedded in Node.js: a callback into a busy V8, the GIL across worker_threads.
if [[ -f node_modules/pymport/lib/binding/linux-x64/pymport.node ]]; then
  echo "diagnose: pymport" >&2
  timeout 180 node bench/pymport/host.js --diagnose --lib "${BUILD:-build}/libpoolbench.so" \
    --out "$out" --deadline 150 >/dev/null || step_failed pymport $?
fi
python3 report/diagnose.py "$out" --node-stdout "$out/node-stdout.txt" || step_failed "the verdict table" $?
echo "diagnose: records in $out/" >&2
exit $fail
