#!/usr/bin/env python3
"""make trend: each key's median and 95% interval over the commits in the
history store, a panel per family, a line per machine (a machine change is
a break, never joined), with the change points E-Divisive means finds in
each line (history/changepoints.py): size, p and the commits either side.

usage: python3 -m history.trend [--key GLOB] [--machine M] [--platform P]
                                [--history URL] [--out DIR] [--alpha A]

Writes DIR/trend.svg and trend.png (gnuplot; trend.gp is the script with its
data) and DIR/trend.md (the change points), and prints the change points.
DIR: --out, else the newest run's report/trend (results/latest). The
history: --history, else $HISTORY, else results/history.sqlite. Exit 1
when nothing in the history matches or the database fails, 2 on bad
options or a history that is missing or refused.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field

from history import changepoints, trend_plot  # trend_plot puts report/ on the path
import render_md  # noqa: E402
from document import Heading, Note, Plot, Table  # noqa: E402
from messages import OneLineParser, escaped, quoted, where  # noqa: E402
from verdict import WORK  # noqa: E402
from vocab import CONTROL, in_unit  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A trend tests every line it draws, often hundreds: at changepoints' 5% a
# flat history of 100 keys shows about 5 false changes, at 0.5% one in two
# such trends shows one. 999 shuffles resolve p to 0.001; a flat line stops
# after a few (changepoints.p_value), a real change costs all of them.
ALPHA = 0.005
PERMUTATIONS = 999
PANELS_MANY = 24  # more make a figure too tall to read: say how to draw fewer
HEADLINE = tuple(scenario for _, scenario, _ in WORK)  # the verdict's families
HEAD = ["machine", "platform", "key", "change", "p", "before", "after", "last commit before", "first commit after"]


@dataclass
class Line:
    """One (machine, platform, key): its rows in commit order, its changes."""
    machine: str
    platform: str
    family: str
    key: str
    unit: str
    rows: list = field(default_factory=list)
    changes: list = field(default_factory=list)


def lines_of(rows):
    """The Lines of Store.series() rows (already in commit order); a row
    without a median has nothing to draw."""
    out = {}
    for r in rows:
        if r["median"] is not None:
            k = (r["machine"], r["platform"], r["key"])
            out.setdefault(k, Line(r["machine"], r["platform"], r["family"], r["key"], r["unit"])).rows.append(r)
    return list(out.values())


def detect(lines, alpha, say=None):
    """Each line's change points; say(progress) every few seconds."""
    last = time.monotonic()
    for i, ln in enumerate(lines):
        ln.changes = changepoints.find([r["median"] for r in ln.rows], noisy=[bool(r["noisy"]) for r in ln.rows],
                                       alpha=alpha, permutations=PERMUTATIONS)
        if say and time.monotonic() - last > 5:
            say(f"trend: change points: {i + 1} of {len(lines)} lines")
            last = time.monotonic()


def fmt(v, unit):
    return in_unit(v, unit) if unit in ("ns", "cores") else f"{v:.4g} {unit}"


def change_rows(lines):
    """A row per change point (HEAD): the change lies after the last clean
    run before it and at or before the first run after it."""
    out = []
    for ln in lines:
        for c in ln.changes:
            before = next(r for r in reversed(ln.rows[:c.index]) if not r["noisy"])
            out.append([ln.machine, ln.platform, ln.key, f"{c.size:+.1%}", f"{c.p:.3f}", fmt(c.before_mean, ln.unit),
                        fmt(c.after_mean, ln.unit), before["commit"], ln.rows[c.index]["commit"]])
    return out


def change_blocks(lines, alpha):
    rows = change_rows(lines)
    how = (f"Change points by E-Divisive means in each line (permutation test, p <= {alpha:g}); a noisy figure "
           "is never one and moves none. change: after / before - 1 of the clean runs' means between "
           "neighbouring changes; the change came after the last commit before and by the first commit after.")
    if not rows:
        return [Note(f"No change point in {len(lines)} lines. " + how)]
    return [Table(HEAD, rows), Note(how)]


def markdown(blocks):
    return "\n\n".join("\n".join(render_md.lines(b)) for b in blocks if b.only in (None, "md")) + "\n"


def text_table(head, rows):
    """The table for a terminal: record text escaped, columns aligned."""
    cells = [[escaped(c) for c in r] for r in [head] + rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in cells)


