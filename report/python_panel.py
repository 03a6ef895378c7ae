#!/usr/bin/env python3
"""The Python panel of a run: native CPython (threads, C pools called from
Python, serial), the same in CPython embedded in Node.js (pymport) beside
Pyodide under Node.js and in browsers (serial: no threads), per call and per
grain; pymport's JS side (callAsync in flight, worker_threads sharing the
GIL); Pyodide's capability probe.

usage: python_panel.py RUN_DIR
Reads RUN_DIR/{python,pymport,pyodide-*}.ndjson (whichever exist).
Exit 2 when none exists or one is malformed (naming the file and line).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_model  # noqa: E402
from messages import OneLineParser, quoted  # noqa: E402
from tables import CI_LEVEL, cell  # noqa: E402
from vocab import CPYTHONS, PY_SERIAL, PYMPORT, PYODIDE, PYTHON, W_DETAIL, ns  # noqa: E402

CALLS = [("Python call", "call", "python_call"), ("ctypes call into C", "call", "ctypes_call"),
         ("C -> Python callback", "call", "callback"),
         # pymport's bridge (JS and Python in one process)
         ("JS -> Python, sync", "js_to_py", "sync"),
         ("JS -> Python, callAsync (latency)", "js_to_py", "call_async.1"),
         ("Python -> JS callback", "py_to_js", "callback"),
         ("Python -> JS from a callAsync thread", "py_to_js", "callback_from_thread")]
# Per grain: what a user would reach for, natively and in Pyodide (which has
# no threads: the serial ways only).
SERIAL_WAYS = [(PY_SERIAL, "one C call, serial"), ("py_per_item", "a C call per item, serial")]
GRAIN_ROWS = ([(plat, backend, how) for plat in CPYTHONS for backend, how in
               [("py_threads", "ThreadPoolExecutor, a C call per chunk"),
                ("py_to_pool.spin", "one C call into a spin pool"),
                ("py_to_pool.tbb", "one C call into oneTBB"),
                ("pool_to_py.spin", "a spin pool calling Python per chunk")] + SERIAL_WAYS]
              + [(plat, backend, how) for plat in PYODIDE for backend, how in SERIAL_WAYS])
PROBE_FIELDS = ["load_ms", "python_threads", "pthread_side_module", "jspi", "can_run_sync",
                "abi_mismatches"]


def load(run_dir, schema=None):
    """{platform: run_model.Platform} of the Python platforms present in a run."""
    schema = schema or run_model.load_schema()
    out = {}
    for p in PYTHON:
        path = os.path.join(run_dir, p + ".ndjson")
        if os.path.exists(path):
            out.update(run_model.load_run(path, schema))
    return out


def tables(run):
    """[(title, header, rows)] of the panel; run: {platform: Platform}."""
    plats = [p for p in PYTHON if p in run]
    if not plats:
        return []
    out = []
    rows = []
    for label, scenario, backend in CALLS:
        row = [label]
        for p in plats:
            m = run[p].find(scenario, backend=backend)
            row.append(ns(m[0]["per_item_ns"]) if m else "-")
        if any(c != "-" for c in row[1:]):
            rows.append(row)
    out.append(("Per call (median)", ["operation"] + plats, rows))
    rows, n = [], "?"  # N from the first grain row (none: a run of calls only)
    for plat, backend, what in GRAIN_ROWS:
        if plat not in run:
            continue
        cells = []
        for w in W_DETAIL:
            m = run[plat].find("grain", backend=backend, work_ns=w)
            cells.append(cell(m[0]) if m else "-")
        if any(c != "-" for c in cells):
            items = run[plat].find("grain", backend=backend)
            n = items[0]["items"] if items else "?"
            rows.append([plat, backend, what] + cells)
    out.append((f"Grain sweep: time per parallel_for of N = {n} items (median [{CI_LEVEL:.0%} interval])",
                ["platform", "backend", "how"] + [f"W={ns(w)}" for w in W_DETAIL], rows))
    if PYMPORT in run:
        out += bridge_tables(run[PYMPORT])
    probes = [(p, run[p].probes[0]) for p in plats if run[p].probes]
    if probes:
        rows = [[f] + [fmt_probe(pr.get(f)) for _, pr in probes] for f in PROBE_FIELDS]
        out.append(("Pyodide capability probe", ["probe"] + [p for p, _ in probes], rows))
    return out


def bridge_tables(p):
    """pymport's throughput against concurrency: k callAsync calls in
    flight, and k worker_threads calling Python at once (one GIL)."""
    out = []
    for title, scenario, prefix in (("pymport: JS -> Python with k callAsync calls in flight",
                                     "js_to_py", "call_async."),
                                    ("pymport: k worker_threads calling Python at once (one GIL)",
                                     "js_workers", "sync.")):
        ms = sorted((m for m in p.across_p(scenario) if m["backend"].startswith(prefix)),
                    key=lambda m: int(m["backend"][len(prefix):]))
        if not ms:
            continue
        one = ms[0]["calls_per_s"]
        rows = [[m["backend"][len(prefix):], cell(m), f"{m['calls_per_s'] / 1e3:.0f}k",
                 f"x{m['calls_per_s'] / one:.2f}" if one > 0 else "-"] for m in ms]
        out.append((title, ["k", "per call (all k together)", "calls/s", "vs k = 1"], rows))
    return out


def fmt_probe(v):
    if isinstance(v, float):
        return f"{v:.0f}"
    if isinstance(v, list):
        return "; ".join(v) or "none"
    return str(v)


def main():
    ap = OneLineParser(prog="python_panel", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="run directory")
    try:
        run = load(ap.parse_args().run)
    except run_model.RecordError as e:
        print(f"python_panel: {e}", file=sys.stderr)
        return 2
    if not run:
        print(f"python_panel: no python/pyodide records in {quoted(sys.argv[1])}", file=sys.stderr)
        return 2
    for title, head, rows in tables(run):
        widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
        print(f"\n{title}")
        for r in [head] + rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
