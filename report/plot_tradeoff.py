"""plots/tradeoff.svg: what a warm pool buys and what it costs, from the
`bursts` scenario (frame-like bursts of small calls, idle gaps between):
x the CPU a pool burns between bursts, y its in-burst p99 (left) and the
first call of a burst, the one that finds the workers asleep (right). A
marker per pool, a colour per platform; down and left is better. Pools whose
workers ran (almost) none of the items are crosses: no pool's figure."""
from plots import KEY, PLATFORM_COLOURS, Script, num, q, render, time_axis
from vocab import TIMER_LIMITED, is_serial, label, left_out

VIEWS = (("p99", "in-burst p99 per call"), ("first_call_ns", "first call of a burst (workers asleep)"))


def placed(p):
    """p's bursts records that have a CPU figure above 0 (no CPU clock: none):
    the log axis spreads the idle pools (~1%) from the spinning ones."""
    return [m for m in p.find("bursts") if isinstance(m.get("gap_cpu_cores"), (int, float)) and m["gap_cpu_cores"] > 0]


def cpu_axis(s, pcts):
    lo, hi = min(pcts) / 1.5, max(pcts) * 1.5
    tics = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200) if lo <= t <= hi]
    s += f"set logscale x\nset xrange [{num(lo)}:{num(hi)}]"
    s += "set xtics (" + ", ".join(f"{q(f'{t:g}%%')} {num(float(t))}" for t in tics) + ")"


def panel(s, plats, field, what):
    s += KEY + "\nset xlabel 'CPU burnt between bursts (% of a core, log)'"
    s += f"set ylabel {q(what)}\nset title {q(what)}"
    cpu_axis(s, [m["gap_cpu_cores"] * 100 for p in plats for m in placed(p)])
    time_axis(s, [m.get(field) or 0 for p in plats for m in placed(p)])
    parts, n = [], 0
    for p in plats:
        rgb = q(PLATFORM_COLOURS.get(p.name, "#444444"))
        groups = {"pool": [], "timer-limited": [], "workers did not take part": [], "serial: the host's floor": []}
        for m in placed(p):
            v = m.get(field)
            if not isinstance(v, (int, float)) or v <= 0:
                continue
            kind = ("serial: the host's floor" if is_serial(m) else "workers did not take part" if left_out(m)
                    else "timer-limited" if TIMER_LIMITED in m.get("flags", []) else "pool")
            groups[kind].append((m["gap_cpu_cores"] * 100, v))
            if kind == "pool":
                n += 1
                s += (f"set label {n} {q(label(m))} at {num(m['gap_cpu_cores'] * 100)},{num(v)} "
                      f"offset char 0.6,0.4 font ',7' tc rgb {rgb}")
        for kind, pt in (("pool", 7), ("timer-limited", 6), ("workers did not take part", 2),
                         ("serial: the host's floor", 1)):
            if groups[kind]:
                name = p.name if kind == "pool" else f"{p.name}: {kind}"
                parts.append(f"{s.data(groups[kind])} using 1:2 with points pt {pt} ps 1.3 lc rgb {rgb} title {q(name)}")
    s += "plot " + ", \\\n  ".join(parts)
    s += "unset label\nset ytics autofreq\nset yrange [*:*]\nset xtics autofreq\nunset logscale x"


def tradeoff(run, out_dir):
    plats = [p for p in run.values() if any(not is_serial(m) for m in placed(p))]
    if not plats:
        return None
    unplaced = [p.name for p in run.values() if p.find("bursts") and p not in plats]
    s = Script()
    note = f" ({', '.join(unplaced)}: no CPU clock, not drawn)" if unplaced else ""
    s += f"set multiplot layout 2,1 title {q('Warm vs cold in bursts: CPU between bursts against latency' + note)}"
    for field, what in VIEWS:
        panel(s, plats, field, what)
    s += "unset multiplot"
    return render(s, out_dir, "tradeoff", "tradeoff", (1300, 1000))
