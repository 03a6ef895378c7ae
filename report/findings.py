"""Findings: sentences generated from the records, each backed by a number
that appears in the report and linked to the plot that shows it (a finding
is (text, plot name or None)). A ranking is said only where the intervals
part (else the pools are tied), and only of pools whose workers took part.
Nothing here is written by hand about results."""
import noisy
import thread_sweep
from ratios import not_compared, ratios
from references import ROUND_TRIPS, noise, units, usable_for
from vocab import (CPYTHONS, DISPATCH, FORKJOIN, FORKJOIN_SPACED, SERIAL_BACKEND, indistinct, interval,
                   is_serial, label, left_out, not_joined, ns, plain, timer_limited)

IDLE_BURN = 0.05  # share of a core above which an idle pool "burns CPU"


def ranking(p, ms, unit, noise_of_p):
    """The cheapest of ms in the reference's units (where the run measured
    it beside each job, the one beside the cheapest), the ones the run
    cannot order against it (tied: intervals overlap, or a figure at the
    timer's step) and the next one after. (text, why the units are N/A or None)."""
    ms = sorted(ms, key=lambda m: m["median"])
    best = ms[0]
    rt, why = usable_for(p, best, unit, noise_of_p)
    said = f" = {best['median'] / rt:.2f} {units(p, unit)}" if rt else ""
    text = f"`{label(best)}` at {interval(best)}{said}"
    tied = [m for m in ms[1:] if indistinct(best, m)]
    if tied:
        text += "; tied with " + ", ".join(f"`{label(m)}` at {interval(m)}" for m in tied) + (
            " (intervals overlap or a figure is at the timer's step)" if any(map(timer_limited, [best] + tied))
            else " (intervals overlap)")
    rest = [m for m in ms[1:] if m not in tied]
    if rest:
        text += f"; then `{label(rest[0])}` at {interval(rest[0])}"
    return text, why


def fork_joins(name, p, noise_of_p):
    """The pool's headline: what a call that every thread joins costs, back
    to back and after an idle millisecond; never an empty dispatch."""
    out = []
    if name not in CPYTHONS and p.find(DISPATCH) and not p.find(FORKJOIN):  # CPython's rows are no C pool's
        out.append(f"**{name}**: no `{FORKJOIN}` records (a run older than the scenario): no fork-join "
                   "cost to report; an empty `dispatch` is none.")
    for scen, what, unit in ((FORKJOIN, "cheapest fork-join (every thread joins)", "spin"),
                             (FORKJOIN_SPACED, "cheapest fork-join 1 ms after the last (threads asleep)", "futex")):
        ms = [m for m in p.find(scen) if not is_serial(m)]
        joined = [m for m in ms if not not_joined(m)]
        # A figure noisy on its own evidence is no rank: said apart, with why.
        clean = [m for m in joined if not noisy.job(p, m)]
        if clean:
            text, why = ranking(p, clean, unit, noise_of_p)
            out.append(f"**{name}**: {what}: {text}"
                       + (f" (in {ROUND_TRIPS[unit]}s: N/A, {why})" if why else "") + ".")
        bad = [m for m in joined if noisy.job(p, m)]
        if bad:
            out.append(f"**{name}**: not ranked, noisy ({scen}): "
                       + "; ".join(f"`{label(m)}` at {interval(m)} ({noisy.job(p, m)})" for m in bad) + ".")
        short = [m for m in ms if not_joined(m)]
        if short:
            out.append(f"**{name}**: not fork-join costs ({scen}): "
                       + "; ".join(f"`{label(m)}` ({not_joined(m)})" for m in short) + ".")
    return out


def dispatch(name, p):
    """The empty call, said as what it is: the caller may run every item. A
    pool is named only if its workers took part in the cheapest call."""
    d = [m for m in p.find(DISPATCH) if m["backend"] != SERIAL_BACKEND]
    if not d:
        return []
    best = min(d, key=lambda m: m["median"])
    share = best.get("caller_share")
    workers = (f"workers ran {1 - share:.0%} of the items" if share is not None
               else "its worker share is not recorded on this platform")
    who = f"`{label(best)}`" if share is not None and not left_out(best) else "the cheapest"
    return [f"**{name}**: `dispatch` is an empty call that the caller may run alone, not a fork-join "
            f"cost: {who} at {ns(best['median'])} per call ({workers})."]


