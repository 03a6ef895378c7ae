"""Reading poolbench records (NDJSON) in Python: the schema in
results/README.md, validation with file:line errors, and a run's records
grouped by platform. Used by the report and by tests/check_records.py."""
import json
import os
import re

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "README.md")
KEY_FIELDS = ("scenario", "backend", "mode", "threads", "items", "work_ns")


class RecordError(Exception):
    """A file that cannot be used; str() is the one-line message."""

    def __init__(self, path, line, what):
        super().__init__(f"{path}:{line}: {what}" if line else f"{path}: {what}")


def load_schema(path=README):
    """{record type: [(field, type, nullable, when)]} from the README tables."""
    schema, current = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):  # a section: a record type's table, or not
                m = re.match(r"^## `(\w+)`", line)
                current = schema.setdefault(m.group(1), []) if m else None
                continue
            m = re.match(r"^\| `(\w+)` \| ([\w<>?]+) \| ([^|]+) \|", line)
            if m and current is not None:
                typ = m.group(2)
                when = [w.strip() for w in m.group(3).split(",")]
                current.append((m.group(1), typ.rstrip("?"), typ.endswith("?"), when))
    if not schema:
        raise RecordError(path, 0, "no schema tables found")
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


def _applies(when, rec):
    for w in when:
        if w == "always":
            return True
        plat, _, scen = w.rpartition(":")
        if scen == rec.get("scenario") and (not plat or plat == rec.get("platform")):
            return True
    return False


def problems(rec, schema):
    """What is wrong with one parsed record against the schema ([] if nothing)."""
    if not isinstance(rec, dict) or rec.get("type") not in schema:
        kind = rec.get("type") if isinstance(rec, dict) else type(rec).__name__
        return [f"not a poolbench record (type {kind!r})"]
    out = []
    for field, typ, nullable, when in schema[rec["type"]]:
        if not _applies(when, rec):
            continue
        if field not in rec:
            out.append(f"{rec['type']} {rec.get('scenario', '')} lacks '{field}'".replace("  ", " "))
        elif rec[field] is None:
            if not nullable:
                out.append(f"'{field}' is null")
        elif not type_ok(rec[field], typ):
            out.append(f"'{field}' should be {typ}, is {rec[field]!r:.40}")
    return out


def read_file(path, schema, strict=True):
    """The records of one file, in order. strict: the first problem raises
    RecordError; else returns (records, [messages])."""
    msgs, recs = [], []

    def bad(line, what):
        if strict:
            raise RecordError(path, line, what)
        msgs.append(str(RecordError(path, line, what)))

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise RecordError(path, 0, f"cannot read: {e}")
    if not text.strip():
        bad(0, "empty file (no records)")
        return recs, msgs
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    else:
        bad(len(lines), "last line is not terminated by a newline (truncated?)")
    for no, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            bad(no, f"not complete JSON ({e.msg})")
            continue
        if no == 1 and (not isinstance(rec, dict) or rec.get("type") != "header"):
            bad(1, "first line is not a poolbench header (not a records file?)")
            continue
        for p in problems(rec, schema):
            bad(no, p)
        recs.append(rec)
    return recs, msgs


class Platform:
    """The records of one platform in a run."""

    def __init__(self, name, header):
        self.name, self.header = name, header
        self.measurements, self.breakeven, self.timelines, self.errors = [], [], [], []
        self.hazards, self.watchdogs, self.probes = [], [], []

    def find(self, scenario, **key):
        return [m for m in self.measurements if m["scenario"] == scenario
                and all(m.get(k) == v for k, v in key.items())]

    def reference(self, backend):
        """Median of a same-run ping-pong reference, or None."""
        r = self.find("pingpong", backend=backend)
        return r[0]["median"] if r else None


def load_run(path, schema=None):
    """{platform: Platform} from a run directory (every *.ndjson in it) or a
    single records file. Raises RecordError on anything unusable."""
    schema = schema or load_schema()
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".ndjson"))
        if not files:
            raise RecordError(path, 0, "no *.ndjson records in this directory")
    elif os.path.exists(path):
        files = [path]
    else:
        raise RecordError(path, 0, "no such file or directory")
    run = {}
    for f in files:
        recs, _ = read_file(f, schema)
        plat = Platform(recs[0]["platform"], recs[0])
        if plat.name in run:
            raise RecordError(f, 1, f"a second file for platform {plat.name}")
        for r in recs[1:]:
            {"measurement": plat.measurements, "breakeven": plat.breakeven,
             "timeline": plat.timelines, "error": plat.errors,
             "hazard": plat.hazards, "watchdog": plat.watchdogs,
             "pyodide_probe": plat.probes}.get(r["type"], []).append(r)
        run[plat.name] = plat
    return run
