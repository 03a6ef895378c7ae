#!/usr/bin/env python3
"""The schema's names (records/schema.json) are the ones the code defines:
its backends and scenarios those `poolbench list` prints (openmp and tbb,
native_only_backends, and grain_ab, native_only_scenarios, may be missing
from a build without them, e.g. under Wasm), in the
same order; its platforms those the report orders, its reference and
capacity scenarios the report's (report/vocab.py).

usage: test_schema_names.py POOLBENCH_CMD...
"""
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "report"))
from records.contract import load_schema  # noqa: E402
from vocab import CAPACITY, PINGPONG, PLATFORM_ORDER  # noqa: E402


def listed(cmd):
    """{'backends': [...], 'scenarios': [...]} from `poolbench list`."""
    out = subprocess.run(cmd + ["list"], capture_output=True, text=True, timeout=60, check=True).stdout
    got, section = {}, None
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            section = got.setdefault(line[:-1], [])
        elif line.startswith("  ") and section is not None:
            section.append(line.split()[0])
    return got


def main(cmd):
    names = load_schema().names
    got = listed(cmd)
    fails = []
    scen = [s for s in names["scenarios"] if s in got.get("scenarios", []) or s not in names["native_only_scenarios"]]
    if got.get("scenarios") != scen:
        fails.append(f"scenarios: poolbench list {got.get('scenarios')}, the schema {scen}")
    want = [b for b in names["backends"] if b in got.get("backends", []) or b not in names["native_only_backends"]]
    if got.get("backends") != want:
        fails.append(f"backends: poolbench list {got.get('backends')}, the schema {want}")
    if sorted(names["platforms"]) != sorted(PLATFORM_ORDER):
        fails.append(f"platforms: report/vocab.py {sorted(PLATFORM_ORDER)}, the schema {sorted(names['platforms'])}")
    if (names["references"]["scenario"], names["capacity"]["scenario"]) != (PINGPONG, CAPACITY):
        fails.append(f"reference scenarios: report/vocab.py {PINGPONG}, {CAPACITY}; the schema "
                     f"{names['references']['scenario']}, {names['capacity']['scenario']}")
    for f in fails:
        print(f"FAIL: {f}")
    if not fails:
        print(f"ok: the schema names the {len(want)} backends and {len(scen)} scenarios "
              f"poolbench lists, and the report's {len(PLATFORM_ORDER)} platforms")
    return 1 if fails else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip())
    sys.exit(main(sys.argv[1:]))
