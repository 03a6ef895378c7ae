"""The verdict: per platform, the pool to use for each of three kinds of work,
with its cost, the runner-up, whether the run can tell them apart (intervals
that overlap are a tie, and a figure at the timer's step ties with any) and
the CPU it burns meanwhile. Only pools whose workers took part are
candidates, and only clean figures (noisy.py); serial is a yardstick, never
a choice. Where the run cannot judge, the row says "no verdict" and why."""
from dataclasses import dataclass

import noisy
import references
from references import noise
from vocab import (FORKJOIN, FORKJOIN_SPACED, SERIAL_BACKEND, indistinct, interval, is_serial, label, left_out,
                   ns, timer_limited)

BURSTS = "bursts"
# (what the user does, scenario, the plot that shows it): the three questions.
WORK = (("back-to-back calls", FORKJOIN, "forkjoin"),
        ("bursts with idle gaps (frames, input)", BURSTS, "tradeoff"),
        ("rare calls (1 ms apart)", FORKJOIN_SPACED, "forkjoin"))


@dataclass
class Choice:
    """One verdict row: the pool to use, the runner-up, and what set them apart."""
    platform: str
    work: str
    plot: str
    use: dict = None  # None: no verdict, for the reason in no_verdict
    no_verdict: str = None
    runner_up: dict = None
    tied: tuple = ()
    serial: dict = None
    price: str = "-"
    timer_tie: bool = False  # a figure of the tie is at the timer's step


def cpu_price(p, m):
    """What the pool of m burns while it waits: between bursts (the gap CPU of
    its bursts record) and idle after a call (idle_cpu), as a share of a core."""
    key = {"backend": m["backend"], "mode": m["mode"]}
    parts = []
    for scen, field, what in ((BURSTS, "gap_cpu_cores", "between bursts"), ("idle_cpu", "median", "idle")):
        r = p.find(scen, **key)
        v = r[0].get(field) if r else None
        if isinstance(v, (int, float)):
            parts.append(f"{v:.1%} {what}")
    return ", ".join(parts) or "-"


def price_rank(p, m):
    """The CPU m's pool burns between bursts, else idle (unknown: last)."""
    key = {"backend": m["backend"], "mode": m["mode"]}
    for scen, field in ((BURSTS, "gap_cpu_cores"), ("idle_cpu", "median")):
        r = p.find(scen, **key)
        if r and isinstance(r[0].get(field), (int, float)):
            return r[0][field]
    return float("inf")


def choose(p, scenario):
    """(the Choice fields of one platform and scenario, [(target, why left out)])
    or (None, left out) when no pool qualifies. Ranked by median; the pools
    the run cannot order against the cheapest one (intervals overlap, or a
    figure at the timer's step) are tied with it, and among them the lowest
    CPU price decides. No verdict (use None, no_verdict why) on a noisy
    platform, when no clean figure is left, when a noisy figure reads at or
    below the chosen one (that pool may be the one to use: the run cannot
    say), or when only the median of a timer-limited figure would decide."""
    ms = [m for m in p.find(scenario) if not is_serial(m) and m["unit"] == "ns"]
    out = [(label(m), left_out(m)) for m in ms if left_out(m)]
    ms = sorted((m for m in ms if not left_out(m)), key=lambda m: m["median"])
    if not ms:
        return None, out
    everywhere = noisy.platform(p)
    if everywhere:
        return dict(no_verdict=f"noisy ({everywhere})"), out
    bad = [(m, noisy.job(p, m)) for m in ms]
    out += [(label(m), f"noisy: {why}") for m, why in bad if why]
    clean = [m for m, why in bad if not why]
    if not clean:
        return dict(no_verdict=f"noisy (every candidate; {label(bad[0][0])}: {bad[0][1]})"), out
    tied = [m for m in clean if indistinct(clean[0], m)]
    price = min(price_rank(p, m) for m in tied)
    cheapest = [m for m in tied if price_rank(p, m) == price]
    if len(cheapest) > 1 and any(timer_limited(m) for m in cheapest):
        return dict(no_verdict="timer-limited (" + ", ".join(label(m) + (" †" if timer_limited(m) else "")
                                                             for m in cheapest)
                    + ": a figure at the timer's step cannot order them, and no CPU price tells them apart)"), out
    use = min(cheapest, key=lambda m: m["median"])
    under = [(m, why) for m, why in bad if why and m["median"] <= use["ci_hi"]]
    if under:
        m, why = under[0]
        return dict(no_verdict=f"noisy ({label(m)} reads {ns(m['median'])}, not above the clean choice "
                    f"{label(use)} {interval(use)}: {why})"), out
    rest = [m for m in clean if m is not use]
    serial = p.find(scenario, backend=SERIAL_BACKEND)
    return dict(use=use, runner_up=rest[0] if rest else None,
                tied=tuple(label(m) for m in tied if m is not use),
                timer_tie=len(tied) > 1 and any(timer_limited(m) for m in tied),
                serial=serial[0] if serial else None, price=cpu_price(p, use)), out


