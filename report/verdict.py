"""The verdict: per platform, the pool to use for each of three kinds of work,
with its cost, the runner-up, whether the run can tell them apart (intervals
that overlap are a tie) and the CPU it burns meanwhile. Only pools whose
workers took part are candidates; serial is a yardstick, never a choice."""
from dataclasses import dataclass

from references import noise
from vocab import (FORKJOIN, FORKJOIN_SPACED, SERIAL_BACKEND, TIMER_LIMITED, interval, is_serial, label,
                   left_out, ns, overlap, plain)

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
    use: dict
    runner_up: dict = None
    tied: tuple = ()
    serial: dict = None
    price: str = "-"


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
    whose intervals overlap the cheapest one's are tied with it, and among
    them the lowest CPU price decides (the run cannot tell their costs apart)."""
    ms = [m for m in p.find(scenario) if not is_serial(m) and m["unit"] == "ns"]
    out = [(label(m), left_out(m)) for m in ms if left_out(m)]
    ms = sorted((m for m in ms if not left_out(m)), key=lambda m: m["median"])
    if not ms:
        return None, out
    tied = [m for m in ms if overlap(ms[0], m)] or ms[:1]
    use = min(tied, key=lambda m: (price_rank(p, m), m["median"]))
    rest = [m for m in ms if m is not use]
    serial = p.find(scenario, backend=SERIAL_BACKEND)
    return dict(use=use, runner_up=rest[0] if rest else None,
                tied=tuple(label(m) for m in tied if m is not use),
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
    return interval(m) + (" †" if TIMER_LIMITED in m.get("flags", []) else "")


def standing(c):
    """How sure the run is of the choice, in words."""
    if c.runner_up is None:
        said = "the only pool measured"
    elif c.tied:
        said = f"tied with {', '.join(c.tied)} (intervals overlap; the lower CPU price decides)"
    else:
        said = "ahead (intervals apart)"
    s = c.serial
    if s and s["ci_hi"] < c.use["ci_lo"]:
        said += f"; slower than serial ({cost(s)}): no pool pays here"
    return said


HEAD = ["platform", "work", "use", "cost [95% interval]", "runner-up", "standing", "CPU price (share of a core)"]


def table(rows):
    """(head, rows) of the verdict for a Table block."""
    return HEAD, [[c.platform, c.work, label(c.use), cost(c.use),
                   f"{label(c.runner_up)} {cost(c.runner_up)}" if c.runner_up else "-",
                   standing(c), c.price] for c in rows]


def left_out_note(left):
    """One sentence naming the targets left out of the verdict, grouped by
    platform and work, with why; None when none were."""
    if not left:
        return None
    groups = {}
    for p, w, t, why in left:
        groups.setdefault(f"{p}, {w}", []).append(f"`{t}` ({why})")
    return ("Left out of the verdict, their workers did not take part: "
            + "; ".join(f"{k}: {', '.join(v)}" for k, v in groups.items()) + ".")


def trust(run):
    """The run's trust line: machine, each platform's timer step (and the
    single-call clock's where it differs), noisy or not, timer-limited figures."""
    machines = sorted({f"{plain(p.header['cpu_model'])}, {p.header.get('logical_cores')} logical cores"
                       for p in run.values() if p.header.get("cpu_model")}) or ["unknown machine"]
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
    noisy = [f"{name} ({', '.join(noise(p))})" for name, p in run.items() if noise(p)]
    limited = [f"{name} {n}" for name, p in run.items()
               if (n := sum(TIMER_LIMITED in m.get("flags", []) for m in p.headline()))]
    return (f"**Machine**: {'; '.join(machines)}. **Timer step**: {', '.join(steps)}. "
            + (f"**Noisy**: {', '.join(noisy)}. " if noisy else "**References**: steady. ")
            + f"**Figures limited by the timer** (†): {', '.join(limited) if limited else 'none'}.")
