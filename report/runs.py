"""Several runs in one report: each run's platforms laid side by side under
a label that tells them apart (commit, machine, browser, start), and, for
the runs of one machine, each headline figure over the runs in the order
they were made (the trend view)."""
from plots import KEY, PLATFORM_COLOURS, Script, categories, layout, q, render, time_axis
from verdict import WORK, choose
from vocab import ordered, plain

LINE_TYPES = (7, 5, 9)  # a marker per kind of work


def header(run):
    """The first header of a run: what the run's label is made of."""
    return next(iter(run.values())).header


def machine(p):
    return f"{plain(p.header.get('cpu_model') or 'unknown CPU')} x{p.header.get('logical_cores')}"


def labels(runs):
    """A short label per run: its commit, and its start where commits repeat;
    the machine where the runs span several."""
    hs = [header(r) for _, r in runs]
    commits = [plain(h.get("git_commit", "?"))[:7] for h in hs]
    out = [c if commits.count(c) == 1 else f"{c} {plain(h.get('start_time', ''))[:16]}" for c, h in zip(commits, hs)]
    machines = [machine(next(iter(r.values()))) for _, r in runs]
    if len(set(machines)) > 1:
        out = [f"{o}, {m}" for o, m in zip(out, machines)]
    return out


def side_by_side(runs):
    """One {platform label: Platform} of every run: 'native @ abc1234'
    (Chromium's with its browser version)."""
    merged = {}
    for (_, run), lab in zip(runs, labels(runs)):
        for name, p in run.items():
            browser = f", {plain(p.header['browser'])}" if p.header.get("browser") else ""
            p.name = f"{name} @ {lab}{browser}"
            merged[p.name] = p
    return merged


def in_order(runs):
    """The runs by their start time (the order their commits were measured in)."""
    return sorted(runs, key=lambda r: header(r[1]).get("start_time", ""))


def trend(runs, out_dir):
    """plots/trend.svg: per platform of one machine measured in two runs or
    more, the verdict's figures (the chosen pool's median and interval) of
    each kind of work over the runs in order; None when no platform has two."""
    runs = in_order(runs)
    names = labels(runs)
    series = {}  # platform -> [(work, [(run index, median, lo, hi)])]
    for plat in ordered({p: 0 for _, r in runs for p in r}):
        group = [(i, r[plat]) for i, (_, r) in enumerate(runs) if plat in r]
        if len(group) < 2 or len({machine(p) for _, p in group}) > 1:
            continue
        lines = []
        for work, scen, _ in WORK:
            pts = [(i,) + tuple(f[0]["use"][k] for k in ("median", "ci_lo", "ci_hi"))
                   for i, p in group for f in [choose(p, scen)] if f[0] and f[0].get("use")]
            if len(pts) >= 2:
                lines.append((work, pts))
        if lines:
            series[plat] = lines
    if not series:
        return None
    rows, cols = layout(len(series))
    s = Script()
    s += f"set multiplot layout {rows},{cols} title {q('Trend: the verdict figures over the runs, oldest first (median, 95% interval)')}"
    for plat, lines in series.items():
        s += KEY + "\nunset logscale x\nset ylabel 'cost of the chosen pool'\nset xlabel 'run'"
        categories(s, names, angle=-20)
        time_axis(s, [v for _, pts in lines for pt in pts for v in pt[1:]])
        s += f"set title {q(plat)}"
        s += "plot " + ", \\\n  ".join(
            f"{s.data(pts)} using 1:2:3:4 with yerrorlines pt {pt} ps 1.2 lc rgb {q(PLATFORM_COLOURS.get(plat, '#444444'))} "
            f"dashtype {k + 1} title {q(work)}" for k, ((work, pts), pt) in enumerate(zip(lines, LINE_TYPES)))
        s += "set xtics norotate autofreq\nset ytics autofreq\nset yrange [*:*]"
    s += "unset multiplot"
    return render(s, out_dir, "trend", "trend", (1300, 60 + 420 * rows))
