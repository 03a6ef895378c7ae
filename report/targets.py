#!/usr/bin/env python3
"""The pools' performance targets, checked on one run's records: each target
with its measured value, the same-run reference it is compared with, and
PASS / MISS (INFO: a figure reported against a reference, not judged; N/A:
the figure or its reference is unfit, e.g. a noisy reference or a fork-join
that not every thread joined). Ratios within one run only (the machines are
shared and noisy).

usage: targets.py RUN_DIR [--markdown]
Exit 0 when every checked target passes, 1 on a MISS, 2 on unusable input.
"""
import argparse
import math
import os
import re
import sys
from collections import namedtuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import noisy  # noqa: E402
from messages import OneLineParser  # noqa: E402
from render_md import md_table  # noqa: E402
import run_model  # noqa: E402
import references  # noqa: E402
from vocab import (CPYTHONS, DISPATCH, FORKJOIN, FORKJOIN_SPACED, NATIVE, SERIAL_BACKEND, WASM,  # noqa: E402
                   interval, label, not_joined, ns)

# What a target reports: ok True (PASS), False (MISS), None (N/A: the run
# holds no valid figure or reference for it, the detail says which) or INFO
# (a figure set against a reference with no bound to pass or miss).
Verdict = namedtuple("Verdict", "measured reference ok detail", defaults=("",))
INFO = "INFO"
VERDICTS = ((True, "PASS"), (False, "MISS"), (None, "N/A"), (INFO, "INFO"))
TARGETS = []  # [(name, check)] in the order of the table; a check gives a Verdict, a list of them, or None


def target(name):
    """Adds a check to TARGETS; it returns None where the run cannot decide it."""
    def add(check):
        TARGETS.append((name, check))
        return check
    return add


class Subject:
    """One platform of the run as the checks see it: its records, its
    same-run references (with why each is unfit, if it is) and the native
    platform to compare with."""

    def __init__(self, name, p, native, run=None):
        self.name, self.p, self.native, self.run = name, p, native, run or {}
        self.noise = references.noise(p)

    def one(self, scenario, **key):
        ms = self.p.find(scenario, **key)
        return ms[0] if ms else None

    def ref(self, unit, m=None):
        """(round trip, None) when fit to scale figures (m's: the one measured
        beside m where the run has one), else (None, why not)."""
        return references.usable_for(self.p, m, unit, self.noise) if m else \
            references.usable(self.p, unit, self.noise)

    def unfit(self, *ms):
        """Why a figure among ms is not to be judged (noisy.why: its
        platform's references or its own checks), or None."""
        return next((f"noisy: {w}" for m in ms if m for w in [noisy.why(self.p, m)] if w), None)

    def own_noise(self, ms):
        """(ms clean on their own evidence, [why of each left out]): the grain
        targets judge pairs within one run (grain_ab interleaves them so that
        a drifting load hits both alike), so only a record's own checks
        leave it out, never its platform's references."""
        why = [(m, noisy.job(self.p, m)) for m in ms]
        return [m for m, w in why if not w], [f"{label(m)} W={m['work_ns']:g}: {w}" for m, w in why if w]

    def fork_join(self, backend, mode, scenario=FORKJOIN):
        """(record, None) of a fork-join every thread joined and clean;
        (record or None, why it is no fork-join cost or is noisy on its own
        evidence); (None, None) where the run has nothing of that pool to say
        it about. A platform's noisy references are the caller's to say."""
        m = self.one(scenario, backend=backend, mode=mode)
        if m:
            why = not_joined(m)
            if why:
                return m, f"not a fork-join: {why}"
            own = noisy.job(self.p, m)
            return (m, None) if not own else (m, f"noisy: {own}")
        errs = [e for e in self.p.errors if e.get("scenario") == scenario and e.get("backend") == backend
                and e.get("mode") == mode]
        if errs:
            return None, errs[0].get("message", "error")[:120]
        if self.p.find(DISPATCH, backend=backend, mode=mode) and not self.p.find(scenario):
            return None, f"no {scenario} records (a run older than the scenario)"
        return None, None

    def spin_grain(self, scenario="grain"):
        return {m["work_ns"]: m for m in self.p.find(scenario, backend="spin", mode="warm")}

    def bursts(self):
        """(adaptive, spin, serial) bursts rows, when adaptive's and spin's are
        there and spin's p99 is a usable divisor; else None."""
        ab, sb = self.one("bursts", backend="adaptive", mode="warm"), self.one("bursts", backend="spin", mode="warm")
        fb = self.one("bursts", backend=SERIAL_BACKEND)  # the same frames without a pool
        return (ab, sb, fb) if ab and sb and sb["p99"] > 0 else None


