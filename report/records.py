#!/usr/bin/env python3
"""Reading poolbench records (NDJSON) in Python: the contract and schema in
results/README.md, validation with one-line FILE:LINE errors, and a run's
records grouped by platform. Used by the report, targets, platforms,
tests/check_records.py and, as `records.py stream`, by the browser run's
server for every line posted to it.

usage: records.py check FILE...             exit 0 if every file keeps the contract, else 2
       records.py c-header OUT.h            the contract as C, for the gate's reader
       records.py stream --platform P FILE  validate lines from stdin for FILE: one
                                            answer line each, `ok` or `error FILE:LINE: what`
"""
import json
import math
import os
import re
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from messages import where  # noqa: E402
from vocab import CAPACITY, NATIVE, PINGPONG, REFERENCE_CHECK  # noqa: E402

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "README.md")
KEY_FIELDS = ("scenario", "backend", "mode", "threads", "items", "work_ns")
NAME_FIELDS = ("type", "platform", "scenario", "backend", "mode", "unit")
NON_NEGATIVE = ("work_ns", "median", "items")


class RecordError(Exception):
    """A file that cannot be used; str() is the one-line message."""

    def __init__(self, path, line, what):
        # The message may quote the input: keep it on one line whatever it holds.
        what = re.sub(r"[\x00-\x1f\x7f]", "?", str(what))
        super().__init__(f"{where(path)}:{line}: {what}" if line else f"{where(path)}: {what}")


class Contract:
    """The limits, the bound of what ran beside a job, and the per-type
    field tables of results/README.md."""

    def __init__(self, limits, types, optional=frozenset()):
        self.schema = int(limits["schema"])
        self.max_line_bytes = int(limits["max_line_bytes"])
        self.max_file_bytes = int(limits["max_file_bytes"])
        self.max_depth = int(limits["max_depth"])
        self.max_abs_number = float(limits["max_abs_number"])
        self.min_threads = int(limits["min_threads"])
        self.max_threads = int(limits["max_threads"])
        self.name = re.compile(limits["name_pattern"])
        self.beside_max = float(limits["beside_max"])
        self.types = types
        self.optional = optional  # {(field, when)} that may be absent


