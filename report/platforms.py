#!/usr/bin/env python3
"""Wasm/native ratios of one run: for every measurement present natively and
under Node.js (and Chromium), the medians side by side and their ratio.

usage: platforms.py RUN_DIR
Reads RUN_DIR/native.ndjson and RUN_DIR/{node,chrome}.ndjson (whichever
exist). Exit 2 on a missing or malformed file, naming it and the line.
"""
import json
import os
import sys

WASM = ["node", "chrome"]


def load(path):
    """{key: record} of the measurement records of one file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"platforms: {path}:{no}: not a JSON record ({e.msg})")
            if not isinstance(rec, dict):
                sys.exit(f"platforms: {path}:{no}: not a JSON object")
            if rec.get("type") != "measurement":
                continue
            try:
                key = (rec["scenario"], rec["backend"], rec["mode"], rec["threads"],
                       rec["items"], rec["work_ns"])
                float(rec["median"])
            except (KeyError, TypeError, ValueError) as e:
                sys.exit(f"platforms: {path}:{no}: measurement lacks a key field ({e})")
            out[key] = rec
    return out


def fmt(v, unit):
    if unit == "cores":
        return f"{v * 100:.1f}%"
    if v < 1e3:
        return f"{v:.0f} ns"
    if v < 1e6:
        return f"{v / 1e3:.2f} us"
    return f"{v / 1e6:.2f} ms"


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if len(sys.argv) != 2 else sys.stdout)
        return 2 if len(sys.argv) != 2 else 0
    run = sys.argv[1]
    native_path = os.path.join(run, "native.ndjson")
    if not os.path.exists(native_path):
        print(f"platforms: {native_path} not found: run make bench-native first (same RUN=)",
              file=sys.stderr)
        return 2
    native = load(native_path)
    wasm = {p: load(os.path.join(run, p + ".ndjson")) for p in WASM
            if os.path.exists(os.path.join(run, p + ".ndjson"))}
    if not wasm:
        print(f"platforms: no node.ndjson or chrome.ndjson in {run}", file=sys.stderr)
        return 2
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
