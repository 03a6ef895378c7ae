#!/usr/bin/env python3
"""poolbench report: plots, tables and findings from a run's records.

usage: report.py RUN_DIR [--baseline OLD_RUN_DIR] [--out DIR]

Reads only NDJSON records (RUN_DIR/*.ndjson: native, python, node, chrome,
whichever exist) and writes RUN_DIR/report/ (or DIR): index.html (one
self-contained file, plots embedded), plots/*.svg and *.png (gnuplot), and
summary.md (for CI logs and pull requests). With --baseline, adds old-vs-new
columns and a ratio plot. Exit 2 with a one-line error on unusable input.
"""
import argparse
import base64
import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plots  # noqa: E402
import records  # noqa: E402
import python_panel  # noqa: E402
from findings import findings, ns  # noqa: E402

PLATFORM_ORDER = ["native", "python", "node", "chrome", "pyodide-node", "pyodide-chrome"]
ENV_SKIP = {"type", "schema", "options"}


def ordered(run):
    return {k: run[k] for k in sorted(run, key=lambda p: (PLATFORM_ORDER.index(p) if p in PLATFORM_ORDER else 9, p))}


def cell(m, field="median"):
    """'median ± MAD (n)' of a measurement, in its unit."""
    if not m:
        return "-"
    v = m.get(field)
    if m["unit"] == "cores":
        return f"{v * 100:.1f}% ± {m['mad'] * 100:.1f} ({m['n']})"
    flag = " †" if "below_timer_resolution" in m.get("flags", []) else ""
    if field != "median":
        return f"{ns(v)}{flag}"
    return f"{ns(v)} ± {ns(m['mad'])} ({m['n']}){flag}"


COLUMNS = [("dispatch", "dispatch", {}, "median"),
           ("latency p50", "latency", {}, "p50"),
           ("latency p99", "latency", {}, "p99"),
           ("grain W=0", "grain", {"work_ns": 0}, "median"),
           ("grain W=1 us", "grain", {"work_ns": 1000}, "median"),
           ("grain W=100 us", "grain", {"work_ns": 100000}, "median"),
           ("startup", "startup", {}, "median"),
           ("idle CPU", "idle_cpu", {}, "median"),
           ("bursts p99", "bursts", {}, "p99"),
           ("bursts 1st call", "bursts", {}, "first_call_ns"),
           ("10^5 items", "many_items", {}, "median")]


def platform_table(p):
    """(header, rows) of backend x scenario for one platform."""
    targets = {}
    for m in p.measurements:
        if m["scenario"] != "pingpong":
            targets.setdefault(plots.label(m), (m["backend"], m["mode"]))
    cols = [c for c in COLUMNS if p.find(c[1], **c[2])]
    head = ["backend"] + [c[0] for c in cols]
    rows = []
    for tgt, (b, mode) in sorted(targets.items()):
        row = [tgt]
        for _, scen, key, field in cols:
            ms = p.find(scen, backend=b, mode=mode, **key)
            row.append(cell(ms[0], field) if ms else "-")
        rows.append(row)
    return head, rows


def env_rows(run):
    keys = []
    for p in run.values():
        keys += [k for k in p.header if k not in ENV_SKIP and k not in keys]
    rows = []
    for k in keys:
        rows.append([k] + [str(p.header.get(k, "-")) for p in run.values()])
    rows.append(["spin round trip (same run)"] + [ns(p.reference("spin_pingpong")) for p in run.values()])
    rows.append(["futex round trip (same run)"] + [ns(p.reference("futex_pingpong")) for p in run.values()])
    return ["field"] + list(run), rows


def compare_pairs(run, base):
    """[(platform, key label, old median, new median)] of comparable keys."""
    pairs = []
    for name, p in run.items():
        b = base.get(name)
        if not b:
            continue
        for m in p.measurements:
            if m["unit"] != "ns" or m["scenario"] == "grain" and m["work_ns"] not in (0, 1000, 100000):
                continue
            o = b.find(m["scenario"], backend=m["backend"], mode=m["mode"], threads=m["threads"],
                       items=m["items"], work_ns=m["work_ns"])
            if o:
                w = f" W={m['work_ns']:g}" if m["scenario"] == "grain" else ""
                pairs.append((name, f"{m['scenario']} {plots.label(m)}{w}", o[0]["median"], m["median"]))
    return pairs


def md_cell(text):
    """Text from records as one Markdown table cell: it cannot end the row
    or the cell, nor become HTML or code."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(text))
    return html.escape(text, quote=False).replace("|", "\\|").replace("`", "\\`")


def md_table(head, rows):
    out = ["| " + " | ".join(md_cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def html_table(head, rows):
    h = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    b = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{b}</tbody></table>"


def md_inline(text):
    """The findings' **bold** and `code` as HTML."""
    out, bold, code = [], False, False
    i = 0
    text = html.escape(text)
    while i < len(text):
        if text.startswith("**", i):
            out.append("</b>" if bold else "<b>")
            bold, i = not bold, i + 2
        elif text[i] == "`":
            out.append("</code>" if code else "<code>")
            code, i = not code, i + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


