#!/usr/bin/env python3
"""Wasm/native ratios of one run: for every measurement present natively and
under Node.js (and Chromium), the medians side by side and their ratio.

usage: platforms.py RUN_DIR
Reads RUN_DIR/{node,chrome}.ndjson (whichever exist) and RUN_DIR/native.ndjson;
without a native run there, the newest native.ndjson of a sibling run measured
on the same machine (CPU model and logical cores; unknown counts as another
machine); with none, the ratios are skipped with a note (exit 0). Exit 2 on a
malformed file, naming it and the line.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import records  # noqa: E402
from findings import ns  # noqa: E402

WASM = ["node", "chrome"]


KEY = records.KEY_FIELDS


def load(path, schema):
    """{key: record} of the measurement records of one file (schema-checked
    by the project's reader; exit 2 naming file and line on bad input)."""
    try:
        recs, _ = records.read_file(path, schema)
    except records.RecordError as e:
        print(f"platforms: {e}", file=sys.stderr)
        sys.exit(2)
    return {tuple(r[k] for k in KEY): r for r in recs if r.get("type") == "measurement"}


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
        f = os.path.join(parent, d, "native.ndjson")
        if os.path.isfile(f) and not os.path.islink(os.path.join(parent, d)):
            found.append((os.path.getmtime(f), f))
    for _, f in sorted(found, reverse=True):
        try:
            recs, _ = records.read_file(f, contract)
        except records.RecordError:
            continue  # a broken sibling is not this run's business
        if machine(recs[0]) in idents:
            return f
    return None


def fmt(v, unit):
    return f"{v * 100:.1f}%" if unit == "cores" else ns(v)


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if len(sys.argv) != 2 else sys.stdout)
        return 2 if len(sys.argv) != 2 else 0
    run = sys.argv[1]
    schema = records.load_schema()
    wasm_files = {p: os.path.join(run, p + ".ndjson") for p in WASM
                  if os.path.exists(os.path.join(run, p + ".ndjson"))}
    if not wasm_files:
        print(f"platforms: no node.ndjson or chrome.ndjson in {run}", file=sys.stderr)
        return 2
    headers = []
    for f in wasm_files.values():
        try:
            headers.append(records.read_file(f, schema)[0][0])
        except records.RecordError as e:
            print(f"platforms: {e}", file=sys.stderr)
            return 2
    native_path = os.path.join(run, "native.ndjson")
    if not os.path.exists(native_path):
        native_path = same_machine_native(run, schema, headers)
        if not native_path:
            print(f"platforms: no native run of this machine beside {run}: wasm/native ratios skipped "
                  "(make bench-native with the same RUN= adds them)")
            return 0
        print(f"platforms: native figures from {native_path} (same machine, another run)")
    native = load(native_path, schema)
    wasm = {p: load(f, schema) for p, f in wasm_files.items()}
    cols = list(wasm)
    print(f"\nwasm/native ratios of medians, run {run} (>1: slower than native)")
    head = f"{'scenario':<9} {'backend':<14} {'mode':<7} {'W':>7} {'native':>10}"
    for p in cols:
        head += f" {p:>10} {p + '/nat':>9}"
    print(head)
    for key in sorted(native, key=lambda k: (k[0], k[1], k[2], k[5])):
        if key[0] == "grain" and key[5] not in (0, 1000, 10000, 100000):
            continue
        if not any(key in wasm[p] for p in cols):
            continue
        n = native[key]
        unit = n["unit"]
        line = f"{key[0]:<9} {key[1]:<14} {key[2]:<7} {key[5]:>7.0f} {fmt(n['median'], unit):>10}"
        for p in cols:
            w = wasm[p].get(key)
            if w is None:
                line += f" {'-':>10} {'-':>9}"
                continue
            ratio = w["median"] / n["median"] if n["median"] > 0 else float("nan")
            line += f" {fmt(w['median'], unit):>10} {ratio:>9.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
