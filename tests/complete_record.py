"""Test data that keeps the record contract: complete(rec) adds every field
the schema (results/README.md) requires of rec and rec lacks, with a plain
value of its type, so a test's hand-made records stay short and valid."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
import records  # noqa: E402

PLAIN = {"string": "x", "integer": 0, "number": 0, "boolean": False, "object": {}}


def complete(rec, contract=records.load_schema()):
    for field, typ, nullable, when in contract.types[rec["type"]]:
        if field not in rec and records._applies(when, rec):
            rec[field] = None if nullable else [] if typ.startswith("array") else PLAIN[typ]
    return rec