CSS = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td:first-child,th:first-child{text-align:left}
th{background:#f0f0f0}img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}
code{background:#f4f4f4;padding:0 3px}.note{color:#666;font-size:13px}"""

PLOT_NOTES = {
    "overhead": "Overhead per call over the ideal ceil(N/P)·W, log-log; dashed: the same run's spin and futex round trips.",
    "speedup": "Speedup over the serial reference; circles mark each backend's break-even W.",
    "latency": "Percentiles of 10^4 single calls; open markers are limited by the timer's step (Chromium: 5 us).",
    "wasm_ratio": "Medians under Node.js and Chromium divided by the same keys natively.",
    "startup": "When each worker became ready after pool_create.",
    "idle_cpu": "CPU burnt per wall second by an idle pool after a call (warm pools spin for their idle budget).",
    "comparison": "New median / old median for every key present in both runs.",
    "python": "Time per call over N = 8P items from Python, log-log: native threads and C pools vs serial, and Pyodide, which has no threads.",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="run directory (or one .ndjson file)")
    ap.add_argument("--baseline", help="an older run to compare with")
    ap.add_argument("--out", help="output directory (default: RUN_DIR/report)")
    a = ap.parse_args()
    try:
        schema = records.load_schema()
        run = ordered(records.load_run(a.run, schema))
        base = ordered(records.load_run(a.baseline, schema)) if a.baseline else None
    except records.RecordError as e:
        print(f"report: {e}", file=sys.stderr)
        return 2
    out = a.out or os.path.join(a.run if os.path.isdir(a.run) else os.path.dirname(a.run) or ".", "report")
    pdir = os.path.join(out, "plots")
    os.makedirs(pdir, exist_ok=True)

    print(f"report: {', '.join(f'{k} ({len(p.measurements)} measurements)' for k, p in run.items())}", file=sys.stderr)
    made = []
    for fn in (plots.overhead, plots.speedup, plots.latency, plots.wasm_ratio, plots.startup, plots.idle,
               plots.python):
        name = fn(run, pdir)
        if name:
            made.append(name)
    pairs = compare_pairs(run, base) if base else []
    if pairs and plots.comparison(pairs, pdir):
        made.append("comparison")

    found = findings(run)
    diag_dir = os.path.join(a.run, "diagnose") if os.path.isdir(a.run) else None
    hazards = []
    if diag_dir and os.path.isdir(diag_dir):
        try:
            diag = ordered(records.load_run(diag_dir, schema))
            hazards = [[p, h["hazard"], h["verdict"], h["evidence"]] for p in diag for h in diag[p].hazards]
        except records.RecordError as e:
            print(f"report: diagnostics left out: {e}", file=sys.stderr)
    py_tables = python_panel.tables(run)
    env_head, env = env_rows(run)
    tables = [(name, platform_table(p)) for name, p in run.items()]
    title = f"poolbench report: {os.path.basename(os.path.abspath(a.run))}"

    md = [f"# {title}", "", "## Findings", ""] + [f"- {f}" for f in found] + [""]
    for name, (head, rows) in tables:
        md += [f"## {name}: median ± MAD (n)", "", md_table(head, rows), ""]
    md += ["† limited by the timer's step.", ""]
    if pairs:
        md += ["## Compared with the baseline", "",
               md_table(["platform", "key", "old", "new", "new/old"],
                        [[p, k, ns(o), ns(n), f"{n / o:.2f}"] for p, k, o, n in pairs if o > 0]), ""]
    if py_tables:
        md += ["## Python: native CPython vs Pyodide", ""]
        for t, head, rows in py_tables:
            md += [f"### {t}", "", md_table(head, rows), ""]
    if hazards:
        md += ["## Diagnostics (make diagnose)", "", md_table(["platform", "hazard", "verdict", "evidence"], hazards), ""]
    md += ["## Environment", "", md_table(env_head, env), ""]
    with open(os.path.join(out, "summary.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md))

    body = [f"<h1>{html.escape(title)}</h1>",
            f"<p class='note'>Platforms: {html.escape(', '.join(run))}. Every figure is a median over "
            "repetitions (the first discarded); plots as files in <code>plots/</code>.</p>",
            "<h2>Findings</h2><ul>" + "".join(f"<li>{md_inline(f)}</li>" for f in found) + "</ul>",
            "<h2>Plots</h2>"]
    for name in made:
        with open(os.path.join(pdir, name + ".svg"), "rb") as f:
            data = base64.b64encode(f.read()).decode()
        body.append(f"<h3>{html.escape(name.replace('_', ' '))}</h3><p class='note'>{html.escape(PLOT_NOTES[name])} "
                    f"(<a href='plots/{name}.svg'>svg</a>, <a href='plots/{name}.png'>png</a>)</p>"
                    f"<img alt='{name}' src='data:image/svg+xml;base64,{data}'>")
    for name, (head, rows) in tables:
        body.append(f"<h2>{html.escape(name)}: median ± MAD (n)</h2>" + html_table(head, rows))
    body.append("<p class='note'>† limited by the timer's step.</p>")
    if pairs:
        body.append("<h2>Compared with the baseline</h2>" + html_table(
            ["platform", "key", "old", "new", "new/old"],
            [[p, k, ns(o), ns(n), f"{n / o:.2f}"] for p, k, o, n in pairs if o > 0]))
    if py_tables:
        body.append("<h2>Python: native CPython vs Pyodide</h2>" + "".join(
            f"<h3>{html.escape(t)}</h3>" + html_table(head, rows) for t, head, rows in py_tables))
    if hazards:
        body.append("<h2>Diagnostics</h2>" + html_table(["platform", "hazard", "verdict", "evidence"], hazards))
    body.append("<h2>Environment</h2>" + html_table(env_head, env))
    page = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)
    print(f"report: {os.path.join(out, 'index.html')} ({len(made)} plots), {os.path.join(out, 'summary.md')}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:  # the output directory or a file in it
        print(f"report: cannot write {e.filename or 'the report'}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    except RuntimeError as e:  # gnuplot failures
        print(f"report: {e}", file=sys.stderr)
        sys.exit(1)
