"""plots/latency.svg: how long one call takes, typically and at the tail:
each pool's percentile ladder (p50, p90, p99, p99.9 of 10^4 single calls),
a column per platform and a row per kind of pool. Below two steps of the
clock that timed the calls (shaded) a figure says more about the clock than
the pool: those points are hollow."""
from plots import KEY, colour, fill_grid, grid, mode_rows, num, q, render, time_axis
from vocab import is_serial, label

LADDER = (("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p999", "p99.9"))
LIMITED_STEPS = 2  # a percentile within this many clock steps is limited by the clock


def panel(s, p, ms, what, serial):
    step = p.call_step_ns() or 1
    s += KEY + "\nunset logscale x\nset ylabel 'time per call'\nset xlabel 'percentile of single calls'"
    s += f"set title {q(f'{p.name}: {what}')}"
    s += "set xrange [-0.3:3.3]\nset xtics (" + ", ".join(f"{q(n)} {i}" for i, (_, n) in enumerate(LADDER)) + ")"
    time_axis(s, [m.get(f, 0) for m in ms + serial for f, _ in LADDER] + [step / 2, LIMITED_STEPS * step])
    s += (f"set object 1 rect from graph 0, graph 0 to graph 1, first {num(LIMITED_STEPS * step)} "
          "behind fc rgb 'gray85' fillstyle solid 1.0 noborder")
    parts = [f"keyentry with boxes fc rgb 'gray85' fillstyle solid 1.0 title {q(f'< {LIMITED_STEPS} clock steps')}"]
    for m in sorted(ms, key=label) + serial:
        # A call shorter than one step reads 0: drawn inside the band, at half a step.
        pts = [(i, max(m.get(f, 0), step / 2)) for i, (f, _) in enumerate(LADDER)]
        ok = [pt for pt in pts if pt[1] >= LIMITED_STEPS * step]
        low = [pt for pt in pts if pt[1] < LIMITED_STEPS * step]
        lc = colour(m["backend"])
        dash = " dashtype 2" if is_serial(m) else ""
        name = label(m) + (" (caller alone)" if is_serial(m) else "")
        parts.append(f"{s.data(pts)} using 1:2 with lines lw 1.5{dash}{lc} title {q(name)}")
        if ok:
            parts.append(f"{s.data(ok)} using 1:2 with points pt 7 ps 1{lc} notitle")
        if low:
            parts.append(f"{s.data(low)} using 1:2 with points pt 6 ps 1.2{lc} notitle")
    s += "plot " + ", \\\n  ".join(parts)
    s += "unset object 1\nset ytics autofreq\nset yrange [*:*]"


def latency(run, out_dir):
    plats = [p for p in run.values() if any(not is_serial(m) for m in p.find("latency"))]
    if not plats:
        return None
    rows = mode_rows([m for p in plats for m in p.find("latency") if not is_serial(m)])
    s, size = grid(len(rows), len(plats), "Single-call latency: percentile ladder per pool "
                   "(hollow: within 2 steps of the clock that timed the calls, shaded; 0 drawn at half a step)")
    fill_grid(s, rows, plats, lambda p, mode: [m for m in p.find("latency", mode=mode) if not is_serial(m)],
              lambda p, ms, what: panel(s, p, ms, what, [m for m in p.find("latency") if is_serial(m)]))
    return render(s, out_dir, "latency", "latency", size)
