#!/usr/bin/env python3
"""The pools' performance targets, checked on one run's records: each target
with its measured value, the same-run reference it is compared with, and
PASS / MISS. Ratios within one run only (the machines are shared and noisy).

usage: targets.py RUN_DIR [--markdown]
Exit 0 when every checked target passes, 1 on a MISS, 2 on unusable input.
"""
import math
import os
import sys
from collections import namedtuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import records  # noqa: E402
import references  # noqa: E402
from vocab import CPYTHON, NATIVE, SERIAL_BACKEND, ns  # noqa: E402

# What a target reports: ok True (PASS), False (MISS) or None (N/A: the run
# holds no valid reference for it).
Verdict = namedtuple("Verdict", "measured reference ok detail", defaults=("",))
TARGETS = []  # [(name, check)] in the order of the table; a check gives a Verdict or None


def target(name):
    """Adds a check to TARGETS; it returns None where the run cannot decide it."""
    def add(check):
        TARGETS.append((name, check))
        return check
    return add


class Subject:
    """One platform of the run as the checks see it: its records, its
    same-run references and the native platform to compare with."""

    def __init__(self, name, p, native):
        self.name, self.p, self.native = name, p, native
        self.spin_rt, self.futex_rt = references.spin_rt(p), references.futex_rt(p)

    def one(self, scenario, **key):
        ms = self.p.find(scenario, **key)
        return ms[0] if ms else None

    def spin_rt_valid(self):
        """A spin round trip is a reference only if both threads really spun
        at once: then it is far below a futex round trip (which sleeps)."""
        return not self.futex_rt or self.spin_rt < self.futex_rt

    def spin_dispatch(self):
        return self.one("dispatch", backend="spin", mode="warm")

    def spin_grain(self, scenario="grain"):
        return {m["work_ns"]: m for m in self.p.find(scenario, backend="spin", mode="warm")}

    def bursts(self):
        """(adaptive, spin, serial) bursts rows, when adaptive's and spin's are
        there and spin's p99 is a usable divisor; else None."""
        ab, sb = self.one("bursts", backend="adaptive", mode="warm"), self.one("bursts", backend="spin", mode="warm")
        fb = self.one("bursts", backend=SERIAL_BACKEND)  # the same frames without a pool
        return (ab, sb, fb) if ab and sb and sb["p99"] > 0 else None


def sign_test_p(wins, n):
    """One-sided sign test: the chance of >= wins of n under a fair coin."""
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2 ** n


DISPATCH_RTS = 3


@target(f"1. spin warm dispatch <= {DISPATCH_RTS}x spin round trip")
def spin_dispatch(t):
    """A warm pool's dispatch is a few cache-line hand-offs: within a small
    multiple of the same run's spin round trip."""
    d = t.spin_dispatch()
    if not (d and t.spin_rt):
        return None
    if not t.spin_rt_valid():
        return Verdict(ns(d["median"]), ns(t.spin_rt), None,
                       "the spin round trip is longer than a futex one: the two threads did "
                       "not spin at the same time (time-sliced on one CPU), no reference")
    if t.spin_rt <= 0:
        return None
    r = d["median"] / t.spin_rt
    return Verdict(f"{ns(d['median'])} = {r:.2f}x", ns(t.spin_rt), r <= DISPATCH_RTS)


GRAIN_RIVALS = ("openmp", "tbb")  # what users would pick instead of our pools
RIVALS, RIVAL_LIST = " and ".join(GRAIN_RIVALS), ", ".join(GRAIN_RIVALS)
SIGNIFICANCE = 0.05


@target(f"2. spin grain overhead <= {RIVALS} at every W (interleaved)")
def spin_grain_interleaved(t):
    """From grain_ab: per W, spin against each rival repetition by repetition
    (paired samples, so drifting load hits both alike); above only if spin
    was slower in enough repetitions that a fair coin would do it less than
    SIGNIFICANCE of the time."""
    ab = t.spin_grain("grain_ab")
    if t.name != NATIVE or not ab:
        return None
    bad, ties = [], []
    for w, s in sorted(ab.items()):
        for ref in GRAIN_RIVALS:
            r = t.p.find("grain_ab", backend=ref, work_ns=w)
            if not r or len(r[0]["samples"]) != len(s["samples"]):
                continue
            pairs = list(zip(s["samples"], r[0]["samples"]))
            slower = sum(a > b for a, b in pairs)
            if slower * 2 <= len(pairs):
                continue
            what = f"W={w:g} vs {ref}: slower in {slower}/{len(pairs)}"
            (bad if sign_test_p(slower, len(pairs)) < SIGNIFICANCE else ties).append(what)
    return Verdict(f"{len(bad)} W above, {len(ties)} tied", f"{RIVAL_LIST} (grain_ab)", not bad,
                   "; ".join(bad[:3]) or ("not significant: " + "; ".join(ties[:3]) if ties else ""))


