#!/usr/bin/env python3
"""records/upgrade.py: a schema-1 file that keeps today's rules is relabelled
(and then read), the original kept beside it; one that does not, or of a
version the schema does not name, is refused and left exactly as it was."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)
from records.contract import load_schema  # noqa: E402
from records.reader import read_file  # noqa: E402

UPGRADE = os.path.join(ROOT, "records", "upgrade.py")
failures = 0


def check(ok, what):
    global failures
    print(("ok: " if ok else "FAIL: ") + what)
    failures += not ok


def run(*files):
    p = subprocess.run([sys.executable, UPGRADE, *files], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stderr.strip()


def relabel(src, dst, version, body_edit=None):
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[0] = lines[0].replace(f'"schema":{contract.schema}', f'"schema":{version}', 1)
    if body_edit:
        lines[1] = body_edit(lines[1])
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


contract = load_schema()
src = sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "run", "*.ndjson")))[0]
check(f'"schema":{contract.schema}' in open(src, encoding="utf-8").readline(), f"{src} is a current file")
old = contract.relabel_from[0]
with tempfile.TemporaryDirectory() as d:
    f = os.path.join(d, "old.ndjson")
    relabel(src, f, old)
    before = open(f, "rb").read()
    rc, err = run(f)
    check(rc == 0 and f"schema {old} -> {contract.schema}" in err, f"schema {old} relabelled ({rc}: {err})")
    check(open(f + f".schema{old}", "rb").read() == before, "the original kept beside it")
    check(len(read_file(f, contract)[0]) == len(read_file(src, contract)[0]), "the relabelled file reads in full")
    rc, err = run(f)
    check(rc == 0 and err == "", "a current file is left alone")

    for name, version, edit, expect in [
        ("unknown", 0, None, "cannot be relabelled"),
        ("broken", old, lambda line: line.replace('"median":', '"median":-', 1), ":2:"),
        ("newer", contract.schema + 1, None, "cannot be relabelled"),
    ]:
        g = os.path.join(d, name + ".ndjson")
        relabel(src, g, version, edit)
        before = open(g, "rb").read()
        rc, err = run(g)
        check(rc == 2 and expect in err and err.count("\n") == 0, f"{name}: refused in one line ({rc}: {err})")
        check(open(g, "rb").read() == before and not glob.glob(g + ".*"), f"{name}: left as it was")
    shutil.rmtree(d, ignore_errors=True)
sys.exit(1 if failures else 0)
