"""Reading records files against the contract (records/contract.py): one
line at a time, with one-line FILE:LINE errors, within the contract's
limits whatever the input (a FIFO, a device, a line without end, a deep
nesting). Used by the report, the tests and, through records/check.py, by
the browser run's server for every line posted to it."""
import json
import math
import os
import re
import stat

from records.contract import RecordError, problems


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


def schema_mismatch(version, current):
    """Why a header of another schema version is refused: an older file says
    what to do about it (the gate's reader says the same)."""
    if type(version) is int and 1 <= version < current:
        return (f"schema {version} file: written by an older poolbench; re-run it, or read it with "
                f"the poolbench that wrote it (this one reads schema {current})")
    return f"schema {version!r:.20}, this reader reads schema {current}"


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
                raise RecordError(self.path, 1, schema_mismatch(rec.get("schema"), self.contract.schema))
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

