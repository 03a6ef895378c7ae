"""The same-run physical references every time is also expressed in: spin
and futex round trips between two threads, found under the backend names
each file's header gives them (none where a platform measures none), and
the spin round trip measured again beside every job (`reference_check`);
the cores the run got (`capacity`); and whether each is fit to be one
(`noisy`: EPCC rejects noisy runs)."""
import math

from run_model import load_schema
from vocab import CAPACITY, INTERFERED, RERUNS, WASM, ns

# The header's `references` keys, in the order the report lists them, and
# what the report calls each one's median.
ROUND_TRIPS = {"spin": "spin round trip", "futex": "futex round trip"}

# A spin round trip is two cache-line hand-offs between threads spinning at
# once: hundreds of ns. Above this a thread was descheduled while the other
# spun (a loaded or time-sliced machine): no longer a hardware figure.
SPIN_RT_MAX_NS = 10e3
# A reference's median known only within this factor (its interval's ends,
# ci_hi / ci_lo) drifted while it was measured: figures in its units would
# carry that factor. Older records without an interval are judged on
# max / min of their samples, which one outlier widens: a looser bound.
CI_SPREAD_MAX = 2.0
RANGE_SPREAD_MAX = 4.0
# The spin round trip measured again after the last job (a reference_drift
# record): a machine whose load changed while the run went on moves it, and
# every figure measured in between is in units that no longer held.
END_DRIFT_MAX = 2.0
# What the report calls the spin round trip measured beside each job, where
# a run has reference_check records: its figures are in those units.
BESIDE = "the spin round trip measured beside the job"
# The cores P plain threads got at once (the `capacity` record), against the
# min(P, logical cores) a quiet machine gives (1.90-1.98 of 2 on the 2-vCPU
# VMs). Another process holding a core takes one off: the round trips may
# not show it, every parallel figure of the run does. The schema's bound,
# the one the gate holds a run to against the other side's.
CAPACITY_MIN = load_schema().capacity_min


def physical(p):
    """Whether platform p's spin pingpong is the physical round trip (its
    header's spin_rt_physical; older files: every platform but Wasm's)."""
    v = p.header.get("spin_rt_physical")
    return v if isinstance(v, bool) else p.header.get("platform") not in WASM


def unit_source(p, unit):
    """(the platform whose `unit` round trip scales p's figures, None), or
    (None, why there is none). A spin pingpong that is no physical round
    trip (WebAssembly's: every atomic store a full fence, no pause) would
    flatter every figure in its units, so those are set against the same
    run's native spin round trip; the own one stays the noise evidence."""
    if unit != "spin" or physical(p):
        return p, None
    nat = getattr(p, "native", None)
    if nat is None:
        return None, "no native spin round trip in this run (a Wasm pingpong is no physical one)"
    return nat, None


def reference_record(p, unit):
    """Platform p's pingpong measurement of that unit ('spin', 'futex'), or None."""
    backend = (p.header.get("references") or {}).get(unit)
    r = p.find("pingpong", backend=backend) if backend else []
    return r[0] if r else None


def round_trip(p, unit):
    """Median of platform p's reference of that unit, or None."""
    r = reference_record(p, unit)
    return r["median"] if r else None


def spin_rt(p):
    return round_trip(p, "spin")


def futex_rt(p):
    return round_trip(p, "futex")


def spread(r):
    """(ratio, what it is, its bound) of a reference's samples' spread, or None."""
    lo, hi = r.get("ci_lo"), r.get("ci_hi")
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
        return (hi / lo, "its interval's ends", CI_SPREAD_MAX) if lo > 0 else None
    return (r["max"] / r["min"], "its samples' max/min", RANGE_SPREAD_MAX) if r["min"] > 0 else None


