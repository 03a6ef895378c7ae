#!/usr/bin/env python3
"""Checks poolbench NDJSON records against the schema in results/README.md.

usage: check_records.py FILE [FILE...] [--backends a,b] [--scenarios s,t]
  --backends   every listed backend must have a measurement record
  --scenarios  every listed scenario must have a measurement record
Exit 0 when every line is complete JSON with every documented field of the
right type; 1 otherwise, naming the file, line and field.
"""
import argparse
import json
import os
import re
import sys

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "README.md")


def load_schema(path):
    """{record type: [(field, type, nullable, when)]} from the README tables."""
    schema, current = {}, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^## `(\w+)`", line)
        if m:
            current = schema.setdefault(m.group(1), [])
            continue
        m = re.match(r"^\| `(\w+)` \| ([\w<>?]+) \| ([^|]+) \|", line)
        if m and current is not None:
            typ = m.group(2)
            when = [w.strip() for w in m.group(3).split(",")]
            current.append((m.group(1), typ.rstrip("?"), typ.endswith("?"), when))
    if not schema:
        sys.exit(f"check_records: no schema tables found in {path}")
    return schema


def type_ok(value, typ):
    if typ == "string":
        return isinstance(value, str)
    if typ == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if typ == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if typ == "boolean":
        return isinstance(value, bool)
    if typ == "object":
        return isinstance(value, dict)
    if typ.startswith("array<"):
        inner = typ[6:-1]
        return isinstance(value, list) and all(type_ok(v, inner) for v in value)
    raise ValueError(f"unknown schema type {typ}")


def applies(when, rec):
    for w in when:
        if w == "always":
            return True
        plat, _, scen = w.rpartition(":")
        if scen == rec.get("scenario") and (not plat or plat == rec.get("platform")):
            return True
    return False


def check_file(path, schema):
    errors, recs = [], []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        errors.append(f"{path}: last line is not terminated by a newline")
    for no, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{path}:{no}: not complete JSON ({e.msg})")
            continue
        if not isinstance(rec, dict) or rec.get("type") not in schema:
            errors.append(f"{path}:{no}: unknown record type {rec.get('type') if isinstance(rec, dict) else rec!r}")
            continue
        if no == 1 and rec["type"] != "header":
            errors.append(f"{path}:1: first line is not the header")
        for field, typ, nullable, when in schema[rec["type"]]:
            if not applies(when, rec):
                continue
            if field not in rec:
                errors.append(f"{path}:{no}: {rec['type']} {rec.get('scenario', '')} lacks '{field}'")
            elif rec[field] is None:
                if not nullable:
                    errors.append(f"{path}:{no}: '{field}' is null")
            elif not type_ok(rec[field], typ):
                errors.append(f"{path}:{no}: '{field}' should be {typ}, is {rec[field]!r:.40}")
        recs.append(rec)
    if not lines:
        errors.append(f"{path}: empty")
    return recs, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--backends", default="")
    ap.add_argument("--scenarios", default="")
    ap.add_argument("--schema", default=README)
    a = ap.parse_args()
    schema = load_schema(a.schema)
    errors, meas = [], []
    for path in a.files:
        recs, errs = check_file(path, schema)
        errors += errs
        meas += [r for r in recs if r.get("type") == "measurement"]
    seen_b = {r["backend"] for r in meas if "backend" in r}
    seen_s = {r["scenario"] for r in meas if "scenario" in r}
    for b in filter(None, a.backends.split(",")):
        if b not in seen_b:
            errors.append(f"no measurement of backend '{b}'")
    for s in filter(None, a.scenarios.split(",")):
        if s not in seen_s:
            errors.append(f"no measurement of scenario '{s}'")
    for e in errors[:30]:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_records: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"check_records: {len(meas)} measurements in {len(a.files)} file(s) match the schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
