#!/usr/bin/env python3
"""Python baselines for poolbench: what a parallel_for costs from Python.

  py_threads         ThreadPoolExecutor(P), one future per chunk, each chunk a
                     ctypes call into the C delay kernel (ctypes drops the GIL)
  py_to_pool.<pool>  one ctypes call into pool_parallel_for of a C pool whose
                     body is the C kernel
  pool_to_py.<pool>  a C pool calling a Python callback (CFUNCTYPE) per chunk
and, shared with Pyodide (bench/pycalls.py): the per-call cost of a Python
call, a ctypes call and a C->Python callback, and the serial sweep
(py_serial, py_per_item).

Timing, repetitions, statistics and records come from the same C harness as
the native runs (libpoolbench.so): Python only supplies the timed batch.
Records go to DIR/python.ndjson (platform "python").
"""
import argparse
import ctypes as C
import math
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pycalls
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
from messages import OneLineParser, quoted, where  # noqa: E402  (one quoting, as every program's)

WORK_NS = pycalls.WORK_NS
DOC = __doc__

BATCH = C.CFUNCTYPE(None, C.c_void_p, C.c_uint64)
BODY = C.CFUNCTYPE(None, C.c_void_p, C.c_size_t, C.c_size_t)


class Options(C.Structure):
    """harness_options of harness/harness.h, field for field."""
    _fields_ = [("platform", C.c_char_p), ("out_path", C.c_char_p),
                ("threads", C.c_int), ("reps", C.c_int), ("quick", C.c_bool),
                ("no_pin", C.c_bool), ("min_batch_ns", C.c_double), ("argv_line", C.c_char_p),
                ("continue_run", C.c_bool), ("clock", C.c_char_p)]


class Key(C.Structure):
    _fields_ = [("scenario", C.c_char_p), ("backend", C.c_char_p),
                ("mode", C.c_char_p), ("threads", C.c_int),
                ("items", C.c_uint64), ("work_ns", C.c_double)]


class Result(C.Structure):
    _fields_ = [(n, C.c_double) for n in
                ("median", "mad", "min", "max", "mean", "p50", "p90", "p99", "p999")] + \
               [("n", C.c_int), ("samples", C.POINTER(C.c_double)),
                ("inner", C.c_uint64), ("below_resolution", C.c_bool),
                ("counted", C.c_bool), ("interfered", C.c_int), ("reruns", C.c_int),
                ("kept_interfered", C.c_bool)]


class Extra(C.Structure):
    _fields_ = [("name", C.c_char_p), ("value", C.c_double)]


def pools_of(lib):
    """Every pool the library has, in its table's order, but the serial reference."""
    names = [lib.pool_backend_at(i) for i in range(lib.pool_backend_count())]
    return [n.decode() for n in names if not lib.pool_backend_runs_on_caller(n)]


