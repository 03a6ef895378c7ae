"""poolbench inside Pyodide (Python on Wasm), under Node.js or in a browser's
Web Worker: the capability probe, then the Python call scenarios and the
serial grain sweep of bench/pycalls.py against the project's C kernel, built
as a side module (bench/pyodide/side_module.c) and loaded with ctypes.

Pyodide has no threads (the probe records why), so nothing here is a pool:
records say threads 1 and carry the flag `no_threads`.

The host (bench/pyodide/run_pyodide.mjs) provides the JS module
`poolbench_host`: sink(line) writes one record synchronously, progress(text)
reports the current step, context is the run's JSON (platform, options,
side module paths, load time, ...).

Timing: the C harness cannot run here (its clock and sink go through libc,
whose ABI differs between the side module's Emscripten and Pyodide's), so
this file sizes batches and repeats them the way harness_measure does, with
time.perf_counter_ns, and takes the statistics from the side module (the
harness's own stats.c).
"""
import ctypes as C
import json
import os
import sys
import threading
import time

import poolbench_host as host
import pycalls

# The version of records/schema.json, which the hosts put beside this file.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json"), encoding="utf-8") as _f:
    SCHEMA_VERSION = json.load(_f)["version"]

SIDE_MAGIC = 0x706F6F6C
STATS = ["median", "mad", "min", "max", "mean", "p50", "p90", "p99", "p999",
         "ci_lo", "ci_hi", "ci_level"]
# What a measurement record carries of them (the percentiles are latency's).
RECORD_STATS = STATS[:5] + STATS[9:]


class Fatal(Exception):
    """Ends the run with a one-line message (and an error record)."""