@target(f"2. spin grain overhead <= {RIVALS} at every W")
def spin_grain_same_run(t):
    """Without grain_ab: spin's grain overhead against each rival's medians of
    the same run. Above by less than the two medians' spread (MAD each) is a
    tie: at large W one call's noise is as big as both pools' whole overhead."""
    spin = t.spin_grain()
    if t.name != NATIVE or t.spin_grain("grain_ab") or not spin:
        return None
    if not any(t.p.find("grain", backend=ref) for ref in GRAIN_RIVALS):
        return None
    bad, ties = [], []
    for ref in GRAIN_RIVALS:
        for m in t.p.find("grain", backend=ref):
            s = spin.get(m["work_ns"])
            if not s or s["overhead_ns"] <= m["overhead_ns"]:
                continue
            diff, noise = s["overhead_ns"] - m["overhead_ns"], s["mad"] + m["mad"]
            what = f"W={m['work_ns']:g} vs {ref}: +{ns(diff)}"
            (ties if diff <= noise else bad).append(f"{what} (noise {ns(noise)})")
    return Verdict(f"{len(bad)} W above, {len(ties)} tied", f"{RIVAL_LIST} (same run)", not bad,
                   "; ".join(bad[:3]) or ("ties within noise: " + "; ".join(ties[:3]) if ties else ""))


NATIVE_GRAIN_FACTOR = 1.5


@target(f"2. spin grain overhead <= {NATIVE_GRAIN_FACTOR:g}x native (+1 spin RT, + noise)")
def spin_grain_vs_native(t):
    """Elsewhere than natively: spin's grain overhead per W against native
    spin's. Overheads near zero make ratios meaningless, so one spin round
    trip of slack is allowed on top of the factor (the native one when this
    platform's is no reference), and the two medians' spread (MAD each),
    which at large W is as big as the whole overhead."""
    spin = t.spin_grain()
    if t.name == NATIVE or not spin or not t.native:
        return None
    ng = {m["work_ns"]: m for m in t.native.find("grain", backend="spin", mode="warm")}
    slack = t.spin_rt if t.spin_rt and t.spin_rt_valid() else references.spin_rt(t.native)
    bad = []
    for w, m in sorted(spin.items()):
        n = ng.get(w)
        if n and m["overhead_ns"] > (NATIVE_GRAIN_FACTOR * max(n["overhead_ns"], 0) + (slack or 0)
                                     + m["mad"] + n["mad"]):
            bad.append(f"W={w:g}: {ns(m['overhead_ns'])} vs native {ns(n['overhead_ns'])} "
                       f"(noise {ns(m['mad'] + n['mad'])})")
    return Verdict(f"{len(bad)} W above", "native spin grain", not bad, "; ".join(bad[:3]))


TAIL_RTS = 20


@target(f"3. spin p99.9 <= {TAIL_RTS}x spin round trip")
def spin_tail(t):
    """A warm pool's single-call tail stays within a bounded number of spin
    round trips. Natively only, where workers are pinned and the clock's step
    is far below a round trip."""
    lat = t.one("latency", backend="spin", mode="warm")
    if t.name != NATIVE or not lat or not t.spin_rt or t.spin_rt <= 0:
        return None
    r = lat["p999"] / t.spin_rt
    return Verdict(f"{ns(lat['p999'])} = {r:.1f}x", ns(t.spin_rt), r <= TAIL_RTS)


FUTEX_DISPATCH_RTS = 1.3


@target(f"4. futex cold dispatch <= {FUTEX_DISPATCH_RTS:g}x futex round trip")
def futex_dispatch(t):
    """A cold pool's dispatch is one wake-up and one reply: about a futex
    round trip of the same run."""
    fd = t.one("dispatch", backend="futex", mode="cold")
    if not fd or not t.futex_rt or t.futex_rt <= 0:
        return None
    r = fd["median"] / t.futex_rt
    return Verdict(f"{ns(fd['median'])} = {r:.2f}x", ns(t.futex_rt), r <= FUTEX_DISPATCH_RTS)


ADAPTIVE_VS_SPIN = 1.5


@target(f"5. adaptive back-to-back <= {ADAPTIVE_VS_SPIN:g}x spin")
def adaptive_dispatch(t):
    """Calls back to back find adaptive's workers still spinning: close to
    the spin pool's dispatch."""
    ad, sd = t.one("dispatch", backend="adaptive", mode="warm"), t.spin_dispatch()
    if not ad or not sd or sd["median"] <= 0:
        return None
    r = ad["median"] / sd["median"]
    return Verdict(f"{ns(ad['median'])} = {r:.2f}x", ns(sd["median"]), r <= ADAPTIVE_VS_SPIN,
                   f"budget {ns(ad.get('spin_budget_ns'))}")


