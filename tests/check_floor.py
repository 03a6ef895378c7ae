#!/usr/bin/env python3
"""Checks the JSON lines of an engine-floor runner (bench/js_floor/).
usage: check_floor.py ENGINE VARIANTS FILE
Exactly one line per variant of VARIANTS (comma-separated, in that order),
each with engine ENGINE, a version, reps >= 1, a batch >= 1, and
0 < ci_lo <= median_ns <= ci_hi; rt_plain and rt_seqcst both above 0 ns.
Prints what failed and exits 1, else exits 0."""
import json
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__.splitlines()[1], file=sys.stderr)
        sys.exit(2)
    engine, variants, path = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
    problems = []
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                rows.append(json.loads(line))
            except ValueError:
                problems.append(f"line {n} is not JSON: {line.strip()[:80]!r}")
    got = [r.get("variant") for r in rows]
    if got != variants:
        problems.append(f"variants {got}, expected {variants}")
    for r in rows:
        v = r.get("variant")
        num = {k: r.get(k) for k in ("median_ns", "ci_lo", "ci_hi", "reps", "batch")}
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in num.values()):
            problems.append(f"{v}: a figure is missing or not a number: {num}")
            continue
        if r.get("engine") != engine or not isinstance(r.get("version"), str) or not r["version"]:
            problems.append(f"{v}: engine {r.get('engine')!r} version {r.get('version')!r}, expected {engine!r} and a version")
        if not 0 < num["ci_lo"] <= num["median_ns"] <= num["ci_hi"]:
            problems.append(f"{v}: median {num['median_ns']} outside its interval "
                            f"[{num['ci_lo']}, {num['ci_hi']}] or not above 0")
        if num["reps"] < 1 or num["batch"] < 1:
            problems.append(f"{v}: reps {num['reps']}, batch {num['batch']}")
    for p in problems:
        print(f"FAIL: {engine}: {p}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