def load(path):
    if not os.path.exists(path):
        sys.exit(f"py_baselines: {where(path)} not found: build it first (make build)")
    lib = C.CDLL(path)
    # harness_options and harness_result are mirrored below: a library built
    # from other headers would read or write past them.
    for name, mirror in (("options", Options), ("result", Result)):
        size = getattr(lib, f"poolbench_{name}_size")
        size.restype = C.c_size_t
        if size() != C.sizeof(mirror):
            sys.exit(f"py_baselines: {where(path)} has another harness_{name} than this script "
                     f"({size()} vs {C.sizeof(mirror)} bytes): rebuild it or update {mirror.__name__}")
    lib.harness_open.restype = C.c_void_p
    lib.harness_open.argtypes = [C.POINTER(Options), C.c_char_p, C.c_size_t]
    lib.harness_close.argtypes = [C.c_void_p]
    lib.harness_end.argtypes = [C.c_void_p, C.c_int, C.c_int]
    lib.harness_measure.argtypes = [C.c_void_p, BATCH, C.c_void_p, C.POINTER(Result)]
    lib.harness_emit.argtypes = [C.c_void_p, C.POINTER(Key), C.c_char_p,
                                 C.POINTER(Result), C.POINTER(Extra), C.c_int,
                                 C.c_void_p, C.c_int]
    lib.harness_emit.restype = None
    lib.harness_result_free.argtypes = [C.POINTER(Result)]
    lib.harness_work_iters.restype = C.c_uint64
    lib.harness_work_iters.argtypes = [C.c_void_p, C.c_double]
    lib.harness_spin_rt_ns.restype = C.c_double
    lib.harness_spin_rt_ns.argtypes = [C.c_void_p]
    lib.harness_futex_rt_ns.restype = C.c_double
    lib.harness_futex_rt_ns.argtypes = [C.c_void_p]
    lib.harness_set_references.argtypes = [C.c_void_p, C.c_double, C.c_double]
    lib.harness_set_job.argtypes = [C.c_void_p, C.c_int, C.c_char_p]
    lib.poolbench_references.argtypes = [C.c_void_p]
    lib.poolbench_check.argtypes = [C.c_void_p, C.c_int]
    lib.pool_create.argtypes = [C.POINTER(C.c_void_p), C.c_char_p, C.c_int, C.c_void_p]
    lib.pool_parallel_for.argtypes = [C.c_void_p, C.c_size_t, C.c_size_t,
                                      C.c_size_t, C.c_void_p, C.c_void_p]
    lib.pool_destroy.argtypes = [C.c_void_p]
    lib.pool_ready_threads.argtypes = [C.c_void_p]
    lib.pool_backend_describe.restype = C.c_char_p
    lib.pool_backend_describe.argtypes = [C.c_char_p]
    lib.pool_backend_at.restype = C.c_char_p
    lib.pool_backend_at.argtypes = [C.c_int]
    lib.pool_backend_runs_on_caller.restype = C.c_bool
    lib.pool_backend_runs_on_caller.argtypes = [C.c_char_p]
    lib.pool_strerror.restype = C.c_char_p
    return pycalls.bind(lib)


