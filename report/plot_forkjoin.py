"""plots/forkjoin.svg: what one fork-join costs with each pool, a panel per
platform: back to back (`forkjoin`) and 1 ms after the last, threads asleep
(`forkjoin_spaced`), each median with its interval, against the same run's
spin and futex round trips. Only fork-joins every thread joined are drawn:
a call the caller ran alone is no fork-join cost."""
from plots import KEY, Script, categories, num, q, render, time_axis
from references import ROUND_TRIPS, round_trip
from vocab import FORKJOIN, FORKJOIN_SPACED, is_serial, label, not_joined

SERIES = ((FORKJOIN, "back to back", 7, "#1f77b4"), (FORKJOIN_SPACED, "1 ms apart (threads asleep)", 5, "#d62728"))
MODE_ORDER = {"warm": 0, "cold": 1, "default": 2}


def joined(p, scenario):
    return [m for m in p.find(scenario) if not is_serial(m) and not not_joined(m)]


def targets(p):
    """The panel's x axis: warm pools, then cold ones, then the runtimes."""
    ms = joined(p, FORKJOIN) + joined(p, FORKJOIN_SPACED)
    return sorted({label(m): MODE_ORDER.get(m["mode"], 3) for m in ms}.items(), key=lambda t: (t[1], t[0]))


def panel(s, p, names):
    s += KEY + "\nunset logscale x\nset ylabel 'time per fork-join'\nset xlabel ''"
    categories(s, names)
    refs = [round_trip(p, unit) for unit in ROUND_TRIPS]
    time_axis(s, [v for scen, *_ in SERIES for m in joined(p, scen) for v in (m["ci_lo"], m["ci_hi"])]
              + [v for v in refs if v])
    s += f"set title {q(p.name)}"
    parts = []
    for k, (scen, what, pt, rgb) in enumerate(SERIES):
        pts = [(names.index(label(m)) + (k - 0.5) * 0.25, m["median"], m["ci_lo"], m["ci_hi"])
               for m in joined(p, scen)]
        if pts:
            parts.append(f"{s.data(sorted(pts))} using 1:2:3:4 with yerrorbars pt {pt} ps 1.2 lc rgb {q(rgb)} "
                         f"title {q(what)}")
    for (unit, name), dash, v in zip(ROUND_TRIPS.items(), (2, 4), refs):
        if v and v > 0:
            parts.append(f"{num(v)} with lines dashtype {dash} lw 1.5 lc rgb 'gray40' title {q(name + ' (same run)')}")
    s += "plot " + ", \\\n  ".join(parts)
    s += "set xtics norotate autofreq\nset ytics autofreq\nset yrange [*:*]"


def forkjoin(run, out_dir):
    plats = [(p, [n for n, _ in targets(p)]) for p in run.values() if targets(p)]
    if not plats:
        return None
    rows = len(plats)
    s = Script()
    s += (f"set multiplot layout {rows},1 title "
          + q("Fork-join cost per pool (every thread joins): median and 95% interval; dashed: the same run's round trips"))
    for p, names in plats:
        panel(s, p, names)
    s += "unset multiplot"
    return render(s, out_dir, "forkjoin", "forkjoin", (1300, 60 + 360 * rows))
