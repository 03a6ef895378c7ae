#!/usr/bin/env python3
"""The two record readers keep one contract: every input, from the fuzz
corpus, the fixtures, the baseline and a seeded set of mutations, gets the
same verdict (accepted, or refused at the same line) from the Python reader
(records/reader.py) and the C reader (records_check, the gate's), and the
Python reader never raises anything but its one-line RecordError.

usage: test_contract.py RECORDS_CHECK [--n N] [--seed S]
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, ROOT)
from records.contract import RecordError, load_schema  # noqa: E402
from records.reader import read_file  # noqa: E402

NUMBERS = ["01", "1.", "-0", "1e999", "1E5", "-", "0.5e-3", "NaN", "Infinity", "12345678901234567890",
           "1e15", "1000000000000001", "-1000000000000000", "2.0", "2.5", "+1", ".5", "1e", "0x10", "-1"]
STRINGS = ['"a\\u0000b"', '"\\ud800"', '"\\udc00x"', '"\\ud83d\\ude00"', '"\u00e9"', '"spin\\n"', '"x y"',
           '"\\x"', '""', '"a\tb"', '"' + "n" * 65 + '"', '"spin/warm"', '"ok-name_1.2:3+"']
FIELD = r'"(\w+)": ?("(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|null|true|false)'
OLDER = "schema 1 file: written by an older poolbench; re-run it"
BOM = b"\xef\xbb\xbf"  # cJSON skips it before a value; JSON has none
BYTES = [b'"', b"{", b"}", b"[", b"]", b",", b":", b"\\", b"\x00", b"\x7f", b"\xff", b"\xc3", b"\xed\xa0\x80",
         b"\t", b"\r", b"\x0c", b" ", b"0", b"-", b"e", b".", b"\n", BOM]


def seeds():
    """Small valid files: the fixture's header and a few of its records."""
    out = []
    fix = os.path.join(ROOT, "tests", "fixtures", "run")
    for name in sorted(os.listdir(fix)):
        lines = open(os.path.join(fix, name), "rb").read().split(b"\n")[:-1]
        out.append(b"\n".join(lines[:4]) + b"\n")
        out.append(b"\n".join([lines[0]] + lines[-3:]) + b"\n")
    return out


