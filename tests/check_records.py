#!/usr/bin/env python3
"""Checks poolbench NDJSON records against the schema (records/schema.json).

usage: check_records.py FILE [FILE...] [--backends a,b] [--scenarios s,t]
  --backends   every listed backend must have a measurement record
  --scenarios  every listed scenario must have a measurement record
Exit 0 when every line is complete JSON with every documented field of the
right type; 1 otherwise, naming the file, line and field.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from records.contract import RecordError, load_schema  # noqa: E402  (the project's one Python record reader)
from records.reader import read_file  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--backends", default="")
    ap.add_argument("--scenarios", default="")
    a = ap.parse_args()
    schema = load_schema()
    errors, meas = [], []
    for path in a.files:
        try:
            recs, errs = read_file(path, schema, strict=False)
        except RecordError as e:
            recs, errs = [], [str(e)]
        errors += errs
        meas += [r for r in recs if isinstance(r, dict) and r.get("type") == "measurement"]
    seen_b = {r.get("backend") for r in meas}
    seen_s = {r.get("scenario") for r in meas}
    errors += [f"no measurement of backend '{b}'" for b in filter(None, a.backends.split(","))
               if b not in seen_b]
    errors += [f"no measurement of scenario '{s}'" for s in filter(None, a.scenarios.split(","))
               if s not in seen_s]
    for e in errors[:30]:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_records: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"check_records: {len(meas)} measurements in {len(a.files)} file(s) match the schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