class Run:
    def __init__(self, ctx):
        self.ctx = ctx
        self.platform = ctx["platform"]
        self.reps = ctx["reps"]
        self.step_ns = timer_step_ns()
        self.min_batch_ns = max(1000 * self.step_ns, 2e5 if ctx["quick"] else 1e6)
        self.lib = None
        self.header_written = False
        self.t0 = time.monotonic()

    def emit(self, rec):
        host.sink(json.dumps(rec, allow_nan=False))

    def header(self, iters_per_ns):
        c = self.ctx
        self.emit({
            "type": "header", "platform": self.platform, "schema": SCHEMA_VERSION,
            "start_time": c["start_time"], "git_commit": c["git_commit"],
            "compiler": f"Pyodide {c['pyodide_version']} (Python {sys.version.split()[0]}, "
                        f"Emscripten {'.'.join(map(str, emscripten_info().get('emscripten_version', ())))}); "
                        f"side module: {c['side_compiler']}",
            "timer_step_ns": self.step_ns, "kernel_iters_per_ns": iters_per_ns,
            "min_batch_ns": self.min_batch_ns, "cpu_model": None,
            "logical_cores": c["host_cores"], "kernel": c["runtime"], "governor": None,
            "nice": c.get("nice"),
            "options": {"threads": 1, "reps": self.reps, "quick": c["quick"],
                        "command": c["command"]},
            "backends": {"python_call": "a plain Python call", "ctypes_call": "a ctypes call into C",
                         "callback": "C calling a Python callback (CFUNCTYPE)",
                         "py_serial": "one ctypes call running the N items",
                         "py_per_item": "one ctypes call per item (no threads: no pool)"},
            # No threads, so no pingpong: the sweep's W, but no references.
            "grain_work_ns": list(pycalls.WORK_NS), "references": None,
            # Python's clock times everything here: no thread to spare for a counter.
            "clock": {"per_call": "system", "choice": "system",
                      "why": "Pyodide runs one thread: time.perf_counter_ns()",
                      "step_ns": self.step_ns, "system_step_ns": self.step_ns,
                      "ns_per_tick": None, "calibration_ms": None, "steadiness": None,
                      "checks": [], "short_mean_ns": None, "short_bias_ns": None}})
        self.header_written = True

    def end(self, jobs):
        """The last line of a run that finished (a failing job raises Fatal)."""
        self.emit({"type": "end", "platform": self.platform, "jobs": jobs, "failed": 0,
                   "elapsed_s": time.monotonic() - self.t0})

    def error(self, scenario, message):
        if not self.header_written:
            self.header(0)
        self.emit({"type": "error", "platform": self.platform, "scenario": scenario,
                   "backend": None, "mode": None, "message": message})

    def load(self, path):
        """The side module at path, its handle proven to be this module's."""
        try:
            lib = C.CDLL(path)
        except OSError as e:
            raise Fatal(f"side module {path} failed to load: {one_line(e)}")
        try:
            magic = lib.poolbench_side_magic
        except AttributeError:
            raise Fatal(f"{path} loaded but has no poolbench_side_magic: not a poolbench side "
                        "module, or a stale handle from an earlier failed load")
        magic.restype = C.c_int
        if magic() != SIDE_MAGIC:
            raise Fatal(f"{path}: poolbench_side_magic() returned {magic():#x}, not {SIDE_MAGIC:#x}")
        lib.poolbench_calibrate.argtypes = [C.c_double, C.c_char_p, C.c_int]
        lib.poolbench_calibrate.restype = C.c_double
        lib.poolbench_stats.argtypes = [C.POINTER(C.c_double), C.c_int, C.POINTER(C.c_double)]
        return pycalls.bind(lib)

    def measure(self, scenario, backend, items, work, op, extras=None):
        """harness_measure's method: a batch of >= min_batch_ns, reps
        repetitions, the first dropped as warm-up. Returns the median."""
        inner, t = 1, timed(op, 1)
        while t < self.min_batch_ns and inner < 1 << 32:
            grow = min(10, max(1.5, self.min_batch_ns / t * 1.2)) if t > 0 else 10
            inner = int(inner * grow + 0.999)
            t = timed(op, inner)
        samples = [timed(op, inner) / inner for _ in range(self.reps)][1:]
        out = (C.c_double * len(STATS))(*[float("nan")] * len(STATS))
        if self.lib.poolbench_stats((C.c_double * len(samples))(*samples), len(samples), out):
            raise Fatal("out of memory in poolbench_stats")
        st = dict(zip(STATS, out))
        if st["ci_level"] != st["ci_level"]:  # NaN: an older module wrote fewer
            raise Fatal("the side module's poolbench_stats gives no median interval: "
                        "rebuild it (make build-pyodide)")
        rec = {"type": "measurement", "platform": self.platform, "scenario": scenario,
               "backend": backend, "mode": "default", "threads": 1, "items": items,
               "work_ns": float(work), "unit": "ns", "n": len(samples), "inner": inner,
               "spin_rt_units": None, "futex_rt_units": None, "samples": samples,
               "flags": ["no_threads"] + (["below_timer_resolution"]
                                          if t < 1000 * self.step_ns else [])}
        rec.update({k: st[k] for k in RECORD_STATS})
        if extras:
            rec.update(extras(st["median"]))
        self.emit(rec)
        return st["median"]

    def probe(self):
        """What this Python on Wasm can do: threads, a -pthread side module,
        synchronous waits on JS (JSPI), and the ABI beside the side module's."""
        c = self.ctx
        threads = "started"
        try:
            th = threading.Thread(target=lambda: None)
            th.start()
            th.join(5)
        except RuntimeError as e:
            threads = f"RuntimeError: {e}"
        try:
            C.CDLL(c["side_pthread"])
            pthread_module = "loaded"
        except OSError as e:
            pthread_module = one_line(e)
        try:
            from pyodide.ffi import can_run_sync
            crs = bool(can_run_sync())
        except ImportError as e:
            crs = f"unavailable: {e}"
        sizes, bad = pycalls.abi_probe(self.lib)
        info = emscripten_info()
        rec = {"type": "pyodide_probe", "platform": self.platform,
               "pyodide_version": c["pyodide_version"], "python_version": sys.version.split()[0],
               "pyodide_emscripten": ".".join(map(str, info.get("emscripten_version", ()))),
               "side_compiler": c["side_compiler"], "runtime": c["runtime"],
               "load_ms": c["load_ms"], "python_threads": threads,
               "pthread_side_module": pthread_module, "jspi": c["jspi"], "can_run_sync": crs,
               "abi": sizes, "abi_mismatches": bad, "timer_step_ns": self.step_ns}
        self.emit(rec)
        reproduced = threads != "started" and pthread_module != "loaded"
        self.emit({"type": "hazard", "platform": self.platform, "hazard": "pyodide_threads",
                   "verdict": "reproduced" if reproduced else "not reproduced",
                   "evidence": f"threading.Thread().start(): {threads}; "
                               f"ctypes.CDLL(-pthread side module): {pthread_module}",
                   "python_threads": threads, "pthread_side_module": pthread_module})
        return bad

    def jspi(self):
        """What suspending costs where the engine has JSPI (run_sync works):
        Python waiting on an already-resolved promise and on a setTimeout(0)
        promise, per call. The price of not blocking: the blocking way is an
        Atomics.wait woken in a Worker, the platform's futex round trip."""
        from pyodide.ffi import create_once_callable, run_sync
        import js

        def resolved():
            run_sync(js.Promise.resolve(0))

        def timeout0():
            run_sync(js.Promise.new(create_once_callable(lambda res, rej: js.setTimeout(res, 0))))

        self.measure("jspi", "run_sync_resolved", 1, 0, resolved)
        self.measure("jspi", "run_sync_timeout0", 1, 0, timeout0)

    def can_run_sync(self):
        try:
            from pyodide.ffi import can_run_sync
            return bool(can_run_sync())
        except ImportError:
            return False

    def main(self):
        c = self.ctx
        self.lib = self.load(c["side"])
        err = C.create_string_buffer(256)
        iters_per_ns = self.lib.poolbench_calibrate(self.step_ns, err, len(err))
        if iters_per_ns <= 0:
            raise Fatal(err.value.decode() or "delay kernel calibration failed")
        self.header(iters_per_ns)
        host.progress(f"{self.platform}: probe")
        bad = self.probe()
        if bad:
            raise Fatal("ABI mismatch between the side module and Pyodide in types that cross: "
                        + "; ".join(bad) + " (rebuild the side module: make build-pyodide)")
        if c["probe_only"]:
            self.end(0)
            return 0
        if c.get("test_fault") == "hang":
            host.progress("test fault: hanging in Python")
            while True:
                pass
        items = 8 * c["host_cores"]
        jobs = [("call", lambda: pycalls.call_scenarios(self.lib, self.measure)),
                ("grain", lambda: pycalls.serial_sweep(
                    self.lib, self.measure, lambda w: int(round(w * iters_per_ns)), items,
                    pycalls.WORK_NS))]
        if self.can_run_sync():
            jobs.append(("jspi", self.jspi))
        for i, (name, job) in enumerate(jobs, 1):
            host.progress(f"[{i}/{len(jobs)}] {self.platform} {name}")
            job()
        # The handle must still be ours after the probe's failed load.
        if self.lib.poolbench_side_magic() != SIDE_MAGIC:
            raise Fatal("the side module's handle went stale after a failed load")
        self.end(len(jobs))
        return 0


def timer_step_ns():
    """Smallest non-zero step of perf_counter_ns over a bounded spin."""
    step, a = float("inf"), time.perf_counter_ns()
    until = a + 50_000_000
    while a < until:
        b = time.perf_counter_ns()
        if b != a:
            step, a = min(step, b - a), b
    return float(step)


def timed(op, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        op()
    return time.perf_counter_ns() - t0


def emscripten_info():
    info = getattr(sys, "_emscripten_info", None)
    return info._asdict() if hasattr(info, "_asdict") else {
        k: getattr(info, k) for k in ("emscripten_version", "runtime") if hasattr(info, k)}


def one_line(e):
    """An OSError from a failed load: Pyodide's message plus the engine's
    (CompileError / LinkError ...) on one line."""
    return " / ".join(s.strip() for s in str(e).splitlines() if s.strip())


def main():
    """Runs everything; returns JSON {"code": exit code, "message": why not 0}."""
    run = Run(json.loads(host.context))
    try:
        return json.dumps({"code": run.main(), "message": ""})
    except Fatal as e:
        run.error("setup", str(e))
        return json.dumps({"code": 1, "message": str(e)})
