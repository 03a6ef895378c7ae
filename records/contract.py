"""The record contract, read from records/schema.json: the limits, the
names, the noise rule's constants and the per-type field tables, and the
check of one parsed record against them."""
import json
import os
import re

from records.quote import where

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json")


class RecordError(Exception):
    """A file that cannot be used; str() is the one-line message."""

    def __init__(self, path, line, what):
        # The message may quote the input: keep it on one line whatever it holds.
        what = re.sub(r"[\x00-\x1f\x7f]", "?", str(what))
        self.line, self.what = line, what
        super().__init__(f"{where(path)}:{line}: {what}" if line else f"{where(path)}: {what}")


class Contract:
    """records/schema.json as the readers use it. types: {type: [(field,
    type, nullable, when)]}; optional: the {(field, when)} that may be absent."""

    def __init__(self, schema):
        limits = schema["limits"]
        self.raw = schema
        self.schema = int(schema["version"])
        self.relabel_from = tuple(int(v) for v in schema.get("relabel_from", ()))
        self.max_line_bytes = int(limits["max_line_bytes"])
        self.max_file_bytes = int(limits["max_file_bytes"])
        self.max_depth = int(limits["max_depth"])
        self.max_abs_number = float(limits["max_abs_number"])
        self.min_threads = int(limits["min_threads"])
        self.max_threads = int(limits["max_threads"])
        self.name = re.compile(limits["name_pattern"])
        self.beside_max = float(schema["noise"]["beside_max"])
        self.capacity_min = float(schema["noise"]["capacity_min"])
        self.names = schema["names"]
        self.key_fields = tuple(schema["key_fields"])
        self.name_fields = tuple(schema["name_fields"])
        self.non_negative = tuple(schema["non_negative"])
        self.types, self.optional = {}, set()
        for t, spec in schema["types"].items():
            fields = self.types.setdefault(t, [])
            for f in spec["fields"]:
                fields.append((f["name"], f["type"], bool(f.get("nullable")), list(f["when"])))
                if f.get("optional"):
                    self.optional.add((f["name"], ",".join(f["when"])))


def load_schema(path=SCHEMA):
    """The Contract of records/schema.json (or the schema file at path)."""
    try:
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
    except OSError as e:
        raise RecordError(path, 0, f"cannot read the schema: {e.strerror}")
    except ValueError as e:
        raise RecordError(path, 0, f"the schema is not JSON ({e})")
    try:
        return Contract(schema)
    except (KeyError, TypeError, ValueError, re.error) as e:
        raise RecordError(path, 0, f"the schema is incomplete ({e!r})")


def type_ok(value, typ):
    if typ == "string":
        return isinstance(value, str)
    if typ == "integer":  # JSON has one number type: 2.0 is the integer 2 (as in C)
        return (isinstance(value, int) and not isinstance(value, bool)
                or isinstance(value, float) and value.is_integer())
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
    """Whether a field's `when` (always, scenario or platform:scenario) covers rec."""
    for w in when:
        if w == "always":
            return True
        plat, _, scen = w.rpartition(":")
        if scen == rec.get("scenario") and (not plat or plat == rec.get("platform")):
            return True
    return False


def problems(rec, contract):
    """What is wrong with one parsed record against the schema tables and the
    name and range rules ([] if nothing)."""
    if not isinstance(rec, dict) or not isinstance(rec.get("type"), str):
        return ["not a poolbench record (no \"type\")"]
    if rec["type"] not in contract.types:
        return [f"unknown record type {rec['type']!r:.40}"]
    out = []
    for field in contract.name_fields:
        v = rec.get(field)
        if isinstance(v, str) and not contract.name.fullmatch(v):
            out.append(f"'{field}' {v!r:.40} is not a name ({contract.name.pattern})")
    flags = rec.get("flags")
    if isinstance(flags, list):
        out += [f"flag {v!r:.40} is not a name" for v in flags
                if isinstance(v, str) and not contract.name.fullmatch(v)]
    for field, typ, nullable, when in contract.types[rec["type"]]:
        if not applies(when, rec):
            continue
        if field not in rec:
            if (field, ",".join(when)) in contract.optional:
                continue
            out.append(f"{rec['type']} {rec.get('scenario', '')} lacks '{field}'".replace("  ", " "))
        elif rec[field] is None:
            if not nullable:
                out.append(f"'{field}' is null")
        elif not type_ok(rec[field], typ):
            out.append(f"'{field}' should be {typ}, is {rec[field]!r:.40}")
    if out:
        return out
    t = rec.get("threads")
    if type_ok(t, "integer") and not contract.min_threads <= t <= contract.max_threads:
        out.append(f"'threads' is {t}, outside {contract.min_threads}..{contract.max_threads}")
    if rec["type"] == "measurement":
        out += [f"'{f}' is negative ({rec[f]})" for f in contract.non_negative if rec[f] < 0]
        out += [f"'samples[{i}]' is negative ({v})" for i, v in enumerate(rec["samples"]) if v < 0]
    return out