def load_schema(path=README):
    """The Contract read from the README: its limit table and, per record
    type, [(field, type, nullable, when)] from the type's table."""
    types, limits, current, optional = {}, {}, None, set()
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise RecordError(path, 0, f"cannot read the schema: {e.strerror}")
    for line in text.splitlines():
        if line.startswith("## "):  # a section: a record type's table, or not
            m = re.match(r"^## `(\w+)`", line)
            current = types.setdefault(m.group(1), []) if m else None
            continue
        # The limit table (two columns) is outside the record types' sections,
        # whose own two-column tables describe an object field's keys.
        m = re.match(r"^\| `(\w+)` \| `?([^|`]+?)`? \|$", line)
        if m and current is None:
            limits[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^\| `(\w+)` \| ([\w<>?]+) \| ([^|]+) \|", line)
        if m and current is not None:
            typ = m.group(2)
            when = [w.strip() for w in m.group(3).split(",")]
            current.append((m.group(1), typ.rstrip("?"), typ.endswith("?"), when))
            # "[scenario]": the field may be absent there (added later).
            if all(w.startswith("[") and w.endswith("]") for w in when):
                optional.add((m.group(1), ",".join(w[1:-1] for w in when)))
                current[-1] = (m.group(1), typ.rstrip("?"), typ.endswith("?"), [w[1:-1] for w in when])
    if not types:
        raise RecordError(path, 0, "no schema tables found")
    try:
        return Contract(limits, types, optional)
    except (KeyError, ValueError, re.error) as e:
        raise RecordError(path, 0, f"the contract's limit table is incomplete ({e})")


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


def _applies(when, rec):
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
    for field in NAME_FIELDS:
        v = rec.get(field)
        if isinstance(v, str) and not contract.name.fullmatch(v):
            out.append(f"'{field}' {v!r:.40} is not a name ({contract.name.pattern})")
    flags = rec.get("flags")
    if isinstance(flags, list):
        out += [f"flag {v!r:.40} is not a name" for v in flags
                if isinstance(v, str) and not contract.name.fullmatch(v)]
    for field, typ, nullable, when in contract.types[rec["type"]]:
        if not _applies(when, rec):
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
        out += [f"'{f}' is negative ({rec[f]})" for f in NON_NEGATIVE if rec[f] < 0]
        out += [f"'samples[{i}]' is negative ({v})" for i, v in enumerate(rec["samples"]) if v < 0]
    return out


class _Bad(ValueError):
    """A rule broken while parsing one line (the message is the rule)."""


def _depth(line):
    """(deepest bracket nesting, whether the text ends inside a string or
    with brackets open) of a JSON text: checked before parsing so a deep input
    cannot exhaust the parser's recursion; the second tells a line cut short."""
    depth = deepest = 0
    in_str = esc = False
    for ch in line:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest, in_str or depth > 0


def parse_line(raw, contract):
    """One line (bytes, without its newline) -> the parsed object; _Bad names
    the broken rule."""
    if len(raw) > contract.max_line_bytes:
        raise _Bad(f"line of {len(raw)} bytes, over the contract's {contract.max_line_bytes}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _Bad(f"not UTF-8 at byte {e.start + 1}")
    if not text.strip(" \t\r"):
        raise _Bad("empty line (every line must be one JSON object)")
    if text.startswith("\ufeff"):
        raise _Bad("a byte order mark (U+FEFF) at the start of the line: not JSON")
    deepest, open_at_end = _depth(text)
    if deepest > contract.max_depth:
        raise _Bad(f"nested deeper than the contract's {contract.max_depth} levels")
    limit = contract.max_abs_number

    def number(s, value):
        if not math.isfinite(value) or abs(value) > limit:
            raise _Bad(f"number {s:.30} is not finite or beyond ±{limit:g}")
        return value

    def parse_int(s):
        if len(s) > 20:  # a longer literal is beyond the limit; int() of it is slow or refused
            raise _Bad(f"number {s:.30}... is beyond ±{limit:g}")
        return number(s, int(s))

    def constant(s):
        raise _Bad(f"{s} is not a finite number")

    def pairs(kv):
        obj = {}
        for k, v in kv:
            if k in obj:
                raise _Bad(f"key {k!r:.40} appears twice in one object")
            obj[k] = v
        return obj

    try:
        rec = json.loads(text, parse_int=parse_int, parse_float=lambda s: number(s, float(s)),
                         parse_constant=constant, object_pairs_hook=pairs)
    except json.JSONDecodeError as e:
        if open_at_end:  # a write cut short (a crash mid-line, a partial copy)
            raise _Bad(f"truncated line: the JSON object is cut off after {len(raw)} bytes")
        raise _Bad(f"invalid JSON near column {e.colno} ({e.msg})")
    if not isinstance(rec, dict):
        raise _Bad(f"{type(rec).__name__}, expected a JSON object")
    _check_strings(rec)
    return rec


def _check_strings(v):
    """No NUL and no lone surrogate (\\ud800) in any key or string: a C
    reader cannot hold the first and refuses the second."""
    items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
    for k, x in items:
        for t in (k, x):
            if isinstance(t, str) and _BAD_CHARS.search(t):
                raise _Bad("a string holds NUL or a lone UTF-16 surrogate")
        if isinstance(x, (dict, list)):
            _check_strings(x)


_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


class Reader:
    """The contract's state across the lines of one file: feed it lines in
    order; each returns the record or raises RecordError for that line."""

    def __init__(self, path, contract):
        self.path, self.contract = path, contract
        self.line, self.platform = 0, None

    def feed(self, raw, problems_out=None):
        """Checks the next line. With problems_out (a list), schema problems
        are collected there instead of raised (the record is still returned)."""
        self.line += 1
        try:
            rec = parse_line(raw, self.contract)
        except _Bad as e:
            raise RecordError(self.path, self.line, e)
        header = rec.get("type") == "header"
        if self.line == 1 and not header:
            raise RecordError(self.path, 1, "first line is not a poolbench header (not a records file?)")
        if self.line > 1 and header:
            raise RecordError(self.path, self.line, "a second header (two runs in one file?)")
        if header:
            if rec.get("schema") != self.contract.schema:
                raise RecordError(self.path, 1, f"schema {rec.get('schema')!r:.20}, this reader reads "
                                  f"schema {self.contract.schema}")
            self.platform = rec.get("platform")
        elif "platform" in rec and rec["platform"] != self.platform:
            raise RecordError(self.path, self.line, f"platform {rec['platform']!r:.40} differs from "
                              f"the header's {self.platform!r:.40}")
        for p in problems(rec, self.contract):
            if problems_out is None:
                raise RecordError(self.path, self.line, p)
            problems_out.append(str(RecordError(self.path, self.line, p)))
        for field, typ, _, _ in self.contract.types.get(rec.get("type"), ()):
            if typ == "integer" and isinstance(rec.get(field), float):
                rec[field] = int(rec[field])
        return rec


def open_records(path, contract):
    """The file at path opened for reading, binary: a regular file only,
    checked on the descriptor opened without waiting (a FIFO would block, a
    device never end), of at most the contract's max_file_bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise RecordError(path, 0, f"cannot read: {e.strerror}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RecordError(path, 0, "not a regular file")
        if st.st_size > contract.max_file_bytes:
            raise RecordError(path, 0, f"{st.st_size} bytes, over the contract's {contract.max_file_bytes}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _lines(path, f, contract):
    """(line without its newline, whether it had one) of an open records
    file, one at a time: no line longer than max_line_bytes is ever held,
    nor more than max_file_bytes read (the file may grow while read)."""
    total = n = 0
    while True:
        raw = f.readline(contract.max_line_bytes + 2)
        if not raw:
            return
        n += 1
        total += len(raw)
        if total > contract.max_file_bytes:
            raise RecordError(path, n, f"the file passed the contract's {contract.max_file_bytes} bytes")
        terminated = raw.endswith(b"\n")
        raw = raw[:-1] if terminated else raw
        if len(raw) > contract.max_line_bytes:
            raise RecordError(path, n, f"line of more than {contract.max_line_bytes} bytes, over the "
                              f"contract's {contract.max_line_bytes}")
        yield raw, terminated


def read_file(path, contract, strict=True):
    """The records of one file, in order. strict: the first problem raises
    RecordError; else schema problems are returned as (records, [messages])
    (a broken contract, such as invalid JSON or a second header, still raises)."""
    reader, recs, msgs = Reader(path, contract), [], []
    blank = 0  # leading blank lines: an empty line, or an empty file once the end says so
    terminated, n = True, 0
    with open_records(path, contract) as f:
        for raw, terminated in _lines(path, f, contract):
            n += 1
            if not recs and not raw.strip(b" \t\r"):
                blank += 1
                continue
            if blank:
                reader.feed(b"")  # raises: line 1 is empty
            recs.append(reader.feed(raw, None if strict else msgs))
    if not recs:
        raise RecordError(path, 1, "empty file: no header line")
    if not terminated and strict:
        raise RecordError(path, n, "last line is not terminated by a newline (truncated?)")
    return recs, msgs


# Scenarios measured at a P of their own whatever the run's: the same-run
# references (pingpong is two threads; capacity, the cores the run got).
OWN_P = (PINGPONG, CAPACITY)


class Platform:
    """The records of one platform in a run."""

    def __init__(self, name, header):
        self.name, self.header = name, header
        self.measurements, self.breakeven, self.timelines, self.errors = [], [], [], []
        self.hazards, self.watchdogs, self.probes, self.drifts = [], [], [], []
        self.checks = []  # reference_check records, in file order
        # {id(measurement): (the spin reference before it, the one after it)}:
        # see add().
        self._around = {}
        self._pending, self._last_ref = [], None
        # Whether the file's last record is its `end` (the run finished),
        # and the last job it got to (a measurement or error): see cut_short().
        self.ended, self._last_job = False, None
        # The native platform of the same run folder (set by load_run; None
        # when the run has none): what a Wasm figure's physics is checked on.
        self.native = None

    def add(self, r):
        """Files record r (the next one of the file, in order). A measurement
        is placed between the spin references measured around it: the last
        reference_check before it, or the run's own spin pingpong (an
        appended sweep measures its own), and the first reference_check
        after it (None until one comes: the last job of a run cut short)."""
        self.ended = r["type"] == "end"
        if r["type"] in ("measurement", "error"):
            self._last_job = r
        if r["type"] == REFERENCE_CHECK and r.get("clean") is False:
            # Natively, a check every try of which another task interfered
            # with measured the load, not the vCPUs' placement: no reference
            # (the jobs on either side were judged by their own counters).
            return
        {"measurement": self.measurements, "breakeven": self.breakeven,
         "timeline": self.timelines, "error": self.errors,
         "hazard": self.hazards, "watchdog": self.watchdogs,
         "pyodide_probe": self.probes, "reference_drift": self.drifts,
         REFERENCE_CHECK: self.checks}.get(r["type"], []).append(r)
        spin = (self.header.get("references") or {}).get("spin")
        if r["type"] == REFERENCE_CHECK or (r["type"] == "measurement" and r["scenario"] == PINGPONG
                                            and spin and r["backend"] == spin):
            for m in self._pending:
                self._around[id(m)] = (self._last_ref, r if r["type"] == REFERENCE_CHECK else None)
            self._pending, self._last_ref = [], r
        elif r["type"] == "measurement":
            self._pending.append(r)
            self._around[id(r)] = (self._last_ref, None)

    def cut_short(self):
        """None when the file ends with its `end` record; else the last job it
        got to, in words ('forkjoin spin warm P=2'; 'header' for none)."""
        if self.ended:
            return None
        j = self._last_job
        if j is None:
            return "header"
        words = [j["scenario"]] + [v for v in (j.get("backend"), j.get("mode")) if v and v != "default"]
        return " ".join(words) + (f" P={j['threads']}" if "threads" in j else "") \
            + (" (an error)" if j["type"] == "error" else "")

    def around(self, m):
        """(before, after): the spin references measured around measurement m
        (a reference_check or the run's pingpong record; either may be None)."""
        return self._around.get(id(m), (None, None))

    def run_p(self):
        """The run's P, the header's options.threads: a sweep appended to the
        file (`--append --threads 1,4`) keeps the first run's header, so its
        records are the ones at other P. None when the header does not say."""
        p = (self.header.get("options") or {}).get("threads")
        return p if type_ok(p, "integer") else None

    def at_run_p(self, m):
        p = self.run_p()
        return p is None or m["threads"] == p or m["scenario"] in OWN_P

    def headline(self):
        """The measurements the report's headline views read: those at the
        run's P (and the references at theirs); a thread sweep's others are
        never ranked against them."""
        return [m for m in self.measurements if self.at_run_p(m)]

    def find(self, scenario, **key):
        """The headline measurements of scenario matching key; an explicit
        `threads` asks for that P (a record key: a baseline's counterpart)."""
        ms = self.across_p(scenario, **key)
        return ms if "threads" in key else [m for m in ms if self.at_run_p(m)]

    def across_p(self, scenario, **key):
        """Measurements of scenario matching key at every P the file holds."""
        return [m for m in self.measurements if m["scenario"] == scenario
                and all(m.get(k) == v for k, v in key.items())]

    def call_step_ns(self):
        """The step of the clock that timed single calls (latency, bursts,
        spaced fork-joins): the header's clock, else the system clock's."""
        clock = self.header.get("clock")
        step = clock.get("step_ns") if isinstance(clock, dict) else None
        ok = isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0
        return step if ok else self.header.get("timer_step_ns")

    def reference(self, backend):
        """Median of a same-run ping-pong reference, or None."""
        r = self.find(PINGPONG, backend=backend)
        return r[0]["median"] if r else None


def platform_of(recs):
    """A Platform of one file's records (recs[0] its header)."""
    plat = Platform(recs[0]["platform"], recs[0])
    for r in recs[1:]:
        plat.add(r)
    return plat


def load_run(path, contract=None):
    """{platform: Platform} from a run directory (every *.ndjson in it) or a
    single records file. Raises RecordError on anything unusable."""
    contract = contract or load_schema()
    if os.path.isdir(path):
        try:
            names = os.listdir(path)
        except OSError as e:
            raise RecordError(path, 0, f"cannot list: {e.strerror}")
        files = sorted(os.path.join(path, f) for f in names if f.endswith(".ndjson"))
        if not files:
            raise RecordError(path, 0, "no *.ndjson records in this directory")
    elif os.path.exists(path):
        files = [path]
    else:
        raise RecordError(path, 0, "no such file or directory")
    run = {}
    for f in files:
        recs, _ = read_file(f, contract)
        plat = platform_of(recs)
        if plat.name in run:
            raise RecordError(f, 1, f"a second file for platform {plat.name}")
        run[plat.name] = plat
    link_native(run)
    return run


def link_native(run):
    """Gives each platform of one run folder its native platform (or None)."""
    for plat in run.values():
        plat.native = run.get(NATIVE)


def stream(platform, path, contract, inp, out):
    """The server's check of posted lines for `path`: learns the state from
    what the file already holds, then answers each stdin line with `ok` (the
    caller appends it) or `error FILE:LINE: what` (the caller drops it)."""
    reader = Reader(path, contract)
    if os.path.islink(path):  # a dangling one too: the server would append through it
        raise RecordError(path, 0, "a symbolic link: records are appended to a file of their own")
    if os.path.exists(path):
        recs, _ = read_file(path, contract)
        reader.line, reader.platform = len(recs), recs[0]["platform"]
        if reader.platform != platform:
            raise RecordError(path, 1, f"holds platform {reader.platform!r}, not {platform!r}")
    for raw in inp:
        raw = raw.rstrip(b"\n")
        saved = (reader.line, reader.platform)
        try:
            rec = reader.feed(raw)
            if rec.get("type") == "header" and rec.get("platform") != platform:
                raise RecordError(path, 1, f"header of platform {rec.get('platform')!r:.40}, "
                                  f"this run takes {platform!r}")
            out.write(b"ok\n")
        except RecordError as e:
            reader.line, reader.platform = saved  # a refused line is never appended
            out.write(f"error {e}\n".encode())
        out.flush()


def c_header(contract):
    """The contract as C (report/gate/contract.c includes it): generated at build
    time from the same README tables, so the two readers cannot drift."""
    def lit(t):
        return '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = ["/* Generated by report/records.py c-header from results/README.md: do not edit. */",
           "#ifndef POOLBENCH_RECORDS_CONTRACT_H", "#define POOLBENCH_RECORDS_CONTRACT_H",
           f"#define CONTRACT_SCHEMA {contract.schema}",
           f"#define CONTRACT_MAX_LINE_BYTES {contract.max_line_bytes}",
           f"#define CONTRACT_MAX_FILE_BYTES {contract.max_file_bytes}",
           f"#define CONTRACT_MAX_DEPTH {contract.max_depth}",
           f"#define CONTRACT_MAX_ABS_NUMBER {contract.max_abs_number!r}",
           f"#define CONTRACT_MIN_THREADS {contract.min_threads}",
           f"#define CONTRACT_MAX_THREADS {contract.max_threads}",
           f"#define CONTRACT_NAME_PATTERN {lit(contract.name.pattern)}",
           f"#define CONTRACT_BESIDE_MAX {contract.beside_max!r}",
           "typedef struct { const char *type, *field, *typ; int nullable; const char *when; int optional; } "
           "contract_field;",
           "static const char *const CONTRACT_NAME_FIELDS[] = {"
           + ", ".join(lit(f) for f in NAME_FIELDS) + ", 0};",
           "static const char *const CONTRACT_NON_NEGATIVE[] = {"
           + ", ".join(lit(f) for f in NON_NEGATIVE) + ", 0};",
           "static const contract_field CONTRACT_FIELDS[] = {"]
    for t, fields in contract.types.items():
        for field, typ, nullable, when in fields:
            opt = int((field, ",".join(when)) in contract.optional)
            out.append(f"  {{{lit(t)}, {lit(field)}, {lit(typ)}, {int(nullable)}, {lit(','.join(when))}, {opt}}},")
    out += ["  {0, 0, 0, 0, 0, 0}};", "#endif", ""]
    return "\n".join(out)


def main(argv):
    if len(argv) >= 1 and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    try:
        contract = load_schema()
        if len(argv) == 2 and argv[0] == "c-header":
            text = c_header(contract)
            try:  # rewritten only when it changes, so make sees no new input
                with open(argv[1], encoding="utf-8") as f:
                    if f.read() == text:
                        return 0
            except OSError:
                pass
            with open(argv[1], "w", encoding="utf-8") as f:
                f.write(text)
            return 0
        if len(argv) >= 2 and argv[0] == "check":
            for f in argv[1:]:
                read_file(f, contract)
            return 0
        if len(argv) == 4 and argv[0] == "stream" and argv[1] == "--platform":
            if not contract.name.fullmatch(argv[2]):
                print(f"records: bad platform name {argv[2]!r}", file=sys.stderr)
                return 2
            stream(argv[2], argv[3], contract, sys.stdin.buffer, sys.stdout.buffer)
            return 0
    except RecordError as e:
        print(f"records: {e}", file=sys.stderr)
        return 2
    print("usage: records.py check FILE... | records.py stream --platform P FILE (see --help)",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
