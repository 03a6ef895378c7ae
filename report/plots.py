"""The report's plots: each function turns a run's records into one gnuplot
script (data inline as datablocks) and renders it to SVG and PNG. A plot with
no data for any platform returns None; panels without data are left out.
Here: the script builder and what every plot shares (the SVG terminal, the
legend outside the graph, a colour per backend), and the plots kept from the
first report; each question's own plot is a module of its own (plot_*.py)."""
import math
import os
import subprocess

import python_panel
from ratios import VIEWS as RATIO_VIEWS, ratios
from vocab import CONTROL, PY_SERIAL, PYODIDE, label, ns

SIZE = (1200, 820)
W0_AT = 30  # where W = 0 sits on the log axis
# Every panel's legend sits outside its graph, right of it: a legend inside
# covers points (the first report's, at small W), and which points it
# covers depends on the data. The test checks each panel sets this.
KEY = "set key outside right top vertical font ',8' samplen 2 spacing 1.0 nobox"
# A colour per backend, the same in every plot, so a pool is found by its
# colour across panels; anything else takes gnuplot's cycle.
COLOURS = {"spin": "#1f77b4", "futex": "#ff7f0e", "condvar": "#2ca02c", "atomic_wait": "#d62728",
           "adaptive": "#9467bd", "openmp": "#8c564b", "tbb": "#e377c2", "serial": "#000000"}
PLATFORM_COLOURS = {"native": "#1f77b4", "python": "#17becf", "node": "#2ca02c", "chrome": "#d62728",
                    "firefox": "#9467bd",
                    "pymport": "#7f7f7f", "pyodide-node": "#bcbd22", "pyodide-chrome": "#ff7f0e", "pyodide-firefox": "#8c564b"}
# Targets split by how their threads wait, a row of panels each: at most
# about six series a panel.
MODE_ROWS = (("warm", "warm pools"), ("cold", "cold pools"), ("default", "runtimes' own policy"))


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


def colour(backend, default=None):
    """A backend's colour as a gnuplot line colour ('' for the cycle)."""
    c = COLOURS.get(backend, default)
    return f" lc rgb {q(c)}" if c else ""


def render(script, out_dir, name, title, size=SIZE):
    """Writes NAME.gp and renders NAME.svg (with gnuplot's mouse script:
    a click on a legend entry hides its series) and NAME.png; returns the name."""
    os.makedirs(out_dir, exist_ok=True)
    gp = os.path.join(out_dir, name + ".gp")
    common = (f"set encoding utf8\nset title {q(title)} font ',13'\n"
              "set grid\nset termoption noenhanced\n")
    body = script.text()
    with open(gp, "w", encoding="utf-8") as f:
        f.write(body)
    for term, ext in ((f"svg size {size[0]},{size[1]} fixed mouse standalone font 'sans,10' "
                       "background rgb 'white'", "svg"),
                      (f"pngcairo size {size[0]},{size[1]} font 'sans,9' background rgb 'white'", "png")):
        # Run in out_dir: the script names only its own files, whatever the
        # folder is called (a newline there could not be said in gnuplot).
        prog = f"set terminal {term}\nset output {q(name + '.' + ext)}\n{common}{body}"
        r = subprocess.run(["gnuplot"], input=prog, text=True, capture_output=True, timeout=60, cwd=out_dir)
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


def grid(rows, cols, title):
    """(script, size) of a rows x cols layout filled row by row; a panel
    left empty is skipped with `set multiplot next`."""
    s = Script()
    s += f"set multiplot layout {rows},{cols} rowsfirst title {q(title)}"
    return s, (max(SIZE[0], 500 * cols), max(420, 330 * rows))


def time_axis(s, values, axis="y"):
    """A log time axis spanning values (all > 0 are kept) with a tic at each
    decade, written as the tables write times (1 us, not 1000)."""
    vs = [v for v in values if v > 0]
    lo, hi = (min(vs) / 1.6, max(vs) * 1.6) if vs else (1, 1e6)
    s += f"set logscale {axis}\nset {axis}range [{num(lo)}:{num(hi)}]"
    tics, d = [], 10 ** math.floor(math.log10(lo))
    steps = (1, 2, 5) if hi / lo < 100 else (1,)  # a narrow range gets tics between decades
    while d <= hi:
        tics += [f"{q(ns(d * k).replace('.00', ''))} {num(float(d * k))}" for k in steps if lo <= d * k <= hi]
        d *= 10
    s += f"set {axis}tics (" + ", ".join(tics) + ")"


def multiplot_next(s):
    s += "set multiplot next"


def fill_grid(s, rows, plats, pick, draw):
    """Every panel of a grid of mode rows by platforms (plats: a platform, or
    whatever stands for one), row by row: draw(p, pick(p, mode), what) where
    pick finds something, else the slot left empty; then the multiplot's end."""
    for mode, what in rows:
        for p in plats:
            picked = pick(p, mode)
            if picked:
                draw(p, picked, what)
            else:
                multiplot_next(s)
    s += "unset multiplot"


def mode_rows(targets):
    """MODE_ROWS that any of targets (records) falls in."""
    return [(mode, what) for mode, what in MODE_ROWS if any(m["mode"] == mode for m in targets)]


