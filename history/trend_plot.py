"""The trend plot: each key's median and 95% interval over the runs in
commit order, a panel per family (the scenario), at most SERIES_MAX lines a
panel (a family with more goes on in further panels). A line is one
(platform, key, machine): a machine change starts a new line, never joined
to the last machine's points. Change points are circled, noisy figures
drawn hollow. Drawn with the report's gnuplot helpers (report/plots.py):
data in datablocks, every record string through plots.q."""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "report"))
from plots import KEY, Script, q, render, time_axis  # noqa: E402

SERIES_MAX = 6
TICKS_MAX = 12  # commit labels on the x axis; more runs label every k-th
PANEL = (950, 430)  # a panel's share of the figure, in pixels


def panels(lines):
    """[(title, [Line])]: the lines by family, SERIES_MAX to a panel."""
    families = {}
    for ln in lines:
        families.setdefault(ln.family, []).append(ln)
    out = []
    for family, ls in sorted(families.items()):
        parts = [ls[i:i + SERIES_MAX] for i in range(0, len(ls), SERIES_MAX)]
        out += [(family if len(parts) == 1 else f"{family} ({k + 1}/{len(parts)})", part)
                for k, part in enumerate(parts)]
    return out


def positions(lines):
    """({run_id: x}, [tick label]): every run once, by commit time, then start."""
    runs = {r["run_id"]: r for ln in lines for r in ln.rows}
    order = sorted(runs.values(), key=lambda r: (r["commit_time"] or r["start_time"], r["start_time"], r["run_id"]))
    ticks = [str(r["commit"])[:7] + ("+" if r["dirty"] else "") for r in order]
    return {r["run_id"]: x for x, r in enumerate(order)}, ticks


def x_axis(s, ticks):
    every = math.ceil(len(ticks) / TICKS_MAX)
    s += f"set xrange [-0.5:{len(ticks) - 0.5}]\nset xtics rotate by -45 font ',8'"
    s += "set xtics (" + ", ".join(f"{q(t)} {x}" for x, t in enumerate(ticks) if x % every == 0) + ")"
    s += "set xlabel 'commit (+: uncommitted changes), oldest first'"


def y_axis(s, lines):
    units = {ln.unit for ln in lines}
    vals = [v for ln in lines for r in ln.rows for v in (r["median"], r["lo"], r["hi"]) if v is not None]
    if units == {"ns"} and vals and min(vals) > 0:
        time_axis(s, vals)
        s += "set ylabel 'median per call'"
    else:
        s += "unset logscale y\nset yrange [*:*]\nset ytics autofreq"
        s += f"set ylabel {q(', '.join(sorted(units)))}"


def panel(s, title, lines, xs, machines):
    s += KEY + "\nunset logscale x"
    y_axis(s, lines)
    s += f"set title {q(title)}"
    parts = []
    for i, ln in enumerate(lines):
        pts = [(xs[r["run_id"]], r["median"], r["lo"] if r["lo"] is not None else r["median"],
                r["hi"] if r["hi"] is not None else r["median"]) for r in ln.rows]
        name = f"{ln.platform} {ln.key}" + (f" @ {ln.machine}" if machines > 1 else "")
        parts.append(f"{s.data(pts)} using 1:2:3:4 with yerrorlines pt 7 ps 0.6 lc {i + 1} title {q(name)}")
    noisy = [(xs[r["run_id"]], r["median"]) for ln in lines for r in ln.rows if r["noisy"]]
    if noisy:
        parts.append(f"{s.data(noisy)} using 1:2 with points pt 4 ps 1.5 lc rgb 'gray40' "
                     "title 'noisy (never a change point)'")
    cps = [(xs[ln.rows[c.index]["run_id"]], ln.rows[c.index]["median"]) for ln in lines for c in ln.changes]
    if cps:
        parts.append(f"{s.data(cps)} using 1:2 with points pt 6 ps 2.5 lw 2 lc rgb 'black' "
                     "title 'change point: first run after'")
    s += "plot " + ", \\\n  ".join(parts)


def draw(lines, out_dir, name, title):
    """NAME.svg, .png (and .gp, the script) in out_dir; the number of panels."""
    groups = panels(lines)
    xs, ticks = positions(lines)
    machines = len({ln.machine for ln in lines})
    cols = 1 if len(groups) == 1 else 2
    rows = math.ceil(len(groups) / cols)
    s = Script()
    s += f"set multiplot layout {rows},{cols} rowsfirst title {q(title)}"
    x_axis(s, ticks)
    for t, ls in groups:
        panel(s, t, ls, xs, machines)
    s += "unset multiplot"
    render(s, out_dir, name, title, (PANEL[0] * cols, 60 + PANEL[1] * rows))
    return len(groups)