def in_round_trips(t, backend, mode, scenario, unit, limit):
    """A pool's fork-join figure in the same run's round trips of unit:
    PASS/MISS against limit, INFO when limit is None, N/A when the figure or
    the reference is unfit; None where the run has nothing of that pool."""
    m, why = t.fork_join(backend, mode, scenario)
    if m is None and why is None:
        return None
    rt, rt_why = t.ref(unit, m)
    measured = f"{backend}/{mode} " + (interval(m) if m else "-")
    if why or rt_why:
        return Verdict(measured, ns(rt) if rt else "-", None, why or rt_why)
    why = t.unfit(m)
    if why:
        return Verdict(measured, ns(rt), None, why)
    r = m["median"] / rt
    native_unit = references.unit_source(t.p, unit)[0] is not t.p
    where = f"; in {references.units(t.p, unit)}" if native_unit else \
        f"; in {references.BESIDE}" if t.p.checks and unit == "spin" else ""
    return Verdict(f"{measured} = {r:.2f}x", ns(rt), INFO if limit is None else r <= limit,
                   f"worker share {m['worker_share']:.0%}{where}")


def sign_test_p(wins, n):
    """One-sided sign test: the chance of >= wins of n under a fair coin."""
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2 ** n


FORKJOIN_RTS = 1.5
FORKJOIN_WARM = ("spin", "adaptive")


@target(f"1. forkjoin warm ({', '.join(FORKJOIN_WARM)}) <= {FORKJOIN_RTS}x the same run's spin round trip")
def forkjoin_warm(t):
    """A warm pool's fork-join is a few cache-line hand-offs each way: within
    a small multiple of the same run's spin round trip. On `forkjoin`, where
    every item waits until all P have started, so a caller that runs the
    items alone (as an empty dispatch may) cannot pass it: it can fail."""
    rows = [in_round_trips(t, b, "warm", FORKJOIN, "spin", FORKJOIN_RTS) for b in FORKJOIN_WARM]
    return [r for r in rows if r]


NODE = WASM[0]  # the same engine as Chromium's, without a browser around it
BROWSERS = WASM[1:]
BROWSER_VS_NODE, BROWSER_VS_NATIVE = 1.2, 1.5


