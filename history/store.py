"""The history's interface (the other tools use only this): open_store()
and a Store that ingests a run's records files, one transaction per run,
and reads the figures back as series.

    with open_store() as s:                 # $HISTORY, else results/history.sqlite
        run_id, added = s.ingest(["results/20261206-120000"], source="bench")
        for row in s.series(machine="amd-epyc-2c", key_glob="forkjoin/*", platform="native"):
            ...

Files, not runs, are the unit of identity: a file is known by its header
(its start, command, commit...), so ingesting the same run again adds
nothing, a run directory ingested after each stage (native, then node, ...)
grows one run, and a file appended to since (--append, a resumed run)
replaces its figures."""
import datetime
import fnmatch
import json
import math
import os
import statistics
import time

from history import reading
from history.backends import connect
from history.errors import HistoryError, Refused

FORMAT, VERSION = "poolbench history", "1"
DEFAULT = os.path.join(reading.ROOT, "results", "history.sqlite")
TIMEOUT = 30.0  # seconds a locked database or an unanswering server is waited for


def open_store(url=None, timeout=None):
    """The Store at url: None takes $HISTORY, else results/history.sqlite;
    "postgresql://..." is PostgreSQL. Raises HistoryError (one line)."""
    url = url if url is not None else os.environ.get("HISTORY") or DEFAULT
    if url == "none":  # the Makefile's switch: never a file named "none"
        raise HistoryError("HISTORY=none: the history is turned off")
    return Store(connect(url, TIMEOUT if timeout is None else timeout))


def median_interval(values, level=0.95):
    """(lo, hi): the distribution-free interval for the median of sorted
    values from their order statistics, the narrowest pair that covers it
    with probability >= level; (None, None) when no pair does (< 6 values)."""
    k, best = len(values), None
    for j in range(1, k // 2 + 1):
        if 1 - 2 * sum(math.comb(k, i) for i in range(j)) / 2 ** k < level:
            break
        best = j
    return (values[best - 1], values[k - best]) if best else (None, None)


def pooled(parts):
    """One series row from the files of one run that measured one key: a
    file's own figure, or for several (a gate side's runs) the gate's
    pooling (report/gate/compare.c): the median of the runs' medians, with
    the order statistics' interval of those medians; noisy when at least
    half the runs' figures are."""
    first = min(parts, key=lambda r: r[8])
    (machine, platform, family, key, commit, ctime, dirty, run_id, start, median, lo, hi, _, _, unit) = first
    if len(parts) > 1:
        medians = sorted(r[9] for r in parts)
        median, (lo, hi) = statistics.median(medians), median_interval(medians)
    return dict(machine=machine, platform=platform, family=family, key=key, commit=commit, commit_time=ctime,
                dirty=bool(dirty), run_id=run_id, start_time=start, median=float(median),
                lo=None if lo is None else float(lo), hi=None if hi is None else float(hi),
                n=sum(r[12] for r in parts), noisy=2 * sum(bool(r[13]) for r in parts) >= len(parts),
                unit=unit, files=len(parts))


def hold():
    """Tests only: POOLBENCH_TEST_HISTORY_HOLD=FILE holds an ingest mid-way
    (its first file written, the transaction open): it creates FILE and goes
    on once FILE is removed (60 s at most), so a test can fail the database
    there."""
    path = os.environ.get("POOLBENCH_TEST_HISTORY_HOLD")
    if path:
        open(path, "w").close()
        deadline = time.monotonic() + 60
        while os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.05)


SERIES = """SELECT m.ident, f.platform, g.scenario, g.key, f.git_commit, f.commit_time, f.dirty, f.run_id,
  f.start_time, g.median, g.ci_lo, g.ci_hi, g.n, g.noisy, g.unit
  FROM figure g JOIN file f ON f.id = g.file_id JOIN machine m ON m.id = f.machine_id"""
