"""The report's shared vocabulary: how a figure is written, how a target is
named, and the names of platforms, references and grain views that several
report modules must agree on. It imports nothing of the report, so every
report module can import it without an import circle."""
import re

NATIVE = "native"
CPYTHON = "python"  # the Python baselines, natively
PYMPORT = "pymport"  # the same baselines in CPython embedded in Node.js
CPYTHONS = (CPYTHON, PYMPORT)  # their records are Python's ways, not C pools
WASM = ("node", "chrome", "firefox")  # the same C as WebAssembly: compared with NATIVE
PYODIDE = ("pyodide-node", "pyodide-chrome", "pyodide-firefox")
PYTHON = CPYTHONS + PYODIDE  # the Python panel's platforms, CPython first
# The order platforms appear in: natively first, then what it is compared with.
PLATFORM_ORDER = (NATIVE,) + CPYTHONS + WASM + PYODIDE

# Header fields that say where a platform ran, beyond its CPU model and
# logical cores: the Selenium Grid node that ran a remote browser, the
# host's name, and the browser's version (the `browser` field names it too,
# as `Chrome/156.0...`). Older files have none of them: read with .get.
GRID_NODE, HOSTNAME, BROWSER_VERSION = "grid_node", "hostname", "browser_version"

PINGPONG = "pingpong"  # the scenario of the same-run references (references.py)
CAPACITY = "capacity"  # the cores the run got (references.py)

# The serial baselines of the grain sweep: what a pool is measured against,
# never a pool itself.
SERIAL_BACKEND, PY_SERIAL = "serial", "py_serial"
SERIAL = (SERIAL_BACKEND, PY_SERIAL)

# EPCC's PARALLEL: every thread joins every call (N = P items that wait for
# one another); the pool's headline cost. FORKJOIN_SPACED: the same call 1 ms
# after the last, the threads asleep (cold pools). DISPATCH is an empty call
# the caller may run alone: never a fork-join cost.
FORKJOIN, FORKJOIN_SPACED, DISPATCH = "forkjoin", "forkjoin_spaced", "dispatch"
# A fork-join's workers ran (P-1)/P of its items; a figure whose worker share
# falls short of this much of that had threads missing, so it is not one.
JOIN_SHARE = 0.99

TIMER_LIMITED = "below_timer_resolution"  # the flag of a figure at the timer's step
NOISY_MARK = " (noisy)"  # after a figure the report does not trust (noisy.why says why)

# Interference (natively, where the host counts it): a measurement's field
# INTERFERED counts its repetitions during which another task preempted or
# moved one of the process's threads (re-run ones too), RERUNS how many of
# them were re-run; the flag INTERFERED says interfered ones remain among
# the kept samples (the re-run budget ran out).
INTERFERED, RERUNS = "interfered", "reruns"
INTERFERENCE_SOURCE = "interference"  # the header's words for the counters the host has
# The record of the spin round trip measured again (short) after every job,
# so each job has one before it (or the run's own pingpong) and one after.
REFERENCE_CHECK = "reference_check"
# Its fields: at least how many cores' worth of CPU time other processes took
# during the job it follows, and how many they ran or waited for (null where
# the host cannot read them).
OTHERS_CORES, OTHERS_DEMAND = "others_cores", "others_demand"
# The idle mode whose threads spin between back-to-back calls: they hold
# their CPUs, so a repetition's counters see any other task that took one.
WARM = "warm"


def timer_limited(m):
    """Whether m's figure sits at its clock's step (the † figures)."""
    return TIMER_LIMITED in m.get("flags", [])


def indistinct(a, b):
    """Whether the run cannot order two figures: their intervals overlap, or
    either is limited by the timer's step (its clock cannot tell it from its
    neighbours, so it never decides a ranking)."""
    return overlap(a, b) or timer_limited(a) or timer_limited(b)