def section_blocks(store, machine, out_dir, keys=None, name="history"):
    """The report's history section as document blocks (plot NAME.svg, .png
    in out_dir): keys, a set of (platform, key), else every key of the
    verdict's families; None when the history holds <= 1 run of machine."""
    rows = store.series(machine=machine)
    if len({r["run_id"] for r in rows}) <= 1:
        return None
    rows = [r for r in rows if ((r["platform"], r["key"]) in keys if keys is not None else r["family"] in HEADLINE)]
    lines = lines_of(rows)
    if not lines:
        return None
    detect(lines, ALPHA)
    trend_plot.draw(lines, out_dir, name, "The verdict's figures over the commits this machine measured "
                    "(median, 95% interval); circled: change points")
    note = ("The verdict's figures over the runs of this machine in the history, oldest commit first, with "
            "the change points found in each line.")
    return ([Heading(2, "History"), Plot(name, note, os.path.join(out_dir, name + ".svg"))]
            + change_blocks(lines, ALPHA))


def trend_section(store, machine, out_dir, keys=None):
    """section_blocks as Markdown, or None."""
    blocks = section_blocks(store, machine, out_dir, keys)
    return markdown(blocks) if blocks else None


def default_out():
    latest = os.path.join(ROOT, "results", "latest")
    return os.path.join(os.path.realpath(latest), "report", "trend") if os.path.isdir(latest) else None


def write(lines, out, alpha):
    """trend.svg, .png, .gp and trend.md into out, all or none: made in a
    folder beside them, then moved in."""
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".trend-", dir=out)
    try:
        panels = trend_plot.draw(lines, tmp, "trend", "Median and 95% interval over the commits, a line per "
                                 "machine; circled: change points (E-Divisive means)")
        with open(os.path.join(tmp, "trend.md"), "w", encoding="utf-8") as f:
            f.write(markdown([Heading(1, "Trend"), Note("![trend](trend.svg)")] + change_blocks(lines, alpha)))
        for f in os.listdir(tmp):
            os.replace(os.path.join(tmp, f), os.path.join(out, f))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return panels


def read(a):
    """The Lines a's filters select; raises LookupError(message, exit
    status) when the store is missing or unusable (its HistoryError's
    status: 2 refused, 1 the database failed)."""
    try:
        from history.errors import HistoryError
        from history.store import open_store
    except ImportError:
        raise LookupError("no history store here (history/store.py)", 2)
    try:
        store = open_store(a.history)
        try:
            return lines_of(store.series(machine=a.machine, key_glob=a.key, platform=a.platform))
        finally:
            store.close()
    except HistoryError as e:
        raise LookupError(str(e), getattr(e, "status", 2))


def main(argv=None):
    ap = OneLineParser(prog="trend", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--key", help="only keys matching this glob (fnmatch)")
    ap.add_argument("--machine", help="only this machine")
    ap.add_argument("--platform", help="only this platform")
    ap.add_argument("--history", help="the store: a SQLite file or postgresql:// URL")
    ap.add_argument("--out", help="the folder to write into (default: the newest run's report/trend)")
    ap.add_argument("--alpha", type=float, default=ALPHA, help=f"a change point's largest p (default {ALPHA})")
    a = ap.parse_args(argv)
    if not 0 < a.alpha < 1:
        ap.error("--alpha must lie between 0 and 1")
    out = a.out or default_out()
    if not out:
        print("trend: no run folder to write into (results/latest): give --out DIR (make trend RUN=DIR)",
              file=sys.stderr)
        return 2
    try:
        lines = read(a)
    except LookupError as e:
        print(f"trend: {CONTROL.sub('?', e.args[0])}", file=sys.stderr)
        return e.args[1]
    if not lines:
        asked = [f"{k} {quoted(v)}" for k, v in (("key", a.key), ("machine", a.machine), ("platform", a.platform)) if v]
        print(f"trend: nothing in the history matches {', '.join(asked) or 'at all'}", file=sys.stderr)
        return 1
    print(f"trend: {len(lines)} lines, {len({r['run_id'] for ln in lines for r in ln.rows})} runs", file=sys.stderr)
    detect(lines, a.alpha, lambda m: print(m, file=sys.stderr))
    n = len(trend_plot.panels(lines))
    print(f"trend: drawing {n} panels" + (" (KEY=, PLATFORM= or MACHINE= draw fewer)" if n > PANELS_MANY else ""),
          file=sys.stderr)
    panels = write(lines, out, a.alpha)
    rows = change_rows(lines)
    print(text_table(HEAD, rows) if rows else f"no change point in {len(lines)} lines (p <= {a.alpha:g})")
    print(f"trend: {where(os.path.join(out, 'trend.svg'))} ({panels} panels), {where(os.path.join(out, 'trend.md'))}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:
        print(f"trend: cannot write {where(e.filename) if e.filename else 'the trend'}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    except RuntimeError as e:  # gnuplot
        print(f"trend: {CONTROL.sub('?', str(e))}", file=sys.stderr)
        sys.exit(1)
