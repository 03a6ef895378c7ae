#!/usr/bin/env python3
"""Relabels records files of an older schema version as the current one,
where the schema says that version's files keep every current rule
(records/schema.json's relabel_from). Each file is checked in full against
the current contract before it is replaced; the original is kept beside it
as FILE.schemaN. A file already current is left alone.

usage: upgrade.py FILE...   exit 0 when every file is current afterwards,
                            2 when one cannot be (it is left as it was)

What it is for: gating a commit against one from before a schema bump
(scripts/gate_run.sh --base), whose build writes the older version.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from records.contract import RecordError, load_schema  # noqa: E402
from records.reader import open_records, read_file, schema_mismatch  # noqa: E402


def upgrade(path, contract):
    """Relabels one file; returns its former version, or None if it was current."""
    with open_records(path, contract) as f:
        first = f.readline(contract.max_line_bytes + 2)
        rest = f.read()
    try:
        header = json.loads(first)
        version = header["schema"] if isinstance(header, dict) else None
    except (ValueError, KeyError):
        raise RecordError(path, 1, "first line is not a poolbench header (not a records file?)")
    if version == contract.schema:
        return None
    if version not in contract.relabel_from:
        raise RecordError(path, 1, schema_mismatch(version, contract.schema) +
                          "; it cannot be relabelled")
    header["schema"] = contract.schema
    line = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    tmp = f"{path}.upgrade.{os.getpid()}"
    try:
        with open(tmp, "wb") as out:
            out.write(line + rest)
        try:
            read_file(tmp, contract)  # the whole file against today's rules
        except RecordError as e:  # named after the file given, not the copy
            raise RecordError(path, e.line, e.what)
        os.link(path, f"{path}.schema{version}")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return version


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    try:
        contract = load_schema()
        for path in argv:
            old = upgrade(path, contract)
            if old is not None:
                print(f"upgrade: {path}: schema {old} -> {contract.schema}", file=sys.stderr)
    except RecordError as e:
        print(f"upgrade: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"upgrade: {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
