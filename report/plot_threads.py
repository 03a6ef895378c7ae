"""plots/threads.svg: what one fork-join costs as P grows (the forkjoin
thread sweep), a column per platform and a row per kind of pool (warm, cold,
runtimes' own), each median with its interval; a dashed line at the
platform's logical cores, right of which the threads outnumber the cores."""
from plots import KEY, colour, fill_grid, grid, mode_rows, num, q, render, time_axis
from thread_sweep import cores, series

CORES_LINE = "dashtype 2 lw 1.5 lc rgb 'gray30'"


def p_axis(s, ps, c):
    """A log2 P axis with a tic at each P measured and at the cores."""
    xs = sorted(set(ps) | ({c} if c else set()))
    s += "set logscale x 2"
    s += f"set xrange [{num(xs[0] / 1.4)}:{num(xs[-1] * 1.4)}]"
    s += "set xtics (" + ", ".join(f"{q(x)} {num(x)}" for x in xs) + ")"
    s += "set xlabel 'threads P, counting the caller (right of the dashed line: oversubscribed)'"


def panel(s, p, targets, what, c):
    """One platform's pools of one kind: a line each over P; the cores mark."""
    ps = [m["threads"] for rs in targets.values() for m in rs]
    s += KEY + "\nunset arrow\nset ylabel 'time per fork-join'"
    p_axis(s, ps, c)
    time_axis(s, [v for rs in targets.values() for m in rs for v in (m["ci_lo"], m["ci_hi"])])
    s += f"set title {q(f'{p.name}: {what}')}"
    parts = [f"{s.data([(m['threads'], m['median'], m['ci_lo'], m['ci_hi']) for m in rs])} using 1:2:3:4 "
             f"with yerrorlines pt 7 ps 0.8{colour(rs[0]['backend'])} title {q(t)}"
             for t, rs in sorted(targets.items())]
    if c:
        s += f"set arrow from first {num(c)}, graph 0 to first {num(c)}, graph 1 nohead {CORES_LINE}"
        parts.append(f"keyentry with lines {CORES_LINE} title {q(f'{c} logical cores')}")
    s += "plot " + ", \\\n  ".join(parts)
    s += "unset arrow\nset xtics autofreq\nset ytics autofreq\nset yrange [*:*]\nunset logscale x"


def threads(run, out_dir):
    plats = [(p, series(p)) for p in run.values()]
    plats = [(p, sw) for p, sw in plats if sw]
    if not plats:
        return None
    rows = mode_rows([rs[0] for _, sw in plats for rs in sw.values()])
    s, size = grid(len(rows), len(plats), "Fork-join cost against threads P (every thread joins): "
                   "median and 95% interval; dashed: the logical cores")
    fill_grid(s, rows, plats, lambda ps, mode: {t: rs for t, rs in ps[1].items() if rs[0]["mode"] == mode},
              lambda ps, targets, what: panel(s, ps[0], targets, what, cores(ps[0])))
    return render(s, out_dir, "threads", "threads", size)