@target(f"1. browser forkjoin warm <= {BROWSER_VS_NODE:g}x Node's and <= {BROWSER_VS_NATIVE:g}x native's")
def browser_forkjoin(t):
    """A browser runs the same Wasm as Node on the same engine (Chromium) or
    a peer (Firefox): its warm fork-join should cost what Node's does, and
    near native's. Medians of one run, each figure clean and joined; the
    native spin round trip beside it says which host placement it was
    (when it is ~100 ns, fixed costs show; when ~300 ns, line transfers
    hide them)."""
    if t.name not in BROWSERS:
        return None
    rows = []
    for b in FORKJOIN_WARM:
        m, why = t.fork_join(b, "warm")
        if m is None and why is None:
            continue
        others = []
        for name, bound in ((NODE, BROWSER_VS_NODE), (NATIVE, BROWSER_VS_NATIVE)):
            o = t.run.get(name)
            om, owhy = Subject(name, o, None).fork_join(b, "warm") if o else (None, f"no {name} run")
            others.append((name, bound, om, owhy or (None if om else f"no {name} {b}/warm")))
        rt, rt_why = references.usable(t.native, "spin") if t.native else (None, "no native run")
        measured = f"{b}/warm " + (interval(m) if m else "-")
        ref = "; ".join(f"{n} {interval(om) if om else '-'}" for n, _, om, _ in others)
        why = why or t.unfit(m) or next((f"{n}: {w}" for n, _, _, w in others if w), None)
        if why:
            rows.append(Verdict(measured, ref, None, why))
            continue
        ratios = [(n, bound, m["median"] / om["median"]) for n, bound, om, _ in others]
        rows.append(Verdict(measured + " = " + ", ".join(f"{r:.2f}x {n}" for n, _, r in ratios), ref,
                            all(r <= bound for _, bound, r in ratios),
                            f"native spin round trip {ns(rt)}" if rt else f"native spin round trip: {rt_why}"))
    return rows


GRAIN_RIVALS = ("openmp", "tbb")  # what users would pick instead of our pools
RIVALS, RIVAL_LIST = " and ".join(GRAIN_RIVALS), ", ".join(GRAIN_RIVALS)
SIGNIFICANCE = 0.05


@target(f"2. spin grain overhead <= {RIVALS} at every W (interleaved)")
def spin_grain_interleaved(t):
    """From grain_ab (items of real work, N = 8P, so every thread takes
    part: the figure is what it says): per W, spin against each rival repetition by repetition
    (paired samples, so drifting load hits both alike); above only if spin
    was slower in enough repetitions that a fair coin would do it less than
    SIGNIFICANCE of the time."""
    ab = t.spin_grain("grain_ab")
    if t.name != NATIVE or not ab:
        return None
    bad, ties, judged = [], [], 0
    _, left = t.own_noise(t.p.find("grain_ab"))
    for w, s in sorted(ab.items()):
        for ref in GRAIN_RIVALS:
            r = t.p.find("grain_ab", backend=ref, work_ns=w)
            if not r or len(r[0]["samples"]) != len(s["samples"]) or t.own_noise([s, r[0]])[1]:
                continue
            judged += 1
            pairs = list(zip(s["samples"], r[0]["samples"]))
            slower = sum(a > b for a, b in pairs)
            if slower * 2 <= len(pairs):
                continue
            what = f"W={w:g} vs {ref}: slower in {slower}/{len(pairs)}"
            (bad if sign_test_p(slower, len(pairs)) < SIGNIFICANCE else ties).append(what)
    if not judged:
        return nothing_judged(f"{RIVAL_LIST} (grain_ab)", left)
    return Verdict(f"{len(bad)} W above, {len(ties)} tied", f"{RIVAL_LIST} (grain_ab)", not bad,
                   "; ".join(bad[:3]) or ("not significant: " + "; ".join(ties[:3]) if ties else "")
                   + noisy_left(left))


@target(f"2. spin grain overhead <= {RIVALS} at every W")
def spin_grain_same_run(t):
    """Without grain_ab: spin's grain overhead against each rival's medians of
    the same run (items of real work, run by every thread: what it says). Above by less than the two medians' spread (MAD each) is a
    tie: at large W one call's noise is as big as both pools' whole overhead."""
    spin = t.spin_grain()
    if t.name != NATIVE or t.spin_grain("grain_ab") or not spin:
        return None
    if not any(t.p.find("grain", backend=ref) for ref in GRAIN_RIVALS):
        return None
    bad, ties, judged = [], [], 0
    _, left = t.own_noise(list(spin.values()) + [m for ref in GRAIN_RIVALS for m in t.p.find("grain", backend=ref)])
    for ref in GRAIN_RIVALS:
        for m in t.p.find("grain", backend=ref):
            s = spin.get(m["work_ns"])
            if not s or t.own_noise([s, m])[1]:
                continue
            judged += 1
            if s["overhead_ns"] <= m["overhead_ns"]:
                continue
            diff, noise = s["overhead_ns"] - m["overhead_ns"], s["mad"] + m["mad"]
            what = f"W={m['work_ns']:g} vs {ref}: +{ns(diff)}"
            (ties if diff <= noise else bad).append(f"{what} (noise {ns(noise)})")
    if not judged:
        return nothing_judged(f"{RIVAL_LIST} (same run)", left)
    return Verdict(f"{len(bad)} W above, {len(ties)} tied", f"{RIVAL_LIST} (same run)", not bad,
                   "; ".join(bad[:3]) or ("ties within noise: " + "; ".join(ties[:3]) if ties else "")
                   + noisy_left(left))


