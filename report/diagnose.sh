#!/usr/bin/env bash
# make diagnose: the hazard catalogue on every platform available (native,
# Node.js, Chromium), records in RUN/diagnose/, then the verdict table.
# usage: report/diagnose.sh RUN_DIR
set -u
cd "$(dirname "$0")/.."
run=${1:?usage: report/diagnose.sh RUN_DIR}
out=$run/diagnose
mkdir -p "$out"
fail=0
echo "diagnose: native" >&2
timeout 300 "${BUILD:-build}/poolbench" diagnose --out "$out" >/dev/null || fail=1
# printf_deadlock runs last and alone: where it bites, the watchdog (5 s here)
# ends the run, with exit 3 or, on Node, a kill: expected, not a failure.
if [[ -f ${BUILD_NODE:-build-node}/poolbench.js ]]; then
  echo "diagnose: node" >&2
  # stdout is kept: the console_loss verdict counts what reached it.
  timeout 300 node "${BUILD_NODE:-build-node}/poolbench.js" diagnose --out "$out" \
    --hazard before_ready,atomic_wait_wake,console_loss >"$out/node-stdout.txt" || fail=1
  timeout 60 node "${BUILD_NODE:-build-node}/poolbench.js" diagnose --out "$out" \
    --hazard printf_deadlock --deadline 5 >/dev/null 2>&1
fi
if [[ -f ${BUILD_WEB:-build-web}/poolbench.js && -x /usr/bin/chromium ]]; then
  echo "diagnose: chrome" >&2
  timeout 300 node bench/browser/driver.js --quiet --build "${BUILD_WEB:-build-web}" --out "$out" \
    --deadline 240 -- diagnose --hazard before_ready,atomic_wait_wake >/dev/null || fail=1
  timeout 60 node bench/browser/driver.js --quiet --build "${BUILD_WEB:-build-web}" --out "$out" \
    --deadline 30 -- diagnose --hazard printf_deadlock --deadline 5 >/dev/null 2>&1
  # Blocking on the page's main thread: the same program hosted there.
  echo "diagnose: chrome, program on the page's main thread" >&2
  timeout 300 node bench/browser/driver.js --quiet --build "${BUILD_WEB:-build-web}" --out "$out" \
    --main-thread --deadline 240 -- run --quick --scenario dispatch,latency --backend futex,spin >/dev/null || fail=1
fi
python3 report/diagnose.py "$out" --node-stdout "$out/node-stdout.txt" || fail=1
echo "diagnose: records in $out/" >&2
exit $fail