IDLE_MAX = 0.02  # share of a core


@target(f"5. adaptive idle CPU <= {IDLE_MAX:.0%} of a core")
def adaptive_idle(t):
    """Once idle past its short spin budget, adaptive sleeps: it burns next
    to nothing."""
    ai = t.one("idle_cpu", backend="adaptive", mode="warm")
    if not ai:
        return None
    return Verdict(f"{ai['median']:.1%}", f"{IDLE_MAX:.0%}", ai["median"] <= IDLE_MAX)


MANY_ITEMS_SERIALS = 2


@target(f"6. 10^5 items <= {MANY_ITEMS_SERIALS}x serial + one dispatch")
def many_items(t):
    """Many tiny items with the automatic grain cost at most a small multiple
    of the serial loop plus one dispatch: the grain hides per-item overhead."""
    mi, sp = t.one("many_items", backend="spin", mode="warm"), t.spin_dispatch()
    if not mi or not sp:
        return None
    limit = MANY_ITEMS_SERIALS * mi["serial_ns"] + sp["median"]
    return Verdict(ns(mi["median"]), ns(limit), mi["median"] <= limit)


BURST_VS_SPIN = 1.5


@target(f"8. adaptive in-burst p99 <= {BURST_VS_SPIN:g}x spin")
def adaptive_burst_latency(t):
    """Within a burst adaptive's workers are still spinning: its calls' tail
    is close to the spin pool's."""
    b = t.bursts()
    if not b:
        return None
    ab, sb, fb = b
    r = ab["p99"] / sb["p99"]
    return Verdict(f"{ns(ab['p99'])} = {r:.2f}x", ns(sb["p99"]), r <= BURST_VS_SPIN,
                   f"serial (no pool) p99 {ns(fb['p99'])}" if fb else "")


BURST_CPU_SHARE = 0.1  # of spin's


@target(f"8. adaptive CPU between bursts <= {BURST_CPU_SHARE:.0%} of spin's")
def adaptive_burst_cpu(t):
    """Between bursts adaptive sleeps where spin burns its idle budget. The
    pools' CPU is what they burn above the host's own floor: the same run's
    serial row (no pool threads) in the same gaps. A floor above either
    pool's own figure was a transient in the serial row, so only what both
    pools also burnt is taken off, and the row says so."""
    b = t.bursts()
    if not b:
        return None
    ab, sb, fb = b
    ac, sc = ab.get("gap_cpu_cores"), sb.get("gap_cpu_cores")
    if ac is None or not sc:
        return None
    floor = fb.get("gap_cpu_cores") if fb else None
    f = min(floor or 0.0, ac, sc)
    pa, ps = ac - f, sc - f
    detail = (f"host floor (serial, no pool threads) {floor:.2%}, {f:.2%} taken off both; "
              f"raw {ac:.2%} vs {sc:.2%}" if floor is not None else "no serial row: no floor taken off")
    return Verdict(f"{pa:.2%} = {pa / ps:.0%} of spin" if ps > 0 else f"{pa:.2%}", f"{ps:.2%}",
                   pa <= BURST_CPU_SHARE * ps, detail)


def evaluate(run):
    """[(platform, target, measured, reference, verdict, detail)] of every
    target the run can decide. The CPython platform is left out: its records
    are the Python baselines, not the C pools the targets are about."""
    rows = []
    for name, p in run.items():
        if name == CPYTHON:
            continue
        t = Subject(name, p, run.get(NATIVE))
        for title, check in TARGETS:
            v = check(t)
            if v:
                verdict = "N/A" if v.ok is None else "PASS" if v.ok else "MISS"
                rows.append((name, title, v.measured, v.reference, verdict, v.detail))
    return rows


def main():
    if "--help" in sys.argv[1:] or "-h" in sys.argv[1:]:
        print(__doc__.strip())
        return 0
    args = [a for a in sys.argv[1:] if a != "--markdown"]
    if len(args) != 1 or args[0].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        run = records.load_run(args[0])
    except records.RecordError as e:
        print(f"targets: {e}", file=sys.stderr)
        return 2
    rows = evaluate(run)
    if not rows:
        print("targets: no target could be checked (run the spin, futex and adaptive backends)", file=sys.stderr)
        return 2
    head = ("platform", "target", "measured", "reference", "verdict", "detail")
    if "--markdown" in sys.argv:
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        for r in [head] + rows:
            print(f"{r[0]:<8} {r[1]:<52} {r[2]:>22} {r[3]:>14} {r[4]:<5} {r[5]}")
    return 1 if any(r[4] == "MISS" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