RUNS = """SELECT r.id, r.source, r.label, r.ingested_at, f.platform, f.git_commit, f.dirty, m.ident,
  f.start_time, (SELECT COUNT(*) FROM figure g WHERE g.file_id = f.id)
  FROM run r JOIN file f ON f.run_id = r.id JOIN machine m ON m.id = f.machine_id ORDER BY r.id, f.id"""
FIGURE = """INSERT INTO figure (file_id, key, scenario, unit, median, ci_lo, ci_hi, ci_level, n, samples,
  flags, noisy, noisy_why) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
FILE = """INSERT INTO file (run_id, header_digest, content_digest, path, platform, machine_id, git_commit,
  dirty, commit_time, start_time, ended, options, header) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  RETURNING id"""


class Store:
    def __init__(self, db):
        self.db = db
        try:
            self._open()
        except BaseException:
            db.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _open(self):
        """Checks the database is a history of this version; creates one in
        an empty database."""
        tables = self.db.tables()
        if "meta" not in tables:
            if tables:
                raise Refused(f"{self.db.where}: not a poolbench history (it holds other tables; "
                              "give the history a database of its own)")
            return self._create()
        try:
            meta = dict(self.db.execute("SELECT name, value FROM meta"))
        except HistoryError:
            meta = {}
        if meta.get("format") != FORMAT:
            raise Refused(f"{self.db.where}: not a poolbench history (another program's table 'meta')")
        if meta.get("version") != VERSION:
            raise Refused(f"{self.db.where}: a history of version {meta.get('version')!r:.20}, "
                          f"this poolbench reads version {VERSION}")

    def _create(self):
        self.db.begin_write()
        try:
            for statement in self.db.schema():
                self.db.execute(statement)
            for name, value in (("format", FORMAT), ("version", VERSION)):
                self.db.execute("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                                (name, value))
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    def ingest(self, paths, *, source):
        """Stores the records files of ONE run (paths: its directory, or the
        files of one side of a gate), all or nothing. -> (run_id, added):
        added False when every file was stored already, unchanged. Raises
        Refused for a file the contract refuses, HistoryError otherwise."""
        paths = [os.fspath(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
        files = reading.read(paths)
        self.db.begin_write()
        try:
            result = self._write(files, source, label(paths))
            self.db.commit()
            return result
        except HistoryError as e:
            self.db.rollback()
            raise HistoryError(f"{e}; nothing of this run was stored", e.status) from None
        except BaseException:
            self.db.rollback()
            raise

    def _write(self, files, source, label):
        known = {}
        for f in files:
            rows = self.db.execute("SELECT id, run_id, content_digest FROM file WHERE header_digest = ?",
                                   (f.header_digest,))
            known[f] = rows[0] if rows else None
        fresh = [f for f in files if not known[f]]
        grown = [f for f in files if known[f] and known[f][2] != f.content_digest]
        if not fresh and not grown:
            return min(k[1] for k in known.values()), False
        runs = {k[1] for k in known.values() if k}
        # New files join the run that holds the others (a run directory
        # ingested after each stage), else form a run of their own.
        run_id = runs.pop() if len(runs) == 1 else known[grown[0]][1] if not fresh else None
        if run_id is None:
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            run_id = self.db.execute("INSERT INTO run (source, label, ingested_at) VALUES (?, ?, ?) RETURNING id",
                                     (source, label, now))[0][0]
        for i, f in enumerate(grown + fresh):
            if f in grown:
                file_id = known[f][0]
                self.db.execute("DELETE FROM figure WHERE file_id = ?", (file_id,))
                self.db.execute("UPDATE file SET content_digest = ?, path = ?, ended = ? WHERE id = ?",
                                (f.content_digest, f.path, f.ended, file_id))
            else:
                file_id = self._add_file(run_id, f)
            self.db.execute_many(FIGURE, [(file_id, g["key"], g["scenario"], g["unit"], g["median"], g["ci_lo"],
                                           g["ci_hi"], g["ci_level"], g["n"], g["samples"], g["flags"],
                                           g["noisy"], g["noisy_why"]) for g in f.figures])
            if i == 0:
                hold()
        return run_id, True

    def _add_file(self, run_id, f):
        cpu, cores = f.machine.cpu_model, f.machine.cores or f.header["logical_cores"]
        name = f.machine_ident()
        self.db.execute("INSERT INTO machine (ident, cpu_model, logical_cores) VALUES (?, ?, ?) "
                        "ON CONFLICT (ident) DO NOTHING", (name, cpu, cores))
        machine_id = self.db.execute("SELECT id FROM machine WHERE ident = ?", (name,))[0][0]
        h = f.header
        return self.db.execute(FILE, (run_id, f.header_digest, f.content_digest, f.path, f.platform, machine_id,
                                      f.commit, f.dirty, f.commit_time, f.start_time, f.ended,
                                      json.dumps(h["options"]), json.dumps(h)))[0][0]

    def series(self, machine=None, key_glob=None, platform=None):
        """One dict per (run, key), of the given machine (identity), key
        (a shell glob on the key text) and platform, ordered by machine,
        platform, key, then the commit's time (where this repository knows
        the commit; commits of one second by ancestry) or the run's start. Fields: machine, platform, family
        (the scenario), key, commit, commit_time (or None), dirty, run_id,
        start_time, median, lo and hi (the interval for the median: the
        record's, at its ci_level; pooled, >= 95%; None from < 6 runs), n, noisy
        (the report's noise rule), unit; files (how many were pooled)."""
        where, params = [], []
        for column, value in (("m.ident", machine), ("f.platform", platform)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        rows = self.db.execute(SERIES + (" WHERE " + " AND ".join(where) if where else ""), tuple(params))
        groups = {}
        for r in rows:
            if key_glob is None or fnmatch.fnmatchcase(r[3], key_glob):
                groups.setdefault((r[0], r[1], r[3], r[7]), []).append(r)
        out = [pooled(parts) for parts in groups.values()]
        # Commits of one second (a rebase) in their ancestry's order, where
        # this repository knows them.
        depth = {c: reading.commit_depth(c) for c in {d["commit"] for d in out}}
        out.sort(key=lambda d: (d["machine"], d["platform"], d["key"], d["commit_time"] or d["start_time"],
                                depth[d["commit"]] or 0, d["start_time"], d["run_id"]))
        return out

    def machines(self):
        """The machines' identities, of every file stored."""
        return [r[0] for r in self.db.execute(
            "SELECT ident FROM machine WHERE id IN (SELECT machine_id FROM file) ORDER BY ident")]

    def runs(self):
        """One dict per run stored, in order: id, source, label, ingested_at,
        start_time (its first file's), commits, dirty, machines, platforms,
        files, figures."""
        out = {}
        for (rid, source, lab, at, plat, commit, dirty, machine, start, n) in self.db.execute(RUNS):
            r = out.setdefault(rid, dict(id=rid, source=source, label=lab, ingested_at=at, start_time=start,
                                         commits=[], dirty=False, machines=[], platforms=[], files=0, figures=0))
            r["start_time"] = min(r["start_time"], start)
            r["dirty"] |= bool(dirty)
            for field, v in (("commits", commit), ("machines", machine), ("platforms", plat)):
                if v not in r[field]:
                    r[field].append(v)
            r["files"] += 1
            r["figures"] += n
        return list(out.values())

    def close(self):
        self.db.close()


def label(paths):
    """What a run is called in `list`: its directory or file, or the folder
    its files share."""
    if len(paths) == 1:
        return paths[0]
    try:
        return f"{os.path.commonpath(paths) or '.'} ({len(paths)} paths)"
    except ValueError:
        return f"{paths[0]} (+{len(paths) - 1})"