# Control characters: record text shown anywhere (a gnuplot line, a Markdown
# row, a terminal) has them replaced, so that it cannot end a line or a cell
# or send a terminal a command.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Record text set into a sentence with marks (a Note, a finding) keeps only
# these characters: anything else could close a mark or become HTML or a
# Markdown link in summary.md.
UNSAFE_IN_PROSE = re.compile(r"[^A-Za-z0-9 .,:;()/@+#=-]")


def plain(text):
    """Record text (a CPU model, a browser) as plain words for prose."""
    return UNSAFE_IN_PROSE.sub("?", str(text))[:80]


# W (ns of work per item) shown where a table or plot has room for a few
# points of the grain sweep: no work (pure dispatch), about one dispatch's
# worth, and work that dwarfs dispatch.
W_VIEWS = (0, 1000, 100000)
# ... and one more decade, where W is a row rather than a column.
W_DETAIL = tuple(sorted(W_VIEWS + (10000,)))


def ns(v):
    """A time in ns, in the unit that keeps it short; '-' when not measured."""
    if v is None:
        return "-"
    if abs(v) < 1e3:
        return f"{v:.0f} ns"
    if abs(v) < 1e6:
        return f"{v / 1e3:.2f} us"
    return f"{v / 1e6:.2f} ms"


def interval(m):
    """A median with its interval: 'X [lo, hi]' (just X for a record without one)."""
    lo, hi = m.get("ci_lo"), m.get("ci_hi")
    return f"{ns(m['median'])} [{ns(lo)}, {ns(hi)}]" if lo is not None and hi is not None else ns(m["median"])


def overlap(a, b):
    """Whether two medians' intervals overlap (a ranking between them is a tie);
    False for records without intervals, where only the medians rank."""
    if None in (a.get("ci_lo"), a.get("ci_hi"), b.get("ci_lo"), b.get("ci_hi")):
        return False
    return a["ci_lo"] <= b["ci_hi"] and b["ci_lo"] <= a["ci_hi"]


def not_joined(m):
    """Why a forkjoin figure is not a fork-join cost (threads missing), or None."""
    p, share = m["threads"], m.get("worker_share")
    need = (p - 1) / p
    if share is None:
        return "no worker_share in the record"
    if share < JOIN_SHARE * need:
        return f"workers ran {share:.0%} of the items, a fork-join of {p} threads gives them {need:.0%}"
    return None


# Records with the caller's share of the items (bursts, dispatch, latency):
# a pool whose workers ran less than this part of an even share ((P-1)/P)
# was in effect the caller alone, whatever its time says.
TOOK_PART = 0.25


def left_out(m):
    """Why m's pool cannot be named as one whose workers took part, or None:
    a fork-join not joined, or a call whose caller ran (almost) every item."""
    if m["scenario"] in (FORKJOIN, FORKJOIN_SPACED):
        return not_joined(m)
    share, p = m.get("caller_share"), m["threads"]
    if isinstance(share, (int, float)) and p > 1 and 1 - share < TOOK_PART * (p - 1) / p:
        return f"workers ran {1 - share:.0%} of the items"
    return None


def in_unit(v, unit):
    """A figure in a record's unit: a share of a core as a percentage, else a time."""
    return f"{v * 100:.1f}%" if unit == "cores" else ns(v)


def w_name(w):
    """A grain view's W as its column and panel titles write it."""
    return "0" if w == 0 else f"{w / 1000:g} us"


def label(m):
    """A pool target: backend, and mode where the backend has modes."""
    return m["backend"] if m["mode"] == "default" else f"{m['backend']}/{m['mode']}"


def is_serial(m):
    return m["backend"] in SERIAL


def ordered(run):
    """{platform: ...} in PLATFORM_ORDER, unknown platforms last by name."""
    rank = {p: i for i, p in enumerate(PLATFORM_ORDER)}
    return {k: run[k] for k in sorted(run, key=lambda p: (rank.get(p, len(PLATFORM_ORDER)), p))}