NATIVE_GRAIN_FACTOR = 1.5
SMALL_GRAIN_NS = 100  # W at or below which a call's overhead is all a user pays for


def grain_vs_native(t, small, slack_rt):
    """Elsewhere than natively: spin's grain overhead per W against native
    spin's, above by more than the factor and the two medians' spread (MAD
    each), which at large W is as big as the whole overhead. small: only W
    <= SMALL_GRAIN_NS. slack_rt: one spin round trip more is allowed (the
    platform's unit; the native one when that is noisy), since overheads
    near zero make ratios meaningless; a noisy slack could hide any miss,
    so without a fit one the target is N/A."""
    spin = {w: m for w, m in t.spin_grain().items() if not small or w <= SMALL_GRAIN_NS}
    if t.name == NATIVE or not spin or not t.native:
        return None
    ng = {m["work_ns"]: m for m in t.native.find("grain", backend="spin", mode="warm")}
    slack = 0
    if slack_rt:
        slack, why = t.ref("spin")
        if slack is None:
            slack, native_why = references.usable(t.native, "spin")
            if slack is None:
                return Verdict("-", "native spin grain", None, f"{why}; native: {native_why}")
    bad, worst, judged = [], None, 0
    _, left = t.own_noise(list(spin.values()))
    left += [f"native {w}" for w in Subject(NATIVE, t.native, None).own_noise(list(ng.values()))[1]]
    for w, m in sorted(spin.items()):
        n = ng.get(w)
        if not n or t.own_noise([m])[1] or noisy.job(t.native, n):
            continue
        judged += 1
        if n["overhead_ns"] > 0 and (worst is None or m["overhead_ns"] / n["overhead_ns"] > worst[1]):
            worst = (w, m["overhead_ns"] / n["overhead_ns"])
        if m["overhead_ns"] > NATIVE_GRAIN_FACTOR * max(n["overhead_ns"], 0) + slack + m["mad"] + n["mad"]:
            bad.append(f"W={w:g}: {ns(m['overhead_ns'])} vs native {ns(n['overhead_ns'])} "
                       f"(noise {ns(m['mad'] + n['mad'])})")
    if not judged:
        return nothing_judged("native spin grain", left)
    measured = f"{len(bad)} of {judged} W above" + (f"; at most {worst[1]:.1f}x (W={worst[0]:g})" if worst else "")
    return Verdict(measured, "native spin grain", not bad, "; ".join(bad[:3]) + noisy_left(left))


@target(f"2. spin grain overhead <= {NATIVE_GRAIN_FACTOR:g}x native (+1 spin RT, + noise)")
def spin_grain_vs_native(t):
    """Every W of the sweep, with a round trip of slack."""
    return grain_vs_native(t, small=False, slack_rt=True)


@target(f"2. spin grain overhead at W <= {SMALL_GRAIN_NS} ns <= {NATIVE_GRAIN_FACTOR:g}x native (+ noise)")
def small_grain_vs_native(t):
    """Where the work is smallest, a call's overhead is what a user pays:
    no round trip of slack there, only the two medians' spread."""
    return grain_vs_native(t, small=True, slack_rt=False)