def mutate(data, rnd):
    text = data or b"\n"
    kind = rnd.randrange(9)
    if kind == 0:  # one byte changed
        i = rnd.randrange(len(text))
        return text[:i] + rnd.choice(BYTES) + text[i + 1:]
    if kind == 1:  # one byte inserted
        i = rnd.randrange(len(text))
        return text[:i] + rnd.choice(BYTES) + text[i:]
    if kind == 2:  # cut short
        return text[:rnd.randrange(len(text))]
    lines = text.split(b"\n")[:-1]
    if not lines:
        return text + b"\n"
    if kind == 3:  # a line twice, or two lines swapped
        i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
        if rnd.random() < 0.5:
            lines.insert(j, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines) + b"\n"
    i = rnd.randrange(len(lines))
    s = lines[i].decode("utf-8", "replace")
    if kind == 4:  # a number literal replaced
        nums = list(re.finditer(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", s))
        if nums:
            m = rnd.choice(nums)
            s = s[:m.start()] + rnd.choice(NUMBERS) + s[m.end():]
    elif kind == 5:  # a string value replaced
        strs = list(re.finditer(r'"(?:[^"\\]|\\.)*"', s))
        if strs:
            m = rnd.choice(strs)
            s = s[:m.start()] + rnd.choice(STRINGS) + s[m.end():]
    elif kind == 6:  # a key twice, with the same value
        fields = list(re.finditer(FIELD, s))
        if fields:
            s = s.replace("{", "{" + rnd.choice(fields).group(0) + ",", 1)
    elif kind == 7:  # deeper nesting
        k = rnd.choice([3, 7, 8, 9, 40])
        s = s.replace('"samples":', '"samples":' + "[" * k, 1) + "]" * k if '"samples":' in s else s
    else:  # a field removed, or its value turned into another type
        fields = list(re.finditer(FIELD, s))
        if fields:
            m = rnd.choice(fields)
            repl = rnd.choice(["", f'"{m.group(1)}":null', f'"{m.group(1)}":"x"', f'"{m.group(1)}":[]',
                               f'"{m.group(1)}":true', f'"{m.group(1)}":{{}}'])
            s = s[:m.start()] + repl + s[m.end():]
            s = s.replace(",,", ",").replace("{,", "{").replace(",}", "}")
    lines[i] = s.encode("utf-8", "surrogatepass")
    return b"\n".join(lines) + b"\n"


def must_refuse():
    """{name: (file, line)}: inputs of the trust issue that both readers must
    refuse, at that line (agreement alone would pass if both took them)."""
    fix = os.path.join(ROOT, "tests", "fixtures", "run", "native.ndjson")
    hdr, rec = open(fix, "rb").read().split(b"\n")[:2]
    out = {
        "concatenated runs": (hdr + b"\n" + rec + b"\n" + hdr + b"\n" + rec + b"\n", 3),
        "duplicate key": (hdr + b"\n" + rec.replace(b"{", b'{"median":1,', 1) + b"\n", 2),
        "NaN": (hdr + b"\n" + rec.replace(b'"median":', b'"median":NaN,"x":', 1) + b"\n", 2),
        "1e999": (hdr + b"\n" + rec.replace(b'"median":', b'"median":1e999,"x":', 1) + b"\n", 2),
        "5000 digits": (hdr + b"\n" + rec.replace(b'"median":', b'"median":' + b"9" * 5000 + b',"x":', 1) + b"\n", 2),
        "deep nesting": (hdr + b"\n" + b"[" * 30000 + b"]" * 30000 + b"\n", 2),
        "schema 1, an older file": (hdr.replace(b'"schema":2', b'"schema":1') + b"\n" + rec + b"\n", 1),
        "schema 3": (hdr.replace(b'"schema":2', b'"schema":3') + b"\n" + rec + b"\n", 1),
        "platform not the header's": (hdr + b"\n" + rec.replace(b'"platform":"native"', b'"platform":"node"') + b"\n", 2),
        "newline in a name": (hdr + b"\n" + re.sub(rb'"backend":"[^"]*"', rb'"backend":"spin\\n!id"', rec) + b"\n", 2),
        "negative median": (hdr + b"\n" + re.sub(rb'"median":[0-9.e+]+', b'"median":-1', rec) + b"\n", 2),
        "BOM at the file's start": (BOM + hdr + b"\n" + rec + b"\n", 1),
        "BOM at a later line's start": (hdr + b"\n" + BOM + rec + b"\n", 2),
    }
    # A field that may be absent ([forkjoin]: older runs lack it) is still
    # checked when present.
    fj = os.path.join(ROOT, "tests", "fixtures", "run_forkjoin", "native.ndjson")
    fj_lines = open(fj, "rb").read().split(b"\n")
    fj_rec = next(x for x in fj_lines if b'"scenario":"forkjoin"' in x)
    assert b'"p99"' not in fj_rec, "the fixture's forkjoin record should predate p99"
    out["forkjoin p99 a string"] = (fj_lines[0] + b"\n" + fj_rec.replace(b"{", b'{"p99":"x",', 1) + b"\n", 2)
    return out


def verdict(message):
    """(accepted, line) of a one-line verdict."""
    if message.startswith("ok "):
        return (True, 0)
    m = re.match(r".*?\.ndjson:(\d+): ", message)
    return (False, int(m.group(1)) if m else -1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records_check")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    inputs = [open(os.path.join(d, f), "rb").read()
              for d in (os.path.join(ROOT, "tests", "fixtures", "fuzz_corpus"),
                        os.path.join(ROOT, "tests", "fixtures", "run"),
                        os.path.join(ROOT, "results", "baseline"))
              for f in sorted(os.listdir(d))]
    base = seeds()
    inputs += base
    refuse = must_refuse()
    first_refuse = len(inputs)
    inputs += [data for data, _ in refuse.values()]
    for _ in range(a.n):
        data = rnd.choice(base)
        for _ in range(rnd.choice([1, 1, 1, 2, 3])):
            data = mutate(data, rnd) or b"\n"
        inputs.append(data)
    contract = load_schema()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k, data in enumerate(inputs):
            p = os.path.join(tmp, f"{k:05d}.ndjson")
            with open(p, "wb") as f:
                f.write(data)
            paths.append(p)
        c_out = []
        for i in range(0, len(paths), 500):
            r = subprocess.run([a.records_check] + paths[i:i + 500], capture_output=True, timeout=120)
            if r.returncode not in (0, 2) or r.stderr:
                sys.exit(f"FAIL: records_check exited {r.returncode}: {r.stderr[:300]!r}")
            c_out += r.stdout.decode("utf-8", "replace").splitlines()
        if len(c_out) != len(paths):
            sys.exit(f"FAIL: records_check gave {len(c_out)} verdicts for {len(paths)} files")
        diffs, accepted, py_out = [], 0, []
        for p, c in zip(paths, c_out):
            try:
                read_file(p, contract)
                py = f"ok {p}"
            except RecordError as e:
                py = str(e)
                if "\n" in py:
                    sys.exit(f"FAIL: a message on two lines: {py!r}")
            except Exception as e:  # noqa: BLE001 - any other exception is the bug under test
                sys.exit(f"FAIL: {p}: the Python reader raised {type(e).__name__}: {e}\n"
                         f"input: {open(p, 'rb').read()[:400]!r}")
            accepted += py.startswith("ok ")
            py_out.append(py)
            if verdict(py) != verdict(c):
                diffs.append((p, py, c))
        for k, (name, (_, line)) in enumerate(refuse.items()):
            got = (verdict(py_out[first_refuse + k]), verdict(c_out[first_refuse + k]))
            if got != ((False, line), (False, line)):
                sys.exit(f"FAIL: {name}: want both readers to refuse line {line}, got python {got[0]}, c {got[1]}")
            if name.endswith("an older file") and not all(
                    OLDER in m for m in (py_out[first_refuse + k], c_out[first_refuse + k])):
                sys.exit(f"FAIL: {name}: want {OLDER!r} from both readers, got python "
                         f"{py_out[first_refuse + k]!r}, c {c_out[first_refuse + k]!r}")
        for p, py, c in diffs[:8]:
            line = verdict(py)[1] or verdict(c)[1] or 1
            raw = open(p, "rb").read().split(b"\n")
            print(f"DIFF {p}\n  python: {py}\n  c:      {c}\n  line:   {raw[max(line - 1, 0)][:300]!r}")
        if diffs:
            sys.exit(f"FAIL: {len(diffs)} of {len(paths)} inputs judged differently by the two readers")
    print(f"ok: {len(paths)} inputs ({accepted} accepted), the same verdict and line from both readers; "
          f"both refuse {', '.join(refuse)}")


if __name__ == "__main__":
    main()
