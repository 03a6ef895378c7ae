"""Whether a figure can be trusted, and why not: the one rule the verdict,
findings, targets, tables and platforms.py read (EPCC: reject noisy runs).

A record is noisy platform-wide, when the platform's references are
(references.noise: a round trip implausible or spread, too little CPU), or
on its own evidence, per job: a fork-join faster than physics allows, the
spin round trip moving around its job, repetitions another task
interfered with that it had to keep, or other processes' work (done or
wanted) beside a job that no counter could judge."""
from run_model import load_schema
from references import ROUND_TRIPS, capacity_shortfall, counted, counts_interference, noise, reference_record
from vocab import (CAPACITY, FORKJOIN, INTERFERED, INTERFERENCE_SOURCE, NATIVE, OTHERS_CORES,
                   OTHERS_DEMAND, PINGPONG, REFERENCE_CHECK, RERUNS, SERIAL, WARM, WASM, not_joined, ns)

# The spin round trip measured before and after a job (reference_check
# records) differing by more than this: the machine's load changed while
# the job ran, so its figures are in no one unit (as END_DRIFT_MAX for the
# whole run).
MOVE_MAX = 2.0


def platform(p):
    """Why every figure of platform p is noisy (its references' reasons), or None."""
    why = noise(p)
    return "; ".join(why.values()) or None


def platform_short(p):
    """Which of platform p's references are noisy, in a few words ('' when none)."""
    return ", ".join(ROUND_TRIPS.get(k, "too little CPU" if k == "capacity" else k) for k in noise(p))


def native_floor(p, m):
    """(ns, what it is): the least a fork-join of two or more threads can
    cost on platform p, one physical spin round trip (a call hands work to
    a thread and learns it finished). Natively the lower of the two
    measured around m, else the run's own. A Wasm platform is held to the
    native one, never to its own pingpong: every Wasm atomic store is a
    full fence, so a Wasm round trip reads 2-3x native and quiet Wasm
    fork-joins ~0.7x it. Its stage ran at another time, so the lowest
    native round trip of the run (a slow spell raises one, nothing lowers
    it), or the Wasm spin round trip beside m where that is lower: a Wasm
    round trip is at least a physical one, so reading below native's it
    says the host placed the vCPUs closer after the native stage. (None,
    None) where the run has no fit native spin round trip."""
    plat = p.header.get("platform")
    nat = p if plat == NATIVE else p.native if plat in WASM else None
    if nat is None or "spin" in noise(nat):  # an implausible reference would flag everything
        return None, None
    start = reference_record(nat, "spin")
    if nat is p and p.checks:
        near = [r["median"] for r in p.around(m) if r]
    else:
        near = ([start["median"]] if start else []) + [r["median"] for r in nat.checks]
    near = [v for v in near if v > 0]
    if not near:
        return None, None
    floor, whose = min(near), "spin round trip" if nat is p else "native spin round trip"
    own = [r["median"] for r in p.around(m) if r and r["median"] > 0] if nat is not p else []
    if own and min(own) < floor:
        floor, whose = min(own), "spin round trip beside it (lower than the native one: the vCPUs moved)"
    return floor, whose


def impossible(p, m):
    """Why m is a fork-join faster than one native spin round trip, or None.
    Only where the evidence holds: every thread joined (a caller that ran
    the items alone pays no round trip, and is said as such elsewhere), at
    least two threads, each with a core of its own (the header's logical
    cores; unknown: not judged)."""
    cores = p.header.get("logical_cores")
    if m["scenario"] != FORKJOIN or m["unit"] != "ns" or not_joined(m):
        return None
    if not (isinstance(cores, int) and 2 <= m["threads"] <= cores):
        return None
    floor, whose = native_floor(p, m)
    if floor is None or m["median"] >= floor:
        return None
    return f"below one {whose} ({ns(m['median'])} < {ns(floor)}): impossible"


# An empty fork-join of P threads, each with a core of its own, takes
# microseconds, tens of them when it wakes sleeping threads through the
# kernel. One that takes a scheduler time slice had a thread wait for a CPU:
# threads the harness cannot place (OpenMP's, a browser's Web Workers) stack
# on one CPU beside another process (docs/measurements.md), where no
# counter judged their repetitions.
TIME_SLICE_NS = 1e6


def time_sliced(p, m):
    """Why m is an empty fork-join as long as a scheduler time slice, or None."""
    cores = p.header.get("logical_cores")
    if m["scenario"] != FORKJOIN or m["unit"] != "ns" or m["work_ns"] != 0:
        return None
    if not (isinstance(cores, int) and m["threads"] <= cores) or m["median"] < TIME_SLICE_NS:
        return None
    return (f"{ns(m['median'])} per empty fork-join of {m['threads']} threads on {cores} cores: a scheduler "
            f"time slice (>= {ns(TIME_SLICE_NS)}), so a thread waited for a CPU")


def moved(p, m):
    """Why the spin round trip moved too far around m's job, or None (no
    reference_check records, or one side missing: nothing to compare)."""
    if m["scenario"] == PINGPONG or not p.checks:
        return None
    before, after = p.around(m)
    if not before or not after or before["median"] <= 0 or after["median"] <= 0:
        return None
    a, b = before["median"], after["median"]
    f = max(a / b, b / a)
    if f <= MOVE_MAX:
        return None
    return (f"spin round trip {ns(a)} before the job, {ns(b)} after it (x{f:.1f}, bound {MOVE_MAX:g}x): "
            "the machine's load changed while it ran")


