"""A gate key, platform/scenario/backend/mode/threads/items/work_ns as
poolbench_gate and its gate.json name them, checked against the records'
vocabulary (records/schema.json) before anything is built or measured.
The mode is left to scripts/gate_run.sh, which maps it to the run's option."""
import os
import sys

from records.contract import RecordError, load_schema
from records.quote import quoted, where

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "report"))
import vocab  # noqa: E402  (report/ is a folder of modules, not a package)


class BadKey(ValueError):
    """A key that names nothing poolbench measures; str() is one line."""


def _int(text, what, key, lo, hi=None):
    if not (text.isascii() and text.isdigit()) or int(text) < lo or (hi is not None and int(text) > hi):
        top = f"..{hi}" if hi is not None else " or more"
        raise BadKey(f"{where(key)}: {what} must be an integer {lo}{top}, not {quoted(text)}")
    return int(text)


def parse(key):
    """The key with its numbers as the gate writes them (threads and items
    as integers, work_ns as %.15g), or BadKey saying what is wrong."""
    try:
        c = load_schema()
    except RecordError as e:
        raise BadKey(str(e))
    fields = ("platform",) + c.key_fields
    parts = key.split("/")
    if len(parts) != len(fields) or not all(parts):
        raise BadKey(f"{where(key)}: expected {'/'.join(fields)}, "
                     "e.g. native/forkjoin/spin/warm/2/2/0 (the keys of a gate.json)")
    f = dict(zip(fields, parts))
    names = c.names
    if f["scenario"] == names["references"]["scenario"]:
        raise BadKey(f"{where(key)}: a same-run reference, reported by the gate but never judged")
    for field, known in (("platform", names["platforms"]), ("scenario", names["scenarios"]),
                         ("backend", names["backends"])):
        if f[field] not in known:
            raise BadKey(f"{where(key)}: unknown {field} {quoted(f[field])} "
                         f"(records/schema.json: {', '.join(known)})")
    for field, only in (("backend", names["native_only_backends"]),
                        ("scenario", names["native_only_scenarios"])):
        if f["platform"] != vocab.NATIVE and f[field] in only:
            raise BadKey(f"{where(key)}: the {field} {f[field]} is measured on {vocab.NATIVE} only")
    f["threads"] = _int(f["threads"], "threads", key, c.min_threads, c.max_threads)
    f["items"] = _int(f["items"], "items", key, 0)
    try:
        work = float(f["work_ns"])
    except ValueError:
        work = -1.0
    if not 0 <= work <= c.max_abs_number:
        raise BadKey(f"{where(key)}: work_ns must be a number of ns >= 0, not {quoted(f['work_ns'])}")
    f["work_ns"] = f"{work:.15g}"
    return "/".join(str(f[k]) for k in fields)
