"""Several runs in one report: each run's platforms laid side by side under
a name that tells them apart (machine, platform and browser version, and
the start where runs share both), and, for the runs of one machine, each
headline figure over the runs in the order they were made (the trend view)."""
import machines
from plots import KEY, PLATFORM_COLOURS, Script, categories, layout, q, render, time_axis
from verdict import WORK, choose
from vocab import ordered, plain

LINE_TYPES = (7, 5, 9)  # a marker per kind of work


def header(run):
    """The first header of a run: what the run's label is made of."""
    return next(iter(run.values())).header


def labels(runs):
    """A short label per run (the trend's axis): its commit, and its start
    where commits repeat."""
    hs = [header(r) for _, r in runs]
    commits = [plain(h.get("git_commit", "?"))[:7] for h in hs]
    return [c if commits.count(c) == 1 else f"{c} {start(h)}" for c, h in zip(commits, hs)]


def start(h):
    """A header's start time to the minute: '2026-12-01 10:00'."""
    return plain(h.get("start_time", "?"))[:16].replace("T", " ")


def side_by_side(runs):
    """One {name: Platform} of every run's platforms, each named by its
    machine and platform ('EPYC 7B13 ×2 · chrome 156'); where two runs share
    both, by their start too, then a number."""
    plats = [p for _, run in runs for p in run.values()]
    called = machines.names(p.machine for p in plats)
    names = [f"{called[p.machine]} · {machines.platform_label(p.header)}" for p in plats]
    names = [n if names.count(n) == 1 else f"{n} · {start(p.header)}" for n, p in zip(names, plats)]
    merged = {}
    for n, p in zip(names, plats):
        p.name = n
        for k in range(2, len(plats) + 2):
            if p.name not in merged:
                break
            p.name = f"{n} #{k}"
        merged[p.name] = p
    return merged


def in_order(runs):
    """The runs by their start time (the order their commits were measured in)."""
    return sorted(runs, key=lambda r: header(r[1]).get("start_time", ""))


def trend(runs, out_dir):
    """plots/trend.svg: per platform and machine measured in two runs or
    more, the verdict's figures (the chosen pool's median and interval) of
    each kind of work over the runs in order (a panel never mixes machines);
    None when no platform has two runs on one machine."""
    runs = in_order(runs)
    names = labels(runs)
    called = machines.names(p.machine for _, r in runs for p in r.values())
    series = {}  # (machine, platform) -> [(work, [(run index, median, lo, hi)])]
    for plat in ordered({p: 0 for _, r in runs for p in r}):
        for mach in dict.fromkeys(r[plat].machine for _, r in runs if plat in r):
            group = [(i, r[plat]) for i, (_, r) in enumerate(runs) if plat in r and r[plat].machine == mach]
            lines = []
            for work, scen, _ in WORK:
                pts = [(i,) + tuple(f[0]["use"][k] for k in ("median", "ci_lo", "ci_hi"))
                       for i, p in group for f in [choose(p, scen)] if f[0] and f[0].get("use")]
                if len(pts) >= 2:
                    lines.append((work, pts))
            if lines:
                series[(mach, plat)] = lines
    if not series:
        return None
    rows, cols = layout(len(series))
    s = Script()
    s += f"set multiplot layout {rows},{cols} title {q('Trend: the verdict figures over the runs, oldest first (median, 95% interval)')}"
    for (mach, plat), lines in series.items():
        s += KEY + "\nunset logscale x\nset ylabel 'cost of the chosen pool'\nset xlabel 'run'"
        categories(s, names, angle=-20)
        time_axis(s, [v for _, pts in lines for pt in pts for v in pt[1:]])
        s += f"set title {q(f'{called[mach]} · {plat}')}"
        s += "plot " + ", \\\n  ".join(
            f"{s.data(pts)} using 1:2:3:4 with yerrorlines pt {pt} ps 1.2 lc rgb {q(PLATFORM_COLOURS.get(plat, '#444444'))} "
            f"dashtype {k + 1} title {q(work)}" for k, ((work, pts), pt) in enumerate(zip(lines, LINE_TYPES)))
        s += "set xtics norotate autofreq\nset ytics autofreq\nset yrange [*:*]"
    s += "unset multiplot"
    return render(s, out_dir, "trend", "trend", (1300, 60 + 420 * rows))