def nothing_judged(reference, left):
    """A grain target whose every pair was left out: nothing was compared,
    so it is N/A, never a pass."""
    return Verdict("0 W judged", reference, None, "every W left out" + noisy_left(left))


def noisy_left(left):
    """A detail's note of the records a target left out as noisy ('' when none)."""
    return f"; left out, noisy: {'; '.join(left[:2])}" + (" ..." if len(left) > 2 else "") if left else ""


TAIL_RTS = 20


@target(f"3. spin p99.9 <= {TAIL_RTS}x spin round trip")
def spin_tail(t):
    """A warm pool's single-call tail stays within a bounded number of spin
    round trips. Natively only, where workers are pinned and the clock's step
    is far below a round trip. Single calls that the caller may run alone
    make this a bound on the tail, which holds either way."""
    lat = t.one("latency", backend="spin", mode="warm")
    if t.name != NATIVE or not lat:
        return None
    rt, why = t.ref("spin", lat)
    why = why or t.unfit(lat)
    if why:
        return Verdict(ns(lat["p999"]), ns(rt) if rt else "-", None, why)
    r = lat["p999"] / rt
    return Verdict(f"{ns(lat['p999'])} = {r:.1f}x", ns(rt), r <= TAIL_RTS)


@target("4. cold fork-join, calls 1 ms apart, in futex round trips (no bound)")
def forkjoin_spaced(t):
    """A cold pool's call after an idle millisecond wakes sleeping threads: set
    against the same run's futex round trip, for every target measured so.
    Reported, not judged: how many wake-ups a pool overlaps (and how deep the
    cores slept) moves it by more than any bound that could not fail."""
    rows = [in_round_trips(t, m["backend"], m["mode"], FORKJOIN_SPACED, "futex", None)
            for m in sorted(t.p.find(FORKJOIN_SPACED), key=label)]
    return [r for r in rows if r]


ADAPTIVE_VS_SPIN = 1.5


@target(f"5. adaptive fork-join back-to-back <= {ADAPTIVE_VS_SPIN:g}x spin's")
def adaptive_forkjoin(t):
    """Calls back to back find adaptive's workers still spinning: its
    fork-join close to the spin pool's. On `forkjoin`, so both pools must
    bring every thread in (an empty dispatch would let either run alone)."""
    (ad, a_why), (sd, s_why) = t.fork_join("adaptive", "warm"), t.fork_join("spin", "warm")
    if not ad and not sd and not (a_why or s_why):
        return None
    if a_why or s_why or not ad or not sd or sd["median"] <= 0:
        why = a_why if a_why == s_why else "; ".join(f"{b}: {w}" for b, w in (("adaptive", a_why), ("spin", s_why)) if w)
        return Verdict(interval(ad) if ad else "-", interval(sd) if sd else "-", None,
                       why or "no forkjoin record of both pools")
    why = t.unfit(ad, sd)
    if why:
        return Verdict(interval(ad), interval(sd), None, why)
    r = ad["median"] / sd["median"]
    return Verdict(f"{interval(ad)} = {r:.2f}x", interval(sd), r <= ADAPTIVE_VS_SPIN)


IDLE_MAX = 0.02  # share of a core


@target(f"5. adaptive idle CPU <= {IDLE_MAX:.0%} of a core")
def adaptive_idle(t):
    """Once idle past its short spin budget, adaptive sleeps: it burns next
    to nothing. The CPU clocks of an idle window measure just that."""
    ai = t.one("idle_cpu", backend="adaptive", mode="warm")
    if not ai:
        return None
    why = t.unfit(ai)
    return Verdict(f"{ai['median']:.1%}", f"{IDLE_MAX:.0%}", None if why else ai["median"] <= IDLE_MAX, why or "")


MANY_ITEMS_SERIALS = 2