def verdict(run):
    """([Choice], [(platform, work, target, why left out)]) over the run."""
    rows, left = [], []
    for name, p in run.items():
        for work, scen, plot in WORK:
            fields, out = choose(p, scen)
            left += [(name, work, t, why) for t, why in out]
            if fields:
                rows.append(Choice(name, work, plot, **fields))
    return rows, left


def cost(m):
    return interval(m) + (" †" if timer_limited(m) else "")


def standing(c):
    """How sure the run is of the choice, in words."""
    if c.runner_up is None:
        said = "the only pool measured"
    elif c.tied:
        why = "intervals overlap or a figure is at the timer's step" if c.timer_tie else "intervals overlap"
        said = f"tied with {', '.join(c.tied)} ({why}; the lower CPU price decides)"
    else:
        said = "ahead (intervals apart)"
    s = c.serial
    if s and s["ci_hi"] < c.use["ci_lo"]:
        said += f"; slower than serial ({cost(s)}): no pool pays here"
    return said


HEAD = ["platform", "work", "use", "cost [95% interval]", "runner-up", "standing", "CPU price (share of a core)"]


def table(rows):
    """(head, rows) of the verdict for a Table block."""
    return HEAD, [[c.platform, c.work, f"no verdict: {c.no_verdict}", "-", "-", "-", "-"] if c.use is None else
                  [c.platform, c.work, label(c.use), cost(c.use),
                   f"{label(c.runner_up)} {cost(c.runner_up)}" if c.runner_up else "-",
                   standing(c), c.price] for c in rows]


def left_out_note(left):
    """One sentence naming the targets left out of the verdict (their workers
    did not take part, or their figures are noisy), grouped by platform and
    work, with why; None when none were."""
    if not left:
        return None
    groups = {}
    for p, w, t, why in left:
        groups.setdefault(f"{p}, {w}", []).append(f"`{t}` ({why})")
    return ("Left out of the verdict (each with why): "
            + "; ".join(f"{k}: {', '.join(v)}" for k, v in groups.items()) + ".")


def trust(run):
    """The run's trust line: machine, each platform's timer step (and the
    single-call clock's where it differs), noisy or not, timer-limited figures."""
    machines = sorted({p.machine.describe() for p in run.values()})
    steps = []
    for name, p in run.items():
        t, c = p.header.get("timer_step_ns"), p.call_step_ns()
        clock = p.header.get("clock") if isinstance(p.header.get("clock"), dict) else {}
        counter = ""
        if clock.get("per_call") == "counter" and isinstance(clock.get("short_bias_ns"), (int, float)):
            # A counter clock runs at its core's speed: what it read short over
            # short busy intervals is the error its single-call figures carry.
            counter = (f", a counter clock: ~{clock['short_mean_ns']:.0f} ns intervals read "
                       f"{clock['short_bias_ns']:+.0f} ns")
        steps.append(f"{name} {ns(t)}" + (f" (single calls {ns(c)}{counter})" if c != t else ""))
    bad = [f"{name} ({', '.join(noise(p))})" for name, p in run.items() if noise(p)]
    limited = [f"{name} {n}" for name, p in run.items() if (n := sum(timer_limited(m) for m in p.headline()))]
    # Per platform: repetitions another task interfered with (natively, where
    # counted) and the jobs whose own evidence makes them noisy.
    busy = [f"{name}: {noisy.summary(p)}" for name, p in run.items()]
    beside = [name for name, p in run.items() if p.checks]
    return (f"**Machine**: {'; '.join(machines)}. **Timer step**: {', '.join(steps)}. "
            + (f"**Noisy**: {', '.join(bad)}. " if bad else "**References**: steady. ")
            + f"**Busy machine**: {'; '.join(busy)}. "
            + (f"**Round-trip units**: {', '.join(beside)}: {references.BESIDE} (the geometric mean of the "
               "two measured around it), not the run's first. " if beside else "")
            + f"**Figures limited by the timer** (†): {', '.join(limited) if limited else 'none'}.")
