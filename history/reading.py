"""A run's records files read for the history, by the project's rules only:
through the records contract (records/reader.py: a file it refuses is
refused), each measurement under the report's key (report/keys.py) with
the report's noise verdict (report/noisy.py), each file with the identity
of its machine as the report tells machines apart (report/platforms.py)."""
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "report"))
import keys  # noqa: E402
import noisy  # noqa: E402
import run_model  # noqa: E402

from history.errors import Refused  # noqa: E402
from records.quote import where  # noqa: E402


def key_text(m):
    """The report's key of measurement m as text, the gate's form without
    the platform (report/gate/records.c records_key): scenario/backend/
    mode/threads/items/work_ns, e.g. dispatch/spin/warm/2/2/0."""
    return "/".join(f"{v:.15g}" if isinstance(v, float) else str(v) for v in keys.key(m))


def slug(text):
    """Text as lower-case words joined by '-', without trademark signs."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"\((r|tm|c)\)", " ", text.lower()))
    return "-".join(w for w in words if w not in ("cpu", "processor"))[:60] or "cpu"


def ident(m, cores):
    """A machine's stable identity from what its headers record (the
    report's Machine: CPU model, logical cores, Grid node or host name where
    given), e.g. amd-epyc-2c; cores: the header's, where m names none."""
    base = f"{slug(m.cpu_model) if m.cpu_model else 'unknown'}-{m.cores or cores}c"
    return f"{base}-{slug(m.node)}" if m.node else base


def digest(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


_commit_times = {}


def commit_time(commit):
    """The commit's time (UTC ISO 8601) in this repository, or None: not a
    hash, not a commit of it, or no git."""
    if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        return None
    if commit not in _commit_times:
        try:
            out = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%ct", commit, "--"],
                                 capture_output=True, text=True, timeout=10)
            t = int(out.stdout.strip()) if out.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError):
            t = None
        _commit_times[commit] = None if t is None else datetime.datetime.fromtimestamp(
            t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _commit_times[commit]


_commit_depths = {}


def commit_depth(commit):
    """How many commits the commit's history holds in this repository
    (git rev-list --count), or None: orders commits made within one second
    (a rebase, a series of cherry-picks) as their ancestry does."""
    if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        return None
    if commit not in _commit_depths:
        try:
            out = subprocess.run(["git", "-C", ROOT, "rev-list", "--count", commit, "--"],
                                 capture_output=True, text=True, timeout=10)
            _commit_depths[commit] = int(out.stdout.strip()) if out.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError):
            _commit_depths[commit] = None
    return _commit_depths[commit]


class File:
    """One records file as the history stores it."""

    def __init__(self, path, recs):
        self.path, self.recs, self.header = path, recs, recs[0]
        h = self.header
        self.platform, self.start_time = h["platform"], h["start_time"]
        self.header_digest, self.content_digest = digest(h), digest(recs)
        # The harness writes "<hash>-dirty" when tracked files differed from
        # the commit (harness/git_commit.cmake); nothing else says.
        self.dirty = h["git_commit"].endswith("-dirty")
        self.commit = h["git_commit"][:-len("-dirty")] if self.dirty else h["git_commit"]
        self.commit_time = commit_time(self.commit)
        self.machine = None  # the report's Machine, once read() has seen the whole run
        self.ended = recs[-1]["type"] == "end"
        self.figures = []

    def machine_ident(self):
        return ident(self.machine, self.header["logical_cores"])


def files_of(paths):
    """The records files paths name: a directory's *.ndjson, a file as given."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            try:
                found = sorted(os.path.join(p, n) for n in os.listdir(p) if n.endswith(".ndjson"))
            except OSError as e:
                raise Refused(f"{where(p)}: cannot list: {e.strerror}")
            if not found:
                raise Refused(f"{where(p)}: no *.ndjson records in this directory")
            out += found
        elif os.path.exists(p):
            out.append(p)
        else:
            raise Refused(f"{where(p)}: no such file or directory")
    return out


def figures(p):
    """The rows of platform p's measurements: its first record of each key
    (an appended thread sweep measures its references again: the run's own
    come first, as the report's headline takes them)."""
    out = {}
    for m in p.measurements:
        k = key_text(m)
        if k in out:
            continue
        why = noisy.why(p, m)
        out[k] = dict(key=k, scenario=m["scenario"], unit=m["unit"], median=m["median"], ci_lo=m["ci_lo"],
                      ci_hi=m["ci_hi"], ci_level=m["ci_level"], n=m["n"], samples=json.dumps(m["samples"]),
                      flags=json.dumps(m["flags"]), noisy=why is not None, noisy_why=why)
    return list(out.values())


def read(paths):
    """[File] of one run, every file read and judged before anything is
    stored. Files of one platform (a gate side's several runs) are paired
    in order: the k-th of each platform is one run folder to the report
    (a Wasm file's physics are judged on the native one beside it)."""
    contract = run_model.load_schema()
    files = {}
    for path in files_of(paths):
        try:
            f = File(path, run_model.read_file(path, contract)[0])
        except run_model.RecordError as e:
            raise Refused(f"refused: {e}") from None
        files.setdefault(f.header_digest, f)  # one file named twice (a copy too) is one file
    if not files:
        raise Refused("no records files named")
    files, seen = list(files.values()), {}
    for f in files:
        seen.setdefault(f.platform, []).append(f)
    for k in range(max(len(v) for v in seen.values())):
        group = [fs[k] for fs in seen.values() if k < len(fs)]
        folder = {f.platform: run_model.platform_of(f.recs) for f in group}
        run_model.link_native(folder, os.path.dirname(os.path.abspath(group[0].path)))
        for f in group:  # the report's rules: which machine, which native beside it
            f.machine, f.figures = folder[f.platform].machine, figures(folder[f.platform])
    return files
