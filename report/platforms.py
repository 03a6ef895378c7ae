#!/usr/bin/env python3
"""A run's platforms after each stage: per platform, how many repetitions
another task interfered with (natively, where counted) and were re-run, and
how many jobs are noisy (report/noisy.py); then the Wasm/native ratios: for
every measurement present natively and under Node.js (and Chromium), the
medians side by side and their ratio.

usage: platforms.py RUN_DIR
Reads RUN_DIR/native.ndjson and RUN_DIR/{node,chrome,firefox}.ndjson
(whichever exist; neither: exit 2). For the ratios, without a native run
there, the newest native.ndjson of a sibling run measured on the same machine
(CPU model and logical cores; unknown counts as another machine); with none,
or no Wasm run, the ratios are skipped with a note (exit 0). A browser run
on a Grid node beside the native run is another machine: its ratios N/A.
Exit 2 on a malformed file, naming it and the line.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import noisy  # noqa: E402
import run_model  # noqa: E402
from keys import key  # noqa: E402
from messages import OneLineParser, quoted  # noqa: E402
from ratios import not_compared  # noqa: E402
from vocab import NATIVE, W_DETAIL, WASM, in_unit, ordered  # noqa: E402


def read(path, schema):
    """The records of one file (schema-checked by the project's reader; exit
    2 naming file and line on bad input)."""
    try:
        return run_model.read_file(path, schema)[0]
    except run_model.RecordError as e:
        print(f"platforms: {e}", file=sys.stderr)
        sys.exit(2)


def measurements(recs):
    """{key: record} of the measurement records of one file."""
    return {key(r): r for r in recs if r.get("type") == "measurement"}


def busy(run):
    """Per platform of the run, one line: interference, re-runs, noisy jobs,
    and the platform's own noisy references if any."""
    for name, p in ordered(run).items():
        bad = noisy.platform(p)
        print(f"{name}: {noisy.summary(p)}" + (f"; noisy run: {bad}" if bad else ""))


def machine(header):
    """The identity two runs must share to be compared, or None when unknown."""
    ident = (header.get("cpu_model"), header.get("logical_cores"))
    return ident if all(ident) else None


def same_machine_native(run, contract, wasm_headers):
    """The newest native.ndjson among RUN_DIR's siblings measured on the
    machine of the Wasm runs, or None."""
    idents = {machine(h) for h in wasm_headers}
    if None in idents or len(idents) != 1:
        return None
    parent = os.path.dirname(os.path.abspath(run))
    found = []
    for d in os.listdir(parent):
        f = os.path.join(parent, d, NATIVE + ".ndjson")
        if os.path.isfile(f) and not os.path.islink(os.path.join(parent, d)):
            found.append((os.path.getmtime(f), f))
    for _, f in sorted(found, reverse=True):
        try:
            recs, _ = run_model.read_file(f, contract)
        except run_model.RecordError:
            continue  # a broken sibling is not this run's business
        if machine(recs[0]) in idents:
            return f
    return None


def main():
    ap = OneLineParser(prog="platforms", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="run directory")
    run = ap.parse_args().run
    schema = run_model.load_schema()
    wasm_files = {p: os.path.join(run, p + ".ndjson") for p in WASM
                  if os.path.exists(os.path.join(run, p + ".ndjson"))}
    native_path = os.path.join(run, NATIVE + ".ndjson")
    own_native = os.path.exists(native_path)
    if not wasm_files and not own_native:
        print(f"platforms: no {' or '.join(p + '.ndjson' for p in (NATIVE,) + WASM)} in {quoted(run)}", file=sys.stderr)
        return 2
    recs = {p: read(f, schema) for p, f in wasm_files.items()}
    if own_native:
        recs[NATIVE] = read(native_path, schema)
    plats = {p: run_model.platform_of(r) for p, r in recs.items()}
    run_model.link_native(plats, os.path.abspath(run))  # the run's own native only: a sibling's ran at another time
    busy(plats)
    if not wasm_files:
        print(f"platforms: no {' or '.join(p + '.ndjson' for p in WASM)} in {run}: wasm/native ratios skipped")
        return 0
    headers = [recs[p][0] for p in wasm_files]
    if not own_native:
        native_path = same_machine_native(run, schema, headers)
        if not native_path:
            print(f"platforms: no native run of this machine beside {run}: wasm/native ratios skipped "
                  "(make bench-native with the same RUN= adds them)")
            return 0
        print(f"platforms: native figures from {native_path} (same machine, another run)")
    native = measurements(recs[NATIVE] if own_native else read(native_path, schema))
    # A browser run on another machine (a Grid node) beside the native run:
    # no ratio across machines.
    for p, why in not_compared(plats):
        print(f"platforms: {p}/native ratios N/A ({why})")
    wasm = {p: measurements(recs[p]) for p in wasm_files if not plats[p].other_native}
    if not wasm:
        return 0
    cols = list(wasm)
    print(f"\nwasm/native ratios of medians, run {run} (>1: slower than native)")
    head = f"{'scenario':<9} {'backend':<14} {'mode':<7} {'W':>7} {'native':>10}"
    for p in cols:
        head += f" {p:>10} {p + '/nat':>9}"
    print(head)
    for n in sorted(native.values(), key=lambda r: (r["scenario"], r["backend"], r["mode"], r["work_ns"])):
        k = key(n)
        if n["scenario"] == "grain" and n["work_ns"] not in W_DETAIL:
            continue
        if not any(k in wasm[p] for p in cols):
            continue
        unit = n["unit"]
        line = (f"{n['scenario']:<9} {n['backend']:<14} {n['mode']:<7} {n['work_ns']:>7.0f} "
                f"{in_unit(n['median'], unit):>10}")
        for p in cols:
            w = wasm[p].get(k)
            if w is None:
                line += f" {'-':>10} {'-':>9}"
                continue
            ratio = w["median"] / n["median"] if n["median"] > 0 else float("nan")
            line += f" {in_unit(w['median'], unit):>10} {ratio:>9.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