@target(f"6. 10^5 items <= {MANY_ITEMS_SERIALS}x serial + one fork-join")
def many_items(t):
    """Many tiny items with the automatic grain cost at most a small multiple
    of the serial loop plus starting the call: the grain hides per-item
    overhead. 10^5 items keep every thread busy, so the figure is what it
    says; the allowance is spin's fork-join, or where the run has none its
    (smaller) empty dispatch, which only makes the bound stricter."""
    mi = t.one("many_items", backend="spin", mode="warm")
    fj, _ = t.fork_join("spin", "warm")
    start, what = (fj, "fork-join") if fj and not not_joined(fj) else \
        (t.one(DISPATCH, backend="spin", mode="warm"), "dispatch (no spin fork-join in this run)")
    if not mi or not start:
        return None
    limit = MANY_ITEMS_SERIALS * mi["serial_ns"] + start["median"]
    why = t.unfit(mi, start)
    return Verdict(ns(mi["median"]), ns(limit), None if why else mi["median"] <= limit,
                   why or f"allowance: one {what}")


BURST_VS_SPIN = 1.5


@target(f"8. adaptive in-burst p99 <= {BURST_VS_SPIN:g}x spin")
def adaptive_burst_latency(t):
    """Within a burst adaptive's workers are still spinning: its calls' tail
    is close to the spin pool's. Both rows run the same 16 items of 1 us
    per call, work the workers share, so the ratio compares the pools."""
    b = t.bursts()
    if not b:
        return None
    ab, sb, fb = b
    r = ab["p99"] / sb["p99"]
    why = t.unfit(ab, sb)
    return Verdict(f"{ns(ab['p99'])} = {r:.2f}x", ns(sb["p99"]), None if why else r <= BURST_VS_SPIN,
                   why or (f"serial (no pool) p99 {ns(fb['p99'])}" if fb else ""))


BURST_CPU_SHARE = 0.1  # of spin's


@target(f"8. adaptive CPU between bursts <= {BURST_CPU_SHARE:.0%} of spin's")
def adaptive_burst_cpu(t):
    """Between bursts adaptive sleeps where spin burns its idle budget (the
    threads' own CPU clocks in the gaps: what it says). The
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
    why = t.unfit(ab, sb)
    return Verdict(f"{pa:.2%} = {pa / ps:.0%} of spin" if ps > 0 else f"{pa:.2%}", f"{ps:.2%}",
                   None if why else pa <= BURST_CPU_SHARE * ps, why or detail)


BREAK_EVEN_NS = 100


@target(f"9. break-even W <= {BREAK_EVEN_NS} ns for the best warm pool")
def break_even(t):
    """The smallest W of the grain sweep at which P threads beat the same
    run's serial loop (median speedup >= 1), for the warm pool that gets
    there first; N/A when the sweep has no W in (0, bound] to resolve it.
    Speedups within one run, as the grain targets: a record's own checks
    leave it out, not its platform's references."""
    warm = [m for m in t.p.find("grain") if m["mode"] == "warm" and m.get("speedup") is not None]
    if not warm:
        return None
    warm, left = t.own_noise(warm)
    if not warm:
        return Verdict("-", "-", None, noisy_left(left)[2:])
    grid = sorted({m["work_ns"] for m in warm})
    first = {}
    for m in warm:
        if m["speedup"] >= 1 and m["work_ns"] < first.get(m["backend"], math.inf):
            first[m["backend"]] = m["work_ns"]
    ref = "W grid " + ", ".join(ns(w) for w in grid)
    if not any(0 < w <= BREAK_EVEN_NS for w in grid):
        return Verdict("-", ref, None, f"no W in (0, {ns(BREAK_EVEN_NS)}]: the bound is not resolved")
    if not first:
        return Verdict("never", ref, False, "no warm pool beat serial at any W")
    w = min(first.values())
    pools = sorted(b for b, v in first.items() if v == w)
    return Verdict(f"{ns(w)} ({', '.join(pools)})", ref, w <= BREAK_EVEN_NS,
                   "; ".join(f"{b} {ns(v)}" for b, v in sorted(first.items(), key=lambda kv: kv[1]))
                   + noisy_left(left))


