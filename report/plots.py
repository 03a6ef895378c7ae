"""The report's plots: each function turns a run's records into one gnuplot
script (data inline as datablocks) and renders it to SVG and PNG. A plot with
no data for any platform returns None; panels without data are left out."""
import math
import os
import subprocess

import python_panel
from ratios import VIEWS as RATIO_VIEWS, ratios
from references import ROUND_TRIPS, round_trip
from vocab import CONTROL, PYODIDE, WASM, is_serial, label, ns

SIZE = (1200, 820)
W0_AT = 30  # where W = 0 sits on the log axis


def q(s):
    """A gnuplot string literal that no text can break out of: single quotes
    (gnuplot runs `backquoted` text inside double quotes as a shell command),
    a quote doubled, and control characters (a newline would end the command
    and start another, e.g. a `!` shell line) replaced."""
    return "'" + CONTROL.sub("?", str(s)).replace("'", "''") + "'"


def num(v):
    """A number for a datablock or a plot command: only a finite number passes
    (records are checked by the contract; this keeps any other text out)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"not a finite number for a plot: {v!r:.40}")
    return repr(v) if isinstance(v, float) else str(v)


def layout(n):
    return (1, 1) if n == 1 else (1, 2) if n == 2 else (2, 2) if n <= 4 else (3, 2)


class Script:
    """Builds one gnuplot script: datablocks first, then plot commands."""

    def __init__(self):
        self.blocks, self.body, self.n = [], [], 0

    def data(self, rows):
        name = f"$d{self.n}"
        self.n += 1
        self.blocks.append(f"{name} << EOD\n" + "\n".join(" ".join(num(c) for c in r) for r in rows) + "\nEOD")
        return name

    def __iadd__(self, line):
        self.body.append(line)
        return self

    def text(self):
        return "\n".join(self.blocks + self.body) + "\n"


def render(script, out_dir, name, title):
    """Writes NAME.gp and renders NAME.svg and NAME.png; returns the name."""
    os.makedirs(out_dir, exist_ok=True)
    gp = os.path.join(out_dir, name + ".gp")
    common = (f"set encoding utf8\nset title {q(title)} font ',13'\n"
              "set grid\nset termoption noenhanced\n")
    body = script.text()
    with open(gp, "w", encoding="utf-8") as f:
        f.write(body)
    for term, ext in ((f"svg size {SIZE[0]},{SIZE[1]} fixed font 'sans,10' background rgb 'white'", "svg"),
                      (f"pngcairo size {SIZE[0]},{SIZE[1]} font 'sans,9' background rgb 'white'", "png")):
        prog = f"set terminal {term}\nset output {q(os.path.join(out_dir, name + '.' + ext))}\n{common}{body}"
        r = subprocess.run(["gnuplot"], input=prog, text=True, capture_output=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"gnuplot failed on {gp}: {r.stderr.strip().splitlines()[-1:]}")
    return name


def tick(w):
    return f"{w // 1000}k" if w >= 1000 else str(w)


def work_x(w):
    return W0_AT if w == 0 else w


def sweep(run):
    """The W of the run's grain sweeps: what its headers list, and any W a
    grain record has beyond that (whole numbers as ints: ticks read 1k, not 1.0k)."""
    ws = {w for p in run.values() for w in p.header["grain_work_ns"]}
    ws |= {m["work_ns"] for p in run.values() for m in p.find("grain")}
    return sorted(int(w) if float(w).is_integer() else w for w in ws)


def work_axis(s, ws):
    """A log W axis with a tick at each W of the sweep; W = 0 sits at W0_AT."""
    s += "set logscale x\n" + f"set xrange [{W0_AT * 0.8}:{ws[-1] * 1.25}]"
    s += "set xtics (" + ", ".join(f'"{tick(w)}" {work_x(w)}' for w in ws) + ")"
    s += "set xlabel 'work per item W (ns)'"


def categories(s, names, font=8, angle=-30):
    """A categorical x axis: one tic per name at 0, 1, 2, ..."""
    s += f"set xtics rotate by {angle} font ',{font}'"
    s += "set xtics (" + ", ".join(f"{q(n)} {i}" for i, n in enumerate(names)) + ")"
    s += f"set xrange [-0.5:{len(names) - 0.5}]"


def multiplot(n, title):
    """A script with an n-panel layout under one title."""
    s = Script()
    rows, cols = layout(n)
    s += f"set multiplot layout {rows},{cols} title {q(title)}"
    return s


def by_target(measurements):
    out = {}
    for m in measurements:
        out.setdefault(label(m), []).append(m)
    return out


def with_interval(m, f):
    """(f(median), then f of the median interval's ends, low first): a figure
    derived from a time per call, with the error bar it inherits."""
    return (f(m["median"]),) + tuple(sorted((f(m["ci_lo"]), f(m["ci_hi"]))))


def grain_panels(run, out_dir, name, title, ylabel, logy, value, extra, floor=None):
    """One panel per platform over the grain sweep: a line per target of
    value(measurement) = (y, low, high), drawn with its error bars, plus
    extra(script, platform, (W, y) points by target). floor (log axes of
    values that can be <= 0): such points are drawn at floor, open and
    labelled as what they are, never as a tiny positive value."""
    plats = [p for p in run.values() if p.find("grain")]
    if not plats:
        return None
    ws = sweep(run)
    s = multiplot(len(plats), title)
    for p in plats:
        s += "set key inside top left font ',7' box opaque samplen 2 spacing 0.9"
        work_axis(s, ws)
        s += ("set logscale y" if logy else "unset logscale y") + f"\nset ylabel {q(ylabel)}"
        s += f"set title {q(p.name)}"
        parts, series = [], {}
        for tgt, ms in sorted(by_target(p.find("grain")).items()):
            if is_serial(ms[0]):
                continue
            pts = sorted((work_x(m["work_ns"]),) + value(m) for m in ms)
            series[tgt] = [pt[:2] for pt in pts]
            if floor is not None:
                low = [(x, floor) for x, y, _, _ in pts if y <= 0]
                pts = [(x, y, max(lo, floor), max(hi, floor)) for x, y, lo, hi in pts if y > 0]
                if low:
                    parts.append(f"{s.data(low)} using 1:2 with points pt 8 ps 1.3 "
                                 f"title {q(tgt + ': <= 0 (drawn at ' + ns(floor) + ')')}")
            if pts:
                parts.append(f"{s.data(pts)} using 1:2:3:4 with yerrorlines title {q(tgt)}")
        parts += extra(s, p, series)
        s += "plot " + ", \\\n  ".join(parts)
    s += "unset multiplot"
    return render(s, out_dir, name, name)


def overhead(run, out_dir):
    def refs(s, p, series):
        out = []
        for unit, name in ROUND_TRIPS.items():
            v = round_trip(p, unit)
            if v:
                out.append(f"{num(v)} with lines dashtype 2 lw 2 title {q(name + ' (same run)')}")
        return out
    return grain_panels(run, out_dir, "overhead",
                        "Overhead per call vs work per item (N = 8P items; overhead = time - "
                        "the same run's serial time / P)",
                        "overhead per call (ns)", True, overhead_ns, refs, floor=OVERHEAD_FLOOR)


OVERHEAD_FLOOR = 10.0  # ns: where an overhead <= 0 is drawn (marked) on the log axis


def overhead_ns(m):
    """Overhead = time - ideal (the same run's serial time / P), at the
    median and at its interval's ends; <= 0 when the call ran no slower."""
    ideal = m["median"] - m.get("overhead_ns", 0)
    return with_interval(m, lambda t: t - ideal)


def speedup(run, out_dir):
    def breakeven(s, p, series):
        marks = [next((w, 1.0) for w, sp in pts if sp >= 1) for pts in series.values()
                 if any(sp >= 1 for _, sp in pts)]
        out = ["1 with lines lc rgb 'black' dashtype 3 title 'break-even (speedup 1)'"]
        if marks:
            out.append(f"{s.data(marks)} using 1:2 with points pt 6 ps 2.5 lc rgb 'red' title 'break-even W'")
        return out
    return grain_panels(run, out_dir, "speedup",
                        "Speedup over serial vs work per item (markers: break-even W, the first W with speedup >= 1)",
                        "speedup (serial time / parallel time)", False, speedup_of, breakeven)


def speedup_of(m):
    """Speedup = serial / time, at the median and at its interval's ends."""
    serial = m.get("speedup", 0) * m["median"]
    return with_interval(m, lambda t: serial / t if t > 0 else 0)


def python(run, out_dir):
    """Python's ways to run N items of W: native threads, one call into a C
    pool, serial, and Pyodide (serial only: it has no threads)."""
    parts, s = [], Script()
    for plat, backend, how in python_panel.GRAIN_ROWS:
        ms = run[plat].find("grain", backend=backend) if plat in run else []
        if ms:
            pts = sorted((work_x(m["work_ns"]), m["median"], m["ci_lo"], m["ci_hi"]) for m in ms)
            dash = " dashtype 2" if plat.startswith("pyodide") else ""
            parts.append(f"{s.data(pts)} using 1:2:3:4 with yerrorlines{dash} title {q(f'{plat}: {backend} ({how})')}")
    if not any(p in run for p in PYODIDE) or not parts:
        return None
    s += "set key inside top left font ',8' box opaque samplen 2 spacing 0.9"
    work_axis(s, sweep(run))
    s += "set logscale y\nset ylabel 'time per call over N = 8P items (ns)'"
    s += "plot " + ", \\\n  ".join(parts)
    return render(s, out_dir, "python", "Python: native CPython (threads, C pools, serial) vs Pyodide (serial), per W")


def latency(run, out_dir):
    plats = [p for p in run.values() if p.find("latency")]
    if not plats:
        return None
    s = multiplot(len(plats), 'Single-call dispatch latency percentiles (open markers: limited by the timer step, drawn at the step)')
    for p in plats:
        ms = sorted(p.find("latency"), key=label)
        step = p.call_step_ns() or 1
        s += "set key inside top left font ',7' box opaque samplen 2 spacing 0.9\nset logscale y\nunset logscale x"
        s += "set ylabel 'latency per call (ns)'\nset xlabel ''"
        categories(s, [label(m) for m in ms])
        s += f"set title {q(p.name)}"
        parts = []
        for k, (field, pt) in enumerate((("p50", 7), ("p90", 5), ("p99", 9), ("p999", 11))):
            ok, limited = [], []
            for i, m in enumerate(ms):
                v = m.get(field, 0)
                x = i + (k - 1.5) * 0.12
                (limited if v < 2 * step else ok).append((x, max(v, step)))
            name = "p99.9" if field == "p999" else field
            if ok:
                parts.append(f"{s.data(ok)} using 1:2 with points pt {pt} ps 1.3 lc {k + 1} title {q(name)}")
            if limited:
                parts.append(f"{s.data(limited)} using 1:2 with points pt {pt - 1} ps 1.3 lc {k + 1} "
                             f"title {q(name + ' (timer-limited)')}")
        parts.append(f"{num(step)} with lines dashtype 2 lc rgb 'gray' title 'timer step'")
        s += "plot " + ", \\\n  ".join(parts)
        s += "set xtics norotate autofreq"
    s += "unset multiplot"
    return render(s, out_dir, "latency", "latency")


def wasm_ratio(run, out_dir):
    data = ratios(run)
    if not data:
        return None
    views = [v for v, *_ in RATIO_VIEWS if any(d[0] == v for d in data)]
    s = multiplot(len(views), 'Wasm / native ratio of medians, same run (> 1: slower than native)')
    for v in views:
        tg = sorted({d[1] for d in data if d[0] == v})
        s += "set key inside top left font ',7' box opaque samplen 2 spacing 0.9\nset logscale y\nunset logscale x"
        s += "set ylabel 'wasm / native'\nset xlabel ''"
        categories(s, tg)
        s += f"set title {q(v)}"
        parts = []
        for k, plat in enumerate(WASM):
            pts = [(tg.index(d[1]) + (k - 0.5) * 0.2, d[3]) for d in data if d[0] == v and d[2] == plat]
            if pts:
                parts.append(f"{s.data(pts)} using 1:2 with points pt {7 + 2 * k} ps 1.4 title {q(plat)}")
        parts.append("1 with lines lc rgb 'black' dashtype 3 title 'native'")
        s += "plot " + ", \\\n  ".join(parts)
        s += "set xtics norotate autofreq"
    s += "unset multiplot"
    return render(s, out_dir, "wasm_ratio", "wasm ratio")


def startup(run, out_dir):
    plats = [p for p in run.values() if p.timelines]
    if not plats:
        return None
    s = multiplot(len(plats), 'Thread start-up: each worker ready, time since pool_create (median of repetitions)')
    for p in plats:
        tl = p.timelines
        s += "set key inside bottom right font ',7' box opaque\nunset logscale y\nset logscale x"
        s += "set xlabel 'time since pool_create (us)'\nset ylabel ''"
        s += "set ytics (" + ", ".join(f"{q(label(t))} {i}" for i, t in enumerate(tl)) + ") font ',8'"
        s += f"set yrange [-0.5:{len(tl) - 0.5}]\nset xrange [*:*]\nset xtics autofreq\nset title {q(p.name)}"
        pts = [(max(r / 1e3, 0.1), i) for i, t in enumerate(tl) for r in t["ready_ns"]]
        if not pts:
            continue
        s += f"plot {s.data(pts)} using 1:2 with points pt 7 ps 1.3 title 'worker ready'"
    s += "set ytics autofreq\nunset multiplot"
    return render(s, out_dir, "startup", "startup")


def idle(run, out_dir):
    plats = [p for p in run.values() if p.find("idle_cpu")]
    if not plats:
        return None
    s = multiplot(len(plats), 'CPU burnt while the pool sits idle (share of one core), warm vs cold')
    for p in plats:
        ms = p.find("idle_cpu")
        backends = sorted({m["backend"] for m in ms})
        s += "set key inside top left font ',7' box opaque samplen 2 spacing 0.9\nunset logscale\nset ylabel 'CPU (% of a core)'\nset xlabel ''"
        categories(s, backends)
        s += f"set yrange [0:*]\nset title {q(p.name)}"
        s += "set style fill solid 0.6 border -1\nset boxwidth 0.25"
        parts = []
        for k, mode in enumerate(("warm", "cold", "default")):
            pts = [(backends.index(m["backend"]) + (k - 1) * 0.27, m["median"] * 100, m["ci_lo"] * 100,
                    m["ci_hi"] * 100) for m in ms if m["mode"] == mode]
            if pts:
                d = s.data(pts)
                parts.append(f"{d} using 1:2 with boxes lc {k + 1} title {q(mode)}")
                parts.append(f"{d} using 1:2:3:4 with yerrorbars lc rgb 'black' pt -1 notitle")
        s += "plot " + ", \\\n  ".join(parts)
        s += "set xtics norotate autofreq\nset yrange [*:*]"
    s += "unset multiplot"
    return render(s, out_dir, "idle_cpu", "idle cpu")


def comparison(pairs, out_dir):
    """pairs: [(platform, key label, old, new)]: new/old per key."""
    if not pairs:
        return None
    plats = sorted({p for p, *_ in pairs})
    s = multiplot(len(plats), 'This run vs the baseline run: new / old median (> 1: slower now)')
    for plat in plats:
        ks = [(k, o, n) for p, k, o, n in pairs if p == plat and o > 0 and n > 0]
        s += "set key inside top left font ',7' box opaque samplen 2 spacing 0.9\nset logscale y\nunset logscale x\nset ylabel 'new / old'"
        categories(s, [k for k, _, _ in ks], font=7, angle=-45)
        s += f"set title {q(plat)}"
        pts = [(i, n / o) for i, (_, o, n) in enumerate(ks)]
        s += (f"plot {s.data(pts)} using 1:2 with points pt 7 ps 1.2 title 'new / old', "
              "1 with lines lc rgb 'black' dashtype 3 title 'unchanged'")
        s += "set xtics norotate autofreq"
    s += "unset multiplot"
    return render(s, out_dir, "comparison", "comparison")

