"""The Python call scenarios, defined once for every Python poolbench runs
in: native CPython (bench/py_baselines.py) and Pyodide under Node.js and in
Chromium (bench/pyodide/bench_pyodide.py). Each platform times them with its
own engine, passed in as measure(scenario, backend, items, work_ns, op,
extras) -> median ns per op(); the operations are the same everywhere.

C side: bench/pycalls.c (poolbench_noop, poolbench_call_back,
poolbench_abi_size) and the delay kernel harness_spin_iters.
"""
import ctypes as C
import functools

# W, ns of work per item, of every grain sweep run from Python: the C
# vocabulary's list (harness/vocabulary.c), filled in place by bind().
WORK_NS = []
CALLBACK = C.CFUNCTYPE(C.c_int, C.c_int)
CALLBACKS_PER_CALL = 100
# In the order of poolbench_abi_size(); the types that cross into C are the
# ones whose sizes must agree (time_t never crosses).
ABI_TYPES = ["int", "long", "long long", "void*", "size_t", "double", "time_t"]
CROSSING = {"int": C.c_int, "long long": C.c_longlong, "void*": C.c_void_p,
            "size_t": C.c_size_t, "double": C.c_double, "uint64": C.c_uint64}


def bind(lib):
    """Declares the C signatures of the call scenarios on a loaded library."""
    lib.poolbench_noop.argtypes = [C.c_int]
    lib.poolbench_noop.restype = C.c_int
    lib.poolbench_call_back.argtypes = [CALLBACK, C.c_int]
    lib.poolbench_call_back.restype = C.c_int
    lib.poolbench_abi_size.argtypes = [C.c_int]
    lib.poolbench_abi_size.restype = C.c_int
    lib.harness_spin_iters.argtypes = [C.c_uint64]
    lib.harness_spin_iters.restype = None
    lib.vocab_grain_work_count.restype = C.c_size_t
    lib.vocab_grain_work_at.argtypes = [C.c_size_t]
    lib.vocab_grain_work_at.restype = C.c_double
    works = (lib.vocab_grain_work_at(i) for i in range(lib.vocab_grain_work_count()))
    WORK_NS[:] = [int(w) if w.is_integer() else w for w in works]
    return lib


def host_time_t_size():
    """sizeof(time_t) of the libc this Python runs on, or None if unknown.
    gmtime_r(const time_t *, struct tm *) has the same signature in every ABI
    (a wrong guess of a return type is fatal in Pyodide); given the bytes of
    2^32 read as 8 bytes (0 as 4), it says year 2106 or 1970."""
    try:
        libc = C.CDLL(None)
        libc.gmtime_r.argtypes = [C.c_void_p, C.c_void_p]
        libc.gmtime_r.restype = C.c_void_p
    except (OSError, AttributeError):
        return None
    t = (C.c_uint32 * 2)(0, 1)  # little-endian 2^32
    tm = (C.c_int * 16)()
    if not libc.gmtime_r(t, tm):
        return None
    return {206: 8, 70: 4}.get(tm[5])  # tm_year, years since 1900


def abi_probe(lib):
    """{type: [library's size, host's size]} and the mismatches that matter
    (a type that crosses the boundary). time_t is reported, never crosses."""
    sizes = {}
    for i, name in enumerate(ABI_TYPES):
        host = host_time_t_size() if name == "time_t" else C.sizeof(
            {"long": C.c_long}.get(name) or CROSSING[name])
        sizes[name] = [lib.poolbench_abi_size(i), host]
    bad = [f"{n}: library {a} bytes, host {b}" for n, (a, b) in sizes.items()
           if n in CROSSING and a != b]
    return sizes, bad


def call_scenarios(lib, measure):
    """Per-call cost of a plain Python call, a ctypes call into C, and a
    C->Python callback (per_item_ns: per callback)."""
    def nothing():
        return None

    def per_item(items):
        return lambda median: [("per_item_ns", median / items)]
    measure("call", PYTHON_CALL, 1, 0, nothing, per_item(1))
    measure("call", CTYPES_CALL, 1, 0, functools.partial(lib.poolbench_noop, 1), per_item(1))
    cb = CALLBACK(lambda i: i)
    n = CALLBACKS_PER_CALL
    measure("call", CALLBACK_CALL, n, 0, functools.partial(lib.poolbench_call_back, cb, n),
            per_item(n))


# The backends of these scenarios: each runs on the one calling thread.
PYTHON_CALL, CTYPES_CALL, CALLBACK_CALL = "python_call", "ctypes_call", "callback"
PY_SERIAL, PY_PER_ITEM = "py_serial", "py_per_item"
SINGLE_THREADED = (PYTHON_CALL, CTYPES_CALL, CALLBACK_CALL, PY_SERIAL, PY_PER_ITEM)


def serial_sweep(lib, measure, iters_of, items, works, units=lambda ns: (None, None)):
    """The grain sweep run serially from Python: py_serial (one C call for the
    N items) and py_per_item (one C call per item, the chunking a pool does).
    iters_of(W): kernel iterations for W ns; units(ns): the same-run
    (spin, futex) round-trip units of an overhead. Returns {W: py_serial median}."""
    spin = lib.harness_spin_iters
    serial = {}
    for w in works:
        it = iters_of(w)

        def extras(ideal):
            def f(median):
                o = median - ideal
                su, fu = units(o)
                return [("overhead_ns", o), ("ideal_ns", ideal), ("speedup", ideal / median),
                        ("overhead_spin_rt_units", su), ("overhead_futex_rt_units", fu)]
            return f
        serial[w] = measure("grain", PY_SERIAL, items, w,
                            functools.partial(spin, it * items),
                            lambda m: extras(m)(m))

        def per_item(it=it):
            for _ in range(items):
                spin(it)
        measure("grain", PY_PER_ITEM, items, w, per_item, extras(serial[w]))
    return serial