OVERSUB_P99_NS = 1e6
OVERSUB_WARM_VS_COLD = 3


def oversubscribed(t):
    """(P, cores, fork-joins every thread joined at P) at the largest P the
    run swept above the logical cores, or None."""
    cores = t.p.header.get("logical_cores")
    if not isinstance(cores, int) or cores < 1:
        return None
    over = [m for m in t.p.across_p(FORKJOIN) if m["threads"] > cores]
    if not over:
        return None
    p = max(m["threads"] for m in over)
    # Noisy on their own evidence (the round trip moved around the job):
    # left out, as a pool not measured at that P.
    return p, cores, t.own_noise([m for m in over if m["threads"] == p])[0]


@target(f"10. oversubscribed (P > cores): every pool's fork-join p99 <= {ns(OVERSUB_P99_NS)}")
def oversubscribed_tail(t):
    """With more threads than cores a spinning thread can hold a CPU that a
    thread of the call needs: each pool's single-call p99 (forkjoin's calls
    timed alone) must stay under the bound. A pool that did not join at that
    P misses it."""
    o = oversubscribed(t)
    if not o:
        return None
    p, cores, ms = o
    where = f"P = {p} on {cores} cores"
    # Error records carry no P; a fork-join's says it: "did not join: k of P arrived ...".
    failed = sorted({f"{e.get('backend')}/{e.get('mode')}" for e in t.p.errors
                     if e.get("scenario") == FORKJOIN and re.search(rf"\bof {p} arrived", e.get("message", ""))})
    tails = [(m["p99"], f"{m['backend']}/{m['mode']}") for m in ms if m.get("p99") is not None and not not_joined(m)]
    if not tails and not failed:
        return Verdict("-", ns(OVERSUB_P99_NS), None, f"{where}: no single-call p99 resolved by the per-call clock")
    over = [f"{b} {ns(v)}" for v, b in sorted(tails, reverse=True) if v > OVERSUB_P99_NS]
    worst = max(tails) if tails else None
    measured = f"{worst[1]} {ns(worst[0])}" if worst else "-"
    detail = "; ".join([where] + ([f"over: {', '.join(over)}"] if over else []) +
                       ([f"did not join: {', '.join(failed)}"] if failed else []))
    return Verdict(measured, ns(OVERSUB_P99_NS), not over and not failed, detail)


