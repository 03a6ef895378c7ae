"""poolbench in CPython embedded in Node.js (pymport): the Python baselines of
bench/py_baselines.py under platform "pymport" (py_threads, py_to_pool.<pool>,
pool_to_py.<pool>, the calls and the serial sweep of bench/pycalls.py, in
the same form as natively), and the JS side of the bridge:

  js_to_py    sync          JS calling a Python function (math.sqrt), ns per call
              call_async.k  the same with callAsync, k calls in flight (k = 1:
                            latency; k > 1: ns per call at that throughput)
  py_to_js    callback      Python calling a JS function (on V8's thread)
  js_workers  sync.k        k worker_threads each calling Python at once: ns per
                            call over all of them (threads: k); one GIL for all

              callback_from_thread   the same from a callAsync thread: a hop
                            to V8's thread and back, per call

The C harness (libpoolbench.so through ctypes) times every batch: a batch
of the JS side is one hop into JS (bench/pymport/host.js) that runs the
batch's calls. The asynchronous ones are measured from a callAsync thread so
that V8's event loop stays free; the batch waits (with a deadline) until JS
says it is done. That costs two thread hops (~0.1-0.2 ms), so these batches
last >= HOP_BATCH_MS (the session reopened on the same file), where the hops
weigh ~1%.

host.js passes `js`, a dict of its JS functions; it calls start(), probe(),
run_sync(), hop_batches(), then from_thread(), in_flight() and workers()
through callAsync, and finish().
"""
import json
import os
import re
import sys
import threading
import time

import py_baselines

WAIT_S = 30  # a batch's deadline for JS to finish it
BUSY_MS = 50  # the hazard: how long V8's thread is kept busy
HOP_BATCH_MS = 20  # the shortest batch that pays two thread hops (quick: a quarter)


def start(argv):
    """The open session, or an exit code where the options or the library
    are wrong (the one-line message already on stderr)."""
    try:
        return py_baselines.Session(list(argv), platform="pymport", prog="bench-pymport", doc=__doc__)
    except SystemExit as e:
        if isinstance(e.code, str):  # sys.exit("...") prints nothing itself
            print(e.code, file=sys.stderr)
            return 2
        return e.code or 0


def libpython():
    """The libpython this process mapped (the one pymport was built against)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            for line in f:
                m = re.search(r"(/\S*libpython3[^/\s]*\.so[^/\s]*)$", line.strip())
                if m:
                    return m.group(1)
    except OSError:
        pass
    return None


def emit(s, rtype, fields):
    """A free-form record through the harness's sink (one line, synchronous)."""
    s.lib.harness_emit_raw.argtypes = [py_baselines.C.c_void_p] + [py_baselines.C.c_char_p] * 2
    s.lib.harness_emit_raw(s.h, rtype.encode(), json.dumps(fields, allow_nan=False)[1:-1].encode())


def probe(s, versions):
    """The pymport_probe record: versions, and whether Debian's Python is the
    one embedded (the build's pkg-config python3-embed)."""
    lib = libpython()
    system = bool(lib) and lib.startswith(("/usr/lib/", "/lib/")) and sys.prefix == "/usr"
    emit(s, "pymport_probe", {
        "pymport_version": str(versions["pymport"]), "node_version": str(versions["node"]),
        "python_version": sys.version.split()[0], "python_prefix": sys.prefix,
        "python_library": lib, "system_python": system,
        "uv_threadpool_size": int(os.environ.get("UV_THREADPOOL_SIZE", "4"))})


def per_call(median):
    return [("per_item_ns", median), ("calls_per_s", 1e9 / median if median > 0 else 0.0)]


def run_sync(s, js):
    """The baselines' jobs, then the JS side that runs on V8's thread."""
    r = s.runner

    def sync_calls():
        r.measure_batch("js_to_py", "sync", 1, 0, lambda n: js["sync_calls"](n), per_call)

    def callback():
        r.measure("py_to_js", "callback", 1, 0, js["noop"], per_call)
    s.run(s.jobs() + [("js_to_py sync", sync_calls), ("py_to_js callback", callback)])