def noise(p):
    """{unit: why that reference is noisy} of platform p ({} when both are fit)."""
    out = {}
    spin, futex = reference_record(p, "spin"), reference_record(p, "futex")
    for unit, r in (("spin", spin), ("futex", futex)):
        s = spread(r) if r else None
        if s and s[0] > s[2]:
            out[unit] = f"{ROUND_TRIPS[unit]} {ns(r['median'])} drifted: {s[1]} {s[0]:.1f}x apart (bound {s[2]:g}x)"
    # The run's own drift record, the first: a sweep appended to the file
    # (run --append) re-measures its references for its own units. A run
    # with reference_check records judges each job on the two measured
    # around it instead (noisy.py) and puts each job's figures in their
    # units: a load that changed once, mid-run, spoils the job it changed
    # in, not every job of the platform.
    for d in p.drifts[:1] if not p.checks else ():
        start, end = d["start_ns"], d["end_ns"]
        if start > 0 and end > 0 and max(end / start, start / end) > END_DRIFT_MAX:
            out["spin"] = (f"spin round trip {ns(start)} at the start, {ns(end)} at the end of the run "
                           f"(x{max(end / start, start / end):.1f}, bound {END_DRIFT_MAX:g}x): the machine's load changed")
    # A run that judged every repetition for interference (natively) re-ran
    # the ones another process spoiled: too little CPU condemns only its
    # figures that were not judged so (noisy.py), not the platform.
    cap = None if counts_interference(p) else capacity_shortfall(p)
    if cap:
        out["capacity"] = cap
    if spin and spin["median"] > SPIN_RT_MAX_NS:
        out["spin"] = (f"spin round trip {ns(spin['median'])} above {ns(SPIN_RT_MAX_NS)}: "
                       "a thread was descheduled while the other spun")
    elif spin and futex and spin["median"] >= futex["median"]:
        out["spin"] = (f"spin round trip {ns(spin['median'])} not below the futex one {ns(futex['median'])}: "
                       "the two threads did not spin at the same time")
    return out


def counted(m):
    """Whether measurement m's repetitions were judged for interference."""
    return isinstance(m.get(INTERFERED), int) and isinstance(m.get(RERUNS), int)


def counts_interference(p):
    """Whether platform p's harness judged repetitions for interference."""
    return any(counted(m) for m in p.measurements)


def capacity_shortfall(p):
    """Why platform p's run got too little CPU to trust, or None."""
    # At the run's own P: a sweep's capacity at P > cores measures how the
    # kernel shares oversubscribed cores, not whether another process held one.
    run_p = p.run_p()
    for r in (p.find(CAPACITY, threads=run_p) if run_p else p.find(CAPACITY)):
        cores = min(r["threads"], p.header.get("logical_cores") or r["threads"])
        if r["median"] < CAPACITY_MIN * cores:
            return (f"{r['threads']} threads got {r['median']:.2f} cores at once where a quiet machine "
                    f"gives {cores} (bound {CAPACITY_MIN:g}x): another process held the CPU")
    return None


def beside(p, m):
    """The spin round trip measured beside measurement m: the geometric mean
    of the reference_check records around it (the mean of ratios, so a move
    up and one down weigh alike), or the one it has where the run was cut
    short; None where the platform has no reference_check records."""
    if not p.checks:
        return None
    near = [r["median"] for r in p.around(m) if r and r["median"] > 0]
    return math.prod(near) ** (1 / len(near)) if near else None


def usable_for(p, m, unit, noisy=None):
    """usable(p, unit) for measurement m's figures: the spin round trip
    measured beside m where the run has one (the load of the moment m was
    measured at), else the run's own at its start."""
    v, why = usable(p, unit, noisy)
    near = beside(p, m) if unit == "spin" and not why and unit_source(p, unit)[0] is p else None
    return (near, None) if near else (v, why)


def units(p, unit):
    """A figure's round-trip units on platform p, as the report names them
    (plural: '= 1.23 spin round trips ...')."""
    if unit_source(p, unit)[0] is not p:
        return f"native {ROUND_TRIPS[unit]}s (this run's)"
    return f"{ROUND_TRIPS[unit]}s" + (f" ({BESIDE})" if unit == "spin" and p.checks else "")


def usable(p, unit, noisy=None):
    """(median, None) of a reference fit to scale figures, else (None, why
    not): also not when the run got too little CPU (its figures are off).
    Where p's figures are in the native round trip (unit_source), p's own
    evidence of noise and native's reference must both be clean."""
    src, why = unit_source(p, unit)
    if src is None:
        return None, why
    noisy = noise(p) if noisy is None else noisy
    if src is not p:
        why = noisy.get(unit) or noisy.get("capacity")
        if why:
            return None, f"reference noisy: {why}"
        v, why = usable(src, unit)
        return (v, None) if v else (None, f"native: {why}")
    v = round_trip(p, unit)
    if not v or v <= 0:
        return None, f"no {ROUND_TRIPS[unit]} in this run"
    why = noisy.get(unit) or noisy.get("capacity")
    return (None, f"reference noisy: {why}") if why else (v, None)
