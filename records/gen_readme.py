#!/usr/bin/env python3
"""The tables of results/README.md generated from records/schema.json: the
limits, the noise rule's constants and each record type's fields, each
between a pair of markers; the prose around them stays hand-written.

usage: gen_readme.py [README]          rewrite the generated tables in place
       gen_readme.py --check [README]  exit 1, naming the stale table, if any differs
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from records.contract import RecordError, load_schema  # noqa: E402

README = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "README.md"))
BEGIN = "<!-- generated from records/schema.json by records/gen_readme.py: {} -->"
END = "<!-- end of generated: {} -->"
BLOCK = re.compile(r"<!-- generated from records/schema\.json by records/gen_readme\.py: ([\w:]+) -->\n"
                   r"(.*?)<!-- end of generated: \1 -->", re.S)


def value(v):
    if isinstance(v, str):
        return f"`{v}`"
    if isinstance(v, float) and v.is_integer() and abs(v) >= 1e6:
        return f"{v:.0e}".replace("e+", "e")  # 1e15, as a reader writes it
    return str(v)


def two_columns(head, rows):
    return "\n".join([f"| {head} | value |", "|---|---|"] + [f"| `{k}` | {value(v)} |" for k, v in rows]) + "\n"


def fields(spec):
    out = ["| field | type | when | meaning |", "|---|---|---|---|"]
    for f in spec["fields"]:
        typ = f["type"] + ("?" if f.get("nullable") else "")
        when = ", ".join(f"[{w}]" if f.get("optional") else w for w in f["when"])
        out.append(f"| `{f['name']}` | {typ} | {when} | {f['meaning']} |".replace("|  |", "| |"))
    return "\n".join(out) + "\n"


def tables(schema):
    """{block name: its generated text}."""
    out = {"limits": two_columns("limit", [("schema", schema["version"])] + list(schema["limits"].items())),
           "noise": two_columns("bound", list(schema["noise"].items()))}
    for t, spec in schema["types"].items():
        out[f"type:{t}"] = fields(spec)
    return out


def regenerate(text, schema):
    """(text with every generated block rewritten, [stale block names]);
    RecordError-free: a block missing from the text is named as stale."""
    want, stale = tables(schema), []

    def sub(m):
        name = m.group(1)
        if name not in want:
            stale.append(f"{name} (no such table in the schema)")
            return m.group(0)
        if m.group(2) != want[name]:
            stale.append(name)
        return BEGIN.format(name) + "\n" + want.pop(name) + END.format(name)

    text = BLOCK.sub(sub, text)
    stale += [f"{name} (no markers for it)" for name in want]
    return text, stale


def main(argv):
    check = bool(argv) and argv[0] == "--check"
    args = argv[1:] if check else argv
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = args[0] if args else README
    try:
        schema = load_schema().raw
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (RecordError, OSError) as e:
        print(f"gen_readme: {e}", file=sys.stderr)
        return 2
    new, stale = regenerate(text, schema)
    if check:
        if stale:
            print(f"gen_readme: {path}: generated tables differ from records/schema.json: "
                  f"{', '.join(stale)} (run python3 records/gen_readme.py)", file=sys.stderr)
            return 1
        return 0
    if any("no markers" in s or "no such table" in s for s in stale):
        print(f"gen_readme: {path}: {', '.join(s for s in stale if '(' in s)}", file=sys.stderr)
        return 1
    if new != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