def findings(run):
    """[(sentence, the plot that shows it or None)] of the run."""
    out = []
    for name, p in run.items():
        mine = [(f, "forkjoin") for f in fork_joins(name, p, noise(p))] + [(f, None) for f in dispatch(name, p)]
        mine += [(f, "threads") for f in thread_sweep.finding(name, p)]
        mine += [(f, "speedup") for f in breakeven(name, p)]
        mine += [(f, None) for f in idle(name, p)]
        limited = [m for m in p.headline() if timer_limited(m)]
        if limited:
            step, call = p.header.get("timer_step_ns"), p.call_step_ns()
            steps = ns(step) if call == step else f"{ns(step)}; single calls: {ns(call)}"
            mine.append((f"**{name}**: {len(limited)} figures are limited by the clock's step "
                         f"({steps}): " + ", ".join(sorted({f"{m['scenario']} `{label(m)}`" for m in limited})[:8])
                         + (" ..." if len(limited) > 8 else "") + ".", "latency"))
        if p.errors:
            mine.append((f"**{name}**: {len(p.errors)} error record(s): "
                         + "; ".join(plain(e.get("message", "")) for e in p.errors[:3]) + ".", None))
        out += [(noisy_first(name, p, f), plot) for f, plot in mine]
    r = ratios(run)
    for plat in dict.fromkeys(x[2] for x in r):
        rr = sorted(x[3] for x in r if x[2] == plat and x[0] == "dispatch")
        if rr:
            med = rr[len(rr) // 2]
            out.append((f"**{plat} vs native**: an empty `dispatch` costs {med:.2f}x native (median over "
                        f"{len(rr)} backends, range {rr[0]:.2f}-{rr[-1]:.2f}x).", "wasm_ratio"))
    out += [(f"**{plat} vs native**: no ratios, N/A ({why}): figures of two machines are not compared.", None)
            for plat, why in not_compared(run)]
    return out


def noisy_first(name, p, text):
    """A finding of a noisy platform says so in its first words: every
    finding of a platform opens with its name, which gains the references
    that are noisy (the banner says why)."""
    short = noisy.platform_short(p)
    lead = f"**{name}**"
    return f"{lead} (noisy: {short}){text[len(lead):]}" if short and text.startswith(lead) else text


def breakeven(name, p):
    """Where parallelism starts to pay, per the harness's breakeven records."""
    out = []
    paid = sorted((b["breakeven_work_ns"], label(b)) for b in p.breakeven if b["breakeven_work_ns"] is not None)
    never = sorted(label(b) for b in p.breakeven if b["breakeven_work_ns"] is None)
    if paid:
        lo = [t for w, t in paid if w == paid[0][0]]
        out.append(f"**{name}**: parallelism pays off (speedup >= 1 with N = 8P items) from "
                   f"W = {paid[0][0]:g} ns per item with {', '.join(f'`{t}`' for t in lo)}; "
                   f"the latest break-even is W = {paid[-1][0]:g} ns (`{paid[-1][1]}`).")
    if never:
        out.append(f"**{name}**: never faster than serial in the sweep: " + ", ".join(f"`{t}`" for t in never) + ".")
    return out


def idle(name, p):
    """Idle pools that burn a core's share above IDLE_BURN (or that none does)."""
    burn = [m for m in p.find("idle_cpu") if m["median"] > IDLE_BURN]
    if burn:
        return [f"**{name}**: idle pools burning more than {IDLE_BURN:.0%} of a core: "
                + ", ".join(f"`{label(m)}` {m['median']:.0%}" for m in sorted(burn, key=lambda m: -m["median"])) + "."]
    if p.find("idle_cpu"):
        return [f"**{name}**: no idle pool burnt more than {IDLE_BURN:.0%} of a core."]
    return []
