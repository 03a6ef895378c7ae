"""Test data that keeps the record contract: complete(rec) adds every field
the schema (records/schema.json) requires of rec and rec lacks, with a plain
value of its type, so a test's hand-made records stay short and valid."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from records.contract import applies, load_schema  # noqa: E402

SCHEMA = load_schema().schema  # the version a header of this contract carries
PLAIN = {"string": "x", "integer": 0, "number": 0, "boolean": False, "object": {}}


def complete(rec, contract=load_schema()):
    for field, typ, nullable, when in contract.types[rec["type"]]:
        if field not in rec and applies(when, rec):
            rec[field] = None if nullable else [] if typ.startswith("array") else PLAIN[typ]
    return rec
