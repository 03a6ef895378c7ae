"""plots/speedup.svg: where parallelism starts to pay. Speedup over the same
run's serial time against work per item, a column per platform and a row
per kind of pool (warm, cold, runtimes' own), each point with the interval
its median carries; break-even (speedup 1) marked where each pool crosses it."""
from plots import KEY, colour, fill_grid, grid, mode_rows, q, render, sweep, with_interval, work_axis, work_x
from vocab import is_serial, label


def speedup_of(m):
    """Speedup = serial / time, at the median and at its interval's ends."""
    serial = m.get("speedup", 0) * m["median"]
    return with_interval(m, lambda t: serial / t if t > 0 else 0)


def panel(s, p, ms, what):
    """One platform's pools of one kind: a line each, the break-even marks."""
    s += KEY + "\nunset logscale y\nset ylabel 'speedup (serial / parallel)'"
    s += f"set title {q(f'{p.name}: {what}')}"
    parts, marks = [], []
    by = {}
    for m in ms:
        by.setdefault(label(m), []).append(m)
    for tgt, rs in sorted(by.items()):
        pts = sorted((work_x(m["work_ns"]),) + speedup_of(m) for m in rs)
        parts.append(f"{s.data(pts)} using 1:2:3:4 with yerrorlines pt 7 ps 0.7{colour(rs[0]['backend'])} title {q(tgt)}")
        first = next((x for x, y, _, _ in pts if y >= 1), None)
        if first is not None:
            marks.append((first, 1.0))
    parts.append("1 with lines lc rgb 'black' dashtype 3 title 'speedup 1'")
    if marks:
        parts.append(f"{s.data(marks)} using 1:2 with points pt 6 ps 2.2 lc rgb 'black' title 'break-even W'")
    s += "plot " + ", \\\n  ".join(parts)


def speedup(run, out_dir):
    plats = [p for p in run.values() if any(not is_serial(m) and m["mode"] != "default" for m in p.find("grain"))]
    if not plats:
        return None
    rows = mode_rows([m for p in plats for m in p.find("grain") if not is_serial(m)])
    s, size = grid(len(rows), len(plats), "Speedup over serial vs work per item W (N = 8P items; "
                   "circles: break-even, the first W with speedup >= 1)")
    ws = sweep(run)
    def draw(p, ms, what):
        work_axis(s, ws)
        panel(s, p, ms, what)
    fill_grid(s, rows, plats, lambda p, mode: [m for m in p.find("grain", mode=mode) if not is_serial(m)], draw)
    return render(s, out_dir, "speedup", "speedup", size)
