#!/usr/bin/env python3
"""poolbench report: plots, tables and findings from a run's records.

usage: report.py RUN_DIR[,RUN_DIR...] [--baseline OLD_RUN_DIR] [--out DIR]

Reads only NDJSON records (RUN_DIR/*.ndjson: native, python, node, chrome,
whichever exist) and writes RUN_DIR/report/ (or DIR): index.html (one
self-contained file, plots embedded), plots/*.svg and *.png (gnuplot), and
summary.md (for CI logs and pull requests). With --baseline, adds old-vs-new
columns and a ratio plot. Several runs (comma-separated: other machines,
browsers or commits) are laid side by side, each platform named by its
machine and platform ('EPYC 7B13 ×2 · chrome 156'; the start where runs
share both), with a verdict per machine, the runs' figures against each
other (no ratio across machines: N/A) and their trend on each machine.
Exit 2 with a one-line error on unusable input.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import across  # noqa: E402
import plot_forkjoin  # noqa: E402
import plot_latency  # noqa: E402
import plot_speedup  # noqa: E402
import plot_threads  # noqa: E402
import thread_sweep  # noqa: E402
import plot_tradeoff  # noqa: E402
import gate_verdicts  # noqa: E402
import history_view  # noqa: E402
import plots  # noqa: E402
import machines  # noqa: E402
import python_panel  # noqa: E402
import run_model  # noqa: E402
import render_html  # noqa: E402
import render_md  # noqa: E402
import runs as several  # noqa: E402
import tables  # noqa: E402
import verdict  # noqa: E402
from document import Document, Findings, Heading, Note, Plot, Table  # noqa: E402
from findings import findings  # noqa: E402
from messages import OneLineParser, where  # noqa: E402
from vocab import ordered  # noqa: E402

# One question per plot, in the order the page shows them; the file names
# (plots/NAME.svg and .png) are fixed so that users can link them.
PLOTS = (plot_forkjoin.forkjoin, plot_threads.threads, plot_speedup.speedup, plot_tradeoff.tradeoff,
         plot_latency.latency, plots.wasm_ratio, plots.startup, plots.python)
PLOT_NOTES = {
    "forkjoin": "What one fork-join costs with each pool (every thread joins): back to back and 1 ms after the last "
                "(threads asleep), median and 95% interval; dashed: the same run's spin and futex round trips.",
    "threads": "What one fork-join costs as the threads grow (the forkjoin sweep appended to the run), median and "
               "95% interval per pool, warm, cold and the runtimes' own pools in rows; dashed: the platform's logical "
               "cores, right of which threads outnumber cores.",
    "speedup": "Where parallelism starts to pay: speedup over the serial reference against work per item, warm, "
               "cold and the runtimes' own pools in rows; circles mark each pool's break-even W.",
    "tradeoff": "What a warm pool buys in bursts and what it costs: CPU burnt between bursts against the in-burst "
                "p99 and the first call of a burst, a marker per pool, a colour per platform; down-left is better.",
    "latency": "Percentile ladder of 10^4 single calls per pool; shaded: within 2 steps of the clock that timed "
               "them, where points are hollow (the clock, not the pool).",
    "wasm_ratio": "Medians under Node.js and Chromium divided by the same keys natively.",
    "startup": "When each worker became ready after pool_create.",
    "comparison": "New median / old median for every key present in both runs.",
    "trend": "The verdict's figures (the chosen pool's median and 95% interval) for each kind of work, over the "
             "runs of one machine, oldest first.",
    "python": "Time per call over N = 8P items from Python, log-log: native threads and C pools vs serial, and Pyodide, which has no threads.",
}
HAZARD_HEAD = ["platform", "hazard", "verdict", "evidence"]


def hazards(run_path, schema):
    """Rows of the run's diagnose/ verdicts, if any; a broken diagnose run
    is left out with a note, it does not stop the report."""
    diag_dir = os.path.join(run_path, "diagnose") if os.path.isdir(run_path) else None
    if not diag_dir or not os.path.isdir(diag_dir):
        return []
    try:
        diag = ordered(run_model.load_run(diag_dir, schema))
    except run_model.RecordError as e:
        print(f"report: diagnostics left out: {e}", file=sys.stderr)
        return []
    return [[p, h["hazard"], h["verdict"], h["evidence"]] for p in diag for h in diag[p].hazards]


def verdict_blocks(run):
    """The verdict section: per machine (a heading each where the run spans
    several: no figure is ranked against another machine's), its trust
    line, its table and the pools left out; then how the table reads."""
    b, ranked = [Heading(2, "Verdict")], False
    groups = machines.groups(run)
    for name, sub in groups:
        rows, left = verdict.verdict(sub)
        b += [Heading(3, f"Machine: {name}")] if len(groups) > 1 else []
        b.append(Note(verdict.trust(sub)))
        if rows:
            b.append(Table(*verdict.table(rows)))
        else:
            b.append(Note("No verdict: the run has no `forkjoin`, `forkjoin_spaced` or `bursts` records of a pool"
                          + (" on this machine." if len(groups) > 1 else ".")))
        note = verdict.left_out_note(left)
        b += [Note(note)] if note else []
        ranked = ranked or bool(rows)
    if ranked:
        b.append(Note("Ranked by median; pools whose 95% intervals overlap the cheapest one's are tied, as is "
                      "any figure limited by the timer's step (†: its clock cannot order it), and "
                      "then the lower CPU price decides (CPU burnt between bursts, else idle); where nothing "
                      "but a † median would, the row gives no verdict. Only clean figures are ranked: a platform "
                      "whose references fail, or a figure that fails its own checks (a fork-join below one spin "
                      "round trip, or as long as a scheduler time slice, the round trip moving x2 around its job, "
                      "repetitions another task interfered with), gives no verdict where it could be the one to use. "
                      "Back-to-back and rare calls: fork-joins every thread joins (`forkjoin`, `forkjoin_spaced`); "
                      "bursts: frame-like bursts of small calls (`bursts`)."
                      + (" Each machine is judged on its own figures; its rows are never ranked against another "
                         "machine's." if len(groups) > 1 else "")))
    return b


def document(title, run, made, pdir, pairs, hazard_rows, gate=({}, None), runs=(), history=()):
    """Every section of the report, once; a noisy run says so first. runs:
    the runs laid side by side, oldest first, when there are several."""
    b = [Note(banner) for banner in (tables.cut_banner(run), tables.noisy_banner(run)) if banner]
    b += verdict_blocks(run)
    compared = across.table(runs) if len(runs) > 1 else None
    if compared:
        b += [Heading(2, "Across runs"), Table(*compared), Note(across.NOTE)]
    b += [Note(f"Platforms: {', '.join(run)}. Every figure is a median over repetitions "
              "(the first discarded); plots as files in `plots/`.", only="html"),
          Heading(2, "Findings"), Findings([(f, plot if plot in made else None) for f, plot in findings(run)]),
          Heading(2, "Plots", only="html")]
    b += [Plot(name, PLOT_NOTES[name], os.path.join(pdir, name + ".svg")) for name in made]
    for name, p in run.items():
        b += [Heading(2, f"{name}: median [{tables.CI_LEVEL:.0%} interval]"), Table(*tables.platform_table(p))]
        note = tables.noisy_note(p)
        b += [Note(note)] if note else []
    b.append(Note(f"median [lo, hi]: a distribution-free interval for the median from the order statistics "
                  f"of the samples, covering it with probability >= {tables.CI_LEVEL:.0%}; "
                  f"‡ coverage below {tables.CI_LEVEL:.0%} (too few samples for it: even [min, max] falls short); "
                  "† limited by the timer's step; noisy, after a figure: one the report does not "
                  "trust (its platform's references, or its own checks: the note below its table says why)."))
    for name, p in run.items():
        sweep = thread_sweep.table(p)
        if sweep:
            b += [Heading(2, f"{name}: fork-join against P, median [{tables.CI_LEVEL:.0%} interval]; "
                             "p99 of single calls"), Table(*sweep)]
        even = thread_sweep.breakeven_table(p)
        if even:
            b += [Heading(2, f"{name}: break-even W against P (the smallest W of N = 8P items at which "
                             "P threads beat the serial loop)"), Table(*even)]
    if pairs:
        b += [Heading(2, "Compared with the baseline"), Table(*tables.compare_table(pairs, gate[0]))]
        apart = tables.apart_note(pairs)
        b += [Note(apart)] if apart else []
        if gate[1]:
            b.append(Note(f"The regression gate on the same pair (make gate's U test and thresholds, "
                          f"report/gate.conf): {gate[1]}."))
    py_tables = python_panel.tables(run)
    if py_tables:
        b.append(Heading(2, "Python: native CPython vs Pyodide"))
        for t, head, rows in py_tables:
            b += [Heading(3, t), Table(head, rows)]
    if hazard_rows:
        b += [Heading(2, "Diagnostics (make diagnose)", only="md"), Heading(2, "Diagnostics", only="html"),
              Table(HAZARD_HEAD, hazard_rows)]
    b += list(history)
    b += [Heading(2, "Environment"), Table(*tables.env_rows(run))]
    return Document(title, b)


def main():
    ap = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="run directory (or one .ndjson file); several, comma-separated, side by side")
    ap.add_argument("--baseline", help="an older run to compare with")
    ap.add_argument("--out", help="output directory (default: RUN_DIR/report; several runs: the last one's report-runs)")
    a = ap.parse_args()
    paths = [r for r in a.run.split(",") if r]
    try:
        schema = run_model.load_schema()
        loaded = [(path, ordered(run)) for path in paths for _, run in run_model.load_runs(path, schema)]
        base = ordered(run_model.load_run(a.baseline, schema)) if a.baseline else None
    except run_model.RecordError as e:
        print(f"report: {e}", file=sys.stderr)
        return 2
    if not loaded:
        print("report: no run given", file=sys.stderr)
        return 2
    last = paths[-1]
    here = last if os.path.isdir(last) else os.path.dirname(last) or "."
    out = a.out or os.path.join(here, "report" if len(paths) == 1 else "report-runs")
    pdir = os.path.join(out, "plots")
    os.makedirs(pdir, exist_ok=True)

    run = loaded[0][1] if len(loaded) == 1 else several.side_by_side(several.in_order(loaded))
    print(f"report: {', '.join(f'{k} ({len(p.measurements)} measurements)' for k, p in run.items())}", file=sys.stderr)
    cut = tables.cut_banner(run)
    if cut:
        print(f"report: {cut.replace('**', '')}", file=sys.stderr)
    made = [name for name in (fn(run, pdir) for fn in PLOTS) if name]
    if len(loaded) > 1 and several.trend(loaded, pdir):
        made.append("trend")
    # The baseline is compared with the newest run, under its platforms' own names.
    newest = several.in_order(loaded)[-1]
    pairs = tables.compare_pairs(newest[1], base) if base else []
    gate = gate_verdicts.verdicts(a.baseline, newest[0]) if pairs else ({}, None)
    if pairs and plots.comparison(pairs, pdir):
        made.append("comparison")

    title = ", ".join(os.path.basename(os.path.abspath(p)) for p in paths)
    doc = document(f"poolbench report: {title}", run, made, pdir, pairs,
                   hazards(paths[0], schema) if len(paths) == 1 else [], gate, several.in_order(loaded),
                   history_view.section(newest[1], pdir))
    with open(os.path.join(out, "summary.md"), "w", encoding="utf-8") as f:
        f.write(render_md.render(doc))
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(render_html.render(doc))
    print(f"report: {where(os.path.join(out, 'index.html'))} ({len(made)} plots), {where(os.path.join(out, 'summary.md'))}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:  # the output directory or a file in it
        print(f"report: cannot write {where(e.filename) if e.filename else 'the report'}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    except RuntimeError as e:  # gnuplot failures
        print(f"report: {e}", file=sys.stderr)
        sys.exit(1)