@target(f"10. oversubscribed: warm pools' fork-join <= {OVERSUB_WARM_VS_COLD}x the cold pools' median")
def oversubscribed_warm(t):
    """Spinning gives the CPU away when a thread of the call needs it: at the
    most oversubscribed P, no warm pool's median above a few times the median
    of the cold pools' medians."""
    o = oversubscribed(t)
    if not o:
        return None
    p, cores, ms = o
    joined = [m for m in ms if not not_joined(m)]
    cold = sorted(m["median"] for m in joined if m["mode"] == "cold")
    warm = [m for m in joined if m["mode"] == "warm"]
    if not cold or not warm:
        return None
    ref = cold[len(cold) // 2] if len(cold) % 2 else (cold[len(cold) // 2 - 1] + cold[len(cold) // 2]) / 2
    worst = max(warm, key=lambda m: m["median"])
    r = worst["median"] / ref
    return Verdict(f"{worst['backend']}/warm {ns(worst['median'])} = {r:.2f}x", ns(ref), r <= OVERSUB_WARM_VS_COLD,
                   f"P = {p} on {cores} cores; the cold pools' median of {len(cold)}")


OVERSUB_VS_NATIVE = 3


@target(f"10. oversubscribed: Wasm warm fork-join <= {OVERSUB_VS_NATIVE}x native's at that P")
def oversubscribed_vs_native(t):
    """With more threads than cores a spinning Wasm thread cannot offer its
    CPU as natively (no sched_yield: its yield is a timed wait): each warm
    pool's median at the most oversubscribed P against the same pool's
    native median at that P. A pool that did not join on either side is
    left to the p99 target, which misses it."""
    if t.name not in WASM or not t.native:
        return None
    o = oversubscribed(t)
    if not o:
        return None
    p, cores, ms = o
    nat = {m["backend"]: m for m in t.native.across_p(FORKJOIN)
           if m["threads"] == p and m["mode"] == "warm" and not not_joined(m) and not noisy.job(t.native, m)}
    pairs = [(m, nat[m["backend"]]) for m in ms if m["mode"] == "warm" and not not_joined(m) and m["backend"] in nat]
    if not pairs:
        return Verdict("-", f"native warm at P = {p}", None, f"P = {p} on {cores} cores: no pool joined clean on both")
    m, n = max(pairs, key=lambda mn: mn[0]["median"] / mn[1]["median"])
    r = m["median"] / n["median"]
    return Verdict(f"{m['backend']}/warm {ns(m['median'])} = {r:.1f}x", f"native {ns(n['median'])}",
                   r <= OVERSUB_VS_NATIVE, f"P = {p} on {cores} cores; the worst of {len(pairs)} warm pools")


CALL_CLOCK_STEP_NS = 1000


@target(f"11. single calls timed to <= {ns(CALL_CLOCK_STEP_NS)} (the per-call clock's step)")
def call_clock_step(t):
    """Latency, bursts and spaced fork-joins time calls one by one: their
    percentiles resolve nothing finer than the clock's step. Chromium clamps
    performance.now() to 5 us, with a jittered edge (README "Why a browser
    costs more"), and its counter clock needs a core of its own."""
    clock = t.p.header.get("clock")
    step = clock.get("step_ns") if isinstance(clock, dict) else None
    if not isinstance(step, (int, float)) or t.name not in (NATIVE,) + WASM:  # the pools' platforms
        return None
    return Verdict(f"{clock.get('per_call', '?')} clock, step {ns(step)}", ns(CALL_CLOCK_STEP_NS),
                   step <= CALL_CLOCK_STEP_NS, str(clock.get("why", ""))[:160])


def evaluate(run):
    """[(platform, target, measured, reference, verdict, detail)] of every
    target the run can decide. The CPython platforms are left out: their records
    are the Python baselines, not the C pools the targets are about."""
    rows = []
    for name, p in run.items():
        if name in CPYTHONS:
            continue
        t = Subject(name, p, run.get(NATIVE), run)
        for title, check in TARGETS:
            v = check(t)
            for one in v if isinstance(v, list) else [v] if v else []:
                verdict = next(word for ok, word in VERDICTS if one.ok is ok)
                rows.append((name, title, one.measured, one.reference, verdict, one.detail))
    return rows


def main():
    ap = OneLineParser(prog="targets", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="run directory (or one .ndjson file)")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table")
    a = ap.parse_args()
    try:
        run = run_model.load_run(a.run)
    except run_model.RecordError as e:
        print(f"targets: {e}", file=sys.stderr)
        return 2
    rows = evaluate(run)
    if not rows:
        print("targets: no target could be checked (run the spin, futex and adaptive backends)", file=sys.stderr)
        return 2
    head = ("platform", "target", "measured", "reference", "verdict", "detail")
    if a.markdown:
        print(md_table(head, rows))
    else:
        w = [max(len(r[i]) for r in [head] + rows) for i in range(4)]
        for r in [head] + rows:
            print(f"{r[0]:<{w[0]}} {r[1]:<{w[1]}} {r[2]:>{w[2]}} {r[3]:>{w[3]}} {r[4]:<5} {r[5]}")
    return 1 if any(r[4] == "MISS" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