def interfered(m):
    """Why m kept repetitions another task interfered with, or None."""
    if INTERFERED not in m.get("flags", []):
        return None
    n, hit, rerun = m.get("n"), m.get(INTERFERED), m.get(RERUNS)
    if all(isinstance(v, int) for v in (n, hit, rerun)):
        return (f"{hit} of {n + rerun} repetitions interfered with (threads preempted or moved), "
                f"{rerun} re-run, the rest kept: the re-run budget ran out")
    return "interfered with (threads preempted or moved) in repetitions it kept: the re-run budget ran out"


# What ran beside a job (the check after it says): the cores other processes
# used, and those they used or waited for (a job at a high priority starves
# a busy process, which then waits rather than runs, and still takes the
# job's CPUs for a slice now and then). The bound is the records
# contract's, which the gate reads too.
# A warm pool's or a serial baseline's repetitions were judged one by one
# (its threads hold their CPUs, so another task that took one was seen, and
# the repetition re-run).
# Any other job's were not: a sleeping thread wakes onto a CPU another
# process holds, which costs other than waking an idle one (cheaper on a
# VM: no halted vCPU to resume), and no per-thread counter sees it; nor is
# a latency tail, a runtime's own threads or Python's judged.
BESIDE_MAX = load_schema().beside_max


def beside(p, m):
    """Why m's job ran beside other processes' work no counter judged, or None."""
    if m["scenario"] in (PINGPONG, CAPACITY) or not p.checks:
        return None
    if counted(m) and (m.get("mode") == WARM or m["backend"] in SERIAL):
        return None
    after = p.around(m)[1]
    if not after or after["type"] != REFERENCE_CHECK:
        return None
    used, wanted = (after.get(k) for k in (OTHERS_CORES, OTHERS_DEMAND))
    said = [v for v in (used, wanted) if isinstance(v, (int, float))]
    if not said or max(said) < BESIDE_MAX:
        return None
    what = " and ".join(f"{w} {v:.2f} cores" for w, v in (("used", used), ("ran or waited for", wanted))
                        if isinstance(v, (int, float)))
    return (f"other processes {what} beside its job (bound {BESIDE_MAX:g}), which no counter judged: "
            "its threads slept, or its repetitions were not checked one by one")


def unjudged(p, m):
    """Why m, on a platform that judged repetitions for interference but
    not m's (single calls timed alone, a runtime placing its own threads),
    is noisy when the run got too little CPU, or None."""
    if m["scenario"] in (PINGPONG, CAPACITY) or counted(m) or not counts_interference(p):
        return None
    cap = capacity_shortfall(p)
    return f"{cap} (its repetitions were not judged one by one)" if cap else None


def job(p, m):
    """Why measurement m is noisy on its own evidence (not the platform's), or None."""
    said = [w for w in (impossible(p, m), time_sliced(p, m), moved(p, m), interfered(m), beside(p, m),
                        unjudged(p, m)) if w]
    return "; ".join(said) or None


def why(p, m):
    """Why measurement m of platform p is noisy, or None: the platform's
    reasons first (every figure of it), then its own."""
    said = [w for w in (platform(p), job(p, m)) if w]
    return "; ".join(said) or None


def jobs(p, ms):
    """How many jobs ms are: those between two reference_check records are
    one (the harness writes one after every job); without them, a figure
    each. (count, 'jobs' or 'figures')."""
    if not p.checks:
        return len(ms), "figures"
    keys = {(a["type"], a.get("job")) if a and a["type"] == REFERENCE_CHECK else ("last", None)
            for a in (p.around(m)[1] for m in ms)}
    return len(keys), "jobs"


def interference(p):
    """(repetitions interfered with, repetitions timed, re-run) over the
    records that counted them, or None where none did (Wasm: no counters).
    Repetitions timed: the kept ones (n) and the re-run ones."""
    counted = [m for m in p.measurements if isinstance(m.get(INTERFERED), int) and isinstance(m.get(RERUNS), int)]
    if not counted:
        return None
    return (sum(m[INTERFERED] for m in counted), sum(m["n"] + m[RERUNS] for m in counted),
            sum(m[RERUNS] for m in counted))


def summary(p):
    """Platform p's interference and noisy jobs in one line, e.g. '14 of
    1320 repetitions interfered with, 14 re-run, 2 of 60 jobs noisy', over
    its whole file (a thread sweep appended to it too)."""
    # The header names the counters the host has (null under Wasm); a run
    # with counters whose records carry none (older harness, only single
    # calls timed alone, oversubscribed P) counted nothing either.
    i = interference(p)
    src = p.header.get(INTERFERENCE_SOURCE)
    said = (f"{i[0]} of {i[1]} repetitions interfered with, {i[2]} re-run" if i
            else "interference not counted" + ("" if isinstance(src, str) else " (no counters)"))
    ms = [m for m in p.measurements if m["scenario"] != PINGPONG]
    bad, what = jobs(p, [m for m in ms if job(p, m)])
    total, _ = jobs(p, ms)
    return f"{said}, {bad} of {total} {what} noisy"