def by_target(measurements):
    out = {}
    for m in measurements:
        out.setdefault(label(m), []).append(m)
    return out


def with_interval(m, f):
    """(f(median), then f of the median interval's ends, low first): a figure
    derived from a time per call, with the error bar it inherits."""
    return (f(m["median"]),) + tuple(sorted((f(m["ci_lo"]), f(m["ci_hi"]))))


def python_series(s, run, rows):
    """A line per (platform, backend) of rows that the run measured."""
    parts = []
    for plat, backend, how in rows:
        ms = run[plat].find("grain", backend=backend) if plat in run else []
        if ms:
            pts = sorted((work_x(m["work_ns"]), m["median"], m["ci_lo"], m["ci_hi"]) for m in ms)
            dash = " dashtype 2" if plat.startswith("pyodide") else " dashtype 3" if plat == "pymport" else ""
            parts.append(f"{s.data(pts)} using 1:2:3:4 with yerrorlines{dash} title {q(f'{plat}: {backend} ({how})')}")
    return parts


def python(run, out_dir):
    """Python's ways to run N items of W: natively threads, one call into a C
    pool and serial (top); Pyodide, serial only as it has no threads, against
    native CPython's serial call (bottom)."""
    native = [r for r in python_panel.GRAIN_ROWS if r[0] not in PYODIDE]
    pyodide = [r for r in python_panel.GRAIN_ROWS if r[0] in PYODIDE]
    serial = [r for r in native if r[1] == PY_SERIAL]
    if not any(p in run for p in PYODIDE):
        return None
    s, size = grid(2, 1, "Python: time per call over N = 8P items against W")
    drawn = 0
    for title, rows in (("CPython, native and embedded in Node.js (pymport): threads, C pools, serial", native),
                        ("Pyodide (no threads) vs native CPython's serial call", pyodide + serial)):
        parts = python_series(s, run, rows)
        if not parts:
            multiplot_next(s)
            continue
        drawn += 1
        s += KEY
        work_axis(s, sweep(run))
        s += f"set logscale y\nset ylabel 'time per call (ns)'\nset title {q(title)}"
        s += "plot " + ", \\\n  ".join(parts)
    s += "unset multiplot"
    return render(s, out_dir, "python", "python", (SIZE[0], 900)) if drawn else None


def wasm_ratio(run, out_dir):
    data = ratios(run)
    if not data:
        return None
    views = [v for v, *_ in RATIO_VIEWS if any(d[0] == v for d in data)]
    plats = list(dict.fromkeys(d[2] for d in data))
    s = multiplot(len(views), 'Wasm / native ratio of medians, same run and machine (> 1: slower than native)')
    for v in views:
        tg = sorted({d[1] for d in data if d[0] == v})
        s += KEY + "\nset logscale y\nunset logscale x"
        s += "set ylabel 'wasm / native'\nset xlabel ''"
        categories(s, tg)
        s += f"set title {q(v)}"
        parts = []
        for k, plat in enumerate(plats):
            pts = [(tg.index(d[1]) + (k - (len(plats) - 1) / 2) * 0.4 / len(plats), d[3])
                   for d in data if d[0] == v and d[2] == plat]
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
        s += KEY + "\nunset logscale y\nset logscale x"
        s += "set xlabel 'time since pool_create (us)'\nset ylabel ''"
        s += "set ytics (" + ", ".join(f"{q(label(t))} {i}" for i, t in enumerate(tl)) + ") font ',8'"
        s += f"set yrange [-0.5:{len(tl) - 0.5}]\nset xrange [*:*]\nset xtics autofreq\nset title {q(p.name)}"
        pts = [(max(r / 1e3, 0.1), i) for i, t in enumerate(tl) for r in t["ready_ns"]]
        if not pts:
            continue
        s += f"plot {s.data(pts)} using 1:2 with points pt 7 ps 1.3 title 'worker ready'"
    s += "set ytics autofreq\nunset multiplot"
    return render(s, out_dir, "startup", "startup")


def comparison(pairs, out_dir):
    """pairs: [(platform, key label, old, new, gate key, why not compared)]:
    new/old per key of one machine (tables.compare_pairs)."""
    pairs = [x for x in pairs if not x[5]]
    if not pairs:
        return None
    plats = sorted({p for p, *_ in pairs})
    s = multiplot(len(plats), 'This run vs the baseline run: new / old median (> 1: slower now)')
    for plat in plats:
        ks = [(k, o, n) for p, k, o, n, *_ in pairs if p == plat and o > 0 and n > 0]
        s += KEY + "\nset logscale y\nunset logscale x\nset ylabel 'new / old'"
        categories(s, [k for k, _, _ in ks], font=7, angle=-45)
        s += f"set title {q(plat)}"
        pts = [(i, n / o) for i, (_, o, n) in enumerate(ks)]
        s += (f"plot {s.data(pts)} using 1:2 with points pt 7 ps 1.2 title 'new / old', "
              "1 with lines lc rgb 'black' dashtype 3 title 'unchanged'")
        s += "set xtics norotate autofreq"
    s += "unset multiplot"
    return render(s, out_dir, "comparison", "comparison")