class Runner:
    def __init__(self, lib, h, threads):
        self.lib, self.h, self.P = lib, h, threads
        self.serial_backend = next(n for n in (lib.pool_backend_at(i).decode() for i in range(lib.pool_backend_count()))
                                   if lib.pool_backend_runs_on_caller(n.encode()))
        self.kernel = C.cast(lib.poolbench_kernel_body, C.c_void_p)
        self.serial = {}  # work_ns -> serial time of N items
        self.rows = []

    def measure(self, scenario, backend, items, work, op, extras=None):
        """Times op() with the harness, writes the record with extras(median)
        added, and returns the median per op (ns)."""
        def batch(iters):
            for _ in range(iters):
                op()
        return self.measure_batch(scenario, backend, items, work, batch, extras)

    def placed_as(self, backend):
        """The backend whose threads the harness places for a Python
        backend, for the interference judgement: a C pool's (py_to_pool.X,
        pool_to_py.X), the serial one for one Python thread; anything else
        runs threads the harness does not place (Python's own, a JS
        engine's), which may wait for each other: not judged."""
        kind, _, pool = backend.partition(".")
        if kind in ("py_to_pool", "pool_to_py"):
            return pool
        return self.serial_backend if backend in pycalls.SINGLE_THREADED else backend

    def measure_batch(self, scenario, backend, items, work, batch, extras=None, threads=None):
        """measure() of batch(iters), which runs iters ops its own way (a
        host that amortises its own hop into the batch); threads: the
        record's, the run's P unless given."""
        fn = BATCH(lambda _ctx, iters: batch(iters))  # kept alive for the call
        self.job = self.placed_as(backend).encode()  # the harness keeps the pointer
        self.lib.harness_set_job(self.h, threads or self.P, self.job)
        res = Result()
        if self.lib.harness_measure(self.h, fn, None, C.byref(res)) != 0:
            raise RuntimeError(f"{scenario} {backend}: measurement failed")
        ex_list = extras(res.median) if extras else []
        ex = (Extra * max(1, len(ex_list)))(*[Extra(n.encode(), v) for n, v in ex_list])
        key = Key(scenario.encode(), backend.encode(), b"default", threads or self.P, items, work)
        self.lib.harness_emit(self.h, C.byref(key), b"ns", C.byref(res), ex,
                              len(ex_list), None, 0)
        median = res.median
        self.lib.harness_result_free(C.byref(res))
        return median

    def spin_rt(self):
        return self.lib.harness_spin_rt_ns(self.h)

    def futex_rt(self):
        return self.lib.harness_futex_rt_ns(self.h)

    def iters(self, work):
        return self.lib.harness_work_iters(self.h, float(work))

    def pool(self, name):
        p = C.c_void_p()
        rc = self.lib.pool_create(C.byref(p), name.encode(), self.P, None)
        if rc != 0:
            raise RuntimeError(f"pool_create({name}): {self.lib.pool_strerror(rc).decode()}")
        deadline = time.monotonic() + 10
        while self.lib.pool_ready_threads(p) < self.P:
            if time.monotonic() > deadline:
                self.lib.pool_destroy(p)
                raise RuntimeError(f"pool {name}: workers not ready after 10 s")
            time.sleep(0.0001)
        return p

    def sweep(self, backend, make_op):
        """dispatch (empty chunks over P items) and the grain sweep for one backend."""
        n = 8 * self.P
        row = {"backend": backend, "grain": {}}
        row["dispatch"] = self.measure("dispatch", backend, self.P, 0, make_op(self.P, 0))
        for w in WORK_NS:
            serial = self.serial[w]
            ideal = serial * math.ceil(n / self.P) / n

            def extras(median):
                o = median - ideal
                return [("overhead_ns", o), ("ideal_ns", ideal), ("speedup", serial / median),
                        ("overhead_spin_rt_units", o / self.spin_rt()),
                        ("overhead_futex_rt_units", o / self.futex_rt())]
            row["grain"][w] = self.measure("grain", backend, n, w,
                                           make_op(n, self.iters(w)), extras)
        self.rows.append(row)

    def run_serial_reference(self):
        units = lambda o: (o / self.spin_rt(), o / self.futex_rt())
        self.serial = pycalls.serial_sweep(self.lib, self.measure, self.iters, 8 * self.P,
                                           WORK_NS, units)

    def calls(self):
        pycalls.call_scenarios(self.lib, self.measure)

    def py_threads(self):
        ex = ThreadPoolExecutor(self.P)
        spin = self.lib.harness_spin_iters

        def make_op(items, iters):
            # One future per chunk, P chunks: the cheapest split Python offers.
            per = [items // self.P + (i < items % self.P) for i in range(self.P)]
            chunks = [iters * k for k in per if k]
            def op():
                for f in [ex.submit(spin, c) for c in chunks]:
                    f.result()
            return op
        self.sweep("py_threads", make_op)
        ex.shutdown()

    def py_to_pool(self, name):
        p = self.pool(name)
        pf, kernel = self.lib.pool_parallel_for, self.kernel
        ctxs = []

        def make_op(items, iters):
            ctx = C.c_uint64(iters)
            ctxs.append(ctx)
            ref = C.byref(ctx)
            return lambda: pf(p, 0, items, 1, kernel, ref)
        self.sweep("py_to_pool." + name, make_op)
        self.lib.pool_destroy(p)

    def pool_to_py(self, name):
        p = self.pool(name)
        pf, spin = self.lib.pool_parallel_for, self.lib.harness_spin_iters
        keep = []

        def make_op(items, iters):
            def body(_ctx, b, e):
                spin(iters * (e - b))
            cb = BODY(body)
            keep.append(cb)
            ptr = C.cast(cb, C.c_void_p)
            return lambda: pf(p, 0, items, 1, ptr, None)
        self.sweep("pool_to_py." + name, make_op)
        self.lib.pool_destroy(p)


class Session:
    """One run of the Python baselines: its options, harness session and
    Runner. `platform` names the records (DIR/<platform>.ndjson); a host
    embedding Python (bench/pymport) adds its own jobs between run() and close()."""

    def __init__(self, argv, platform="python", prog="py_baselines", doc=DOC):
        ap = OneLineParser(prog=prog, description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
        here = os.path.dirname(os.path.abspath(__file__))
        ap.add_argument("--lib", default=os.path.join(here, "..", "build", "libpoolbench.so"),
                        help="path of libpoolbench.so (default: build/libpoolbench.so)")
        ap.add_argument("--out", required=True, help=f"run directory; writes DIR/{platform}.ndjson")
        ap.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="threads P, counting the caller (default: logical cores)")
        ap.add_argument("--reps", type=int, default=11, help="outer repetitions, >= 3")
        ap.add_argument("--quick", action="store_true", help="a smoke run")
        ap.add_argument("--pools", default=None,
                        help="C pools for py_to_pool / pool_to_py (default: every pool of --lib but serial)")
        a = ap.parse_args(argv)
        if not 1 <= a.threads <= 256:
            ap.exit(2, f"{prog}: --threads must be in 1..256, got {a.threads}\n")
        if a.reps < 3:
            ap.exit(2, f"{prog}: --reps must be >= 3, got {a.reps}\n")
        lib = load(a.lib)
        pools = pools_of(lib) if a.pools is None else [n for n in a.pools.split(",") if n]
        for n in pools:
            if not lib.pool_backend_describe(n.encode()):
                ap.exit(2, f"{prog}: unknown pool {quoted(n)}\n")
        if a.quick and a.reps == 11:
            a.reps = 10
        os.makedirs(a.out, exist_ok=True)
        path = os.path.join(a.out, f"{platform}.ndjson")
        if os.path.lexists(path):
            ap.exit(2, f"{prog}: {where(path)} already holds an earlier run's records: use a new --out directory\n")
        opts = Options(platform.encode(), path.encode(), a.threads, a.reps, a.quick, False, 0.0,
                       " ".join([prog] + list(argv)).encode(), False)
        self.args, self.lib, self.pools, self.path, self.prog = a, lib, pools, path, prog
        self.h = self.open(opts)
        self.platform, self.runner = platform, Runner(lib, self.h, a.threads)
        self.jobs_run = 0

    def open(self, opts):
        err = C.create_string_buffer(256)
        h = self.lib.harness_open(C.byref(opts), err, len(err))
        if not h:
            sys.exit(f"{self.prog}: {err.value.decode()}")
        self.opts = opts  # the harness keeps opts' strings: they live as long as the session
        return h

    def reopen(self, min_batch_ns):
        """The session again, with timed batches of at least min_batch_ns
        (for batches that pay a fixed hop to amortise): same records file
        and run, same references."""
        spin, futex = self.lib.harness_spin_rt_ns(self.h), self.lib.harness_futex_rt_ns(self.h)
        self.lib.harness_close(self.h)
        o = self.opts
        self.h = self.open(Options(o.platform, o.out_path, o.threads, o.reps, o.quick, o.no_pin,
                                   min_batch_ns, o.argv_line, True))
        self.lib.harness_set_references(self.h, spin, futex)
        self.runner.h = self.h

    def jobs(self):
        """The baselines' jobs, [(name, fn)], in their order."""
        lib, h, r = self.lib, self.h, self.runner
        jobs = [("references", lambda: lib.poolbench_references(h)),
                ("serial reference", r.run_serial_reference),
                ("calls", r.calls),
                ("py_threads", r.py_threads)]
        jobs += [(f"py_to_pool.{n}", lambda n=n: r.py_to_pool(n)) for n in self.pools]
        jobs += [(f"pool_to_py.{n}", lambda n=n: r.pool_to_py(n)) for n in self.pools]
        return jobs

    def run(self, jobs):
        t0 = time.monotonic()
        for i, (name, job) in enumerate(jobs):
            el = time.monotonic() - t0
            eta = f"ETA {el / i * (len(jobs) - i):.0f}s" if i else ""
            print(f"[{i + 1:2d}/{len(jobs)}] {self.platform} {name} {eta}", file=sys.stderr, flush=True)
            job()
            self.jobs_run += 1
            if i:  # after the references, each job's own check
                self.lib.poolbench_check(self.h, i + 1)

    def close(self, table=True):
        """Ends the session (its `end` record: a job that fails raises, so
        every job got its figures) and prints the grain table."""
        lib, h, r = self.lib, self.h, self.runner
        spin_rt, futex_rt = lib.harness_spin_rt_ns(h), lib.harness_futex_rt_ns(h)
        lib.harness_end(h, self.jobs_run, 0)
        lib.harness_close(h)
        if not table:
            return
        print(f"\nplatform {self.platform}, P = {self.args.threads}; spin round trip {spin_rt:.0f} ns, "
              f"futex round trip {futex_rt / 1e3:.1f} us")
        ws = [0, 1000, 10000, 100000]
        print(f"{'backend':<24}{'dispatch':>12}" + "".join(f"{'W=' + str(w):>12}" for w in ws))
        for row in r.rows:
            cells = [row["dispatch"]] + [row["grain"][w] for w in ws]
            print(f"{row['backend']:<24}" + "".join(f"{c / 1e3:>9.2f} us" for c in cells))
        print("(per call; W = ns of work per item, N = 8P items)")
        print(f"records: {self.path}")


def main():
    s = Session(sys.argv[1:])
    s.run(s.jobs())
    s.close()


if __name__ == "__main__":
    main()