def hop_batches(s):
    """From here on, batches that amortise two thread hops."""
    s.reopen(HOP_BATCH_MS * 1e6 / (4 if s.args.quick else 1))


def from_thread(s, js):
    """py_to_js callback_from_thread; runs on a callAsync thread."""
    s.runner.measure("py_to_js", "callback_from_thread", 1, 0, js["noop"], per_call)


class Waited:
    """A batch that asks JS to start n calls and waits until JS calls done().
    An error (JS threw, the deadline passed) ends every later batch at once
    and is raised after the measurement (ctypes would only print it)."""

    def __init__(self, start, k):
        self.start, self.k = start, k
        self.done = threading.Event()
        self.error = None

    def __call__(self, n):
        if self.error:
            return
        self.done.clear()
        try:
            self.start(n, self.k, self.done.set)
        except Exception as e:  # noqa: BLE001 (reported after the measurement)
            self.error = f"JS failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
            return
        if not self.done.wait(WAIT_S):
            self.error = f"{n} calls did not finish within {WAIT_S} s"

    def check(self, what):
        if self.error:
            raise RuntimeError(f"{what}: {self.error}")


def in_flight(s, js, k):
    """js_to_py call_async.k; runs on a callAsync thread."""
    b = Waited(js["async_calls"], k)
    s.runner.measure_batch("js_to_py", f"call_async.{k}", 1, 0, b,
                           lambda m: per_call(m) + [("in_flight", k)])
    b.check(f"call_async.{k}")


def workers(s, js, k):
    """js_workers sync.k (threads: k); runs on a callAsync thread. Returns
    calls per second over the k workers."""
    b = Waited(js["worker_calls"], k)
    m = s.runner.measure_batch("js_workers", f"sync.{k}", 1, 0, b,
                               lambda m: per_call(m) + [("workers", k)], threads=k)
    b.check(f"js_workers sync.{k}")
    return 1e9 / m if m > 0 else 0.0


def js_wait(js, sleep_s=0.005):
    """On a callAsync thread: how long a call into JS waits for V8 (ms). The
    sleep lets the main thread reach its busy loop first."""
    time.sleep(sleep_s)
    t0 = time.perf_counter()
    js["noop"]()
    return (time.perf_counter() - t0) * 1e3


def hazards(s, idle_ms, busy_ms, p, one, many):
    """The hazard verdicts of make diagnose; one, many: calls/s of 1 and of
    p worker_threads calling Python at once."""
    expect = BUSY_MS - 5
    emit(s, "hazard", {
        "hazard": "pymport_js_wait", "verdict": "reproduced" if busy_ms >= 0.5 * expect else "not reproduced",
        "evidence": f"a Python call into JS from a callAsync thread waited {busy_ms:.1f} ms while "
                    f"V8's thread was busy for {BUSY_MS} ms ({idle_ms:.3f} ms with it idle)",
        "wait_busy_ms": busy_ms, "wait_idle_ms": idle_ms, "busy_ms": BUSY_MS})
    if p < 2:
        fields = {"verdict": "not reproduced", "evidence": "one worker_thread only (P = 1): no contention"}
    else:
        # Without a shared lock p threads would make about p times the calls.
        gain = many / one if one > 0 else 0.0
        fields = {"verdict": "reproduced" if gain < 0.75 * p else "not reproduced",
                  "evidence": f"{p} worker_threads calling Python at once made {many:.0f} calls/s, "
                              f"one alone {one:.0f}: x{gain:.2f} for x{p} threads (one GIL)",
                  "gain": gain}
    emit(s, "hazard", {"hazard": "pymport_gil", **fields, "workers": p})


def finish(s, table=True):
    s.close(table)
    sys.stdout.flush()  # Node ends the process without Python's exit
