"""What the history's tests (test_history_*.py) share: the paths, a fresh
directory per case, the command run as the Makefile runs it, the rows a
history holds, and copies of the fixture runs made to differ."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(HERE, "fixtures")
RUN = os.path.join(FIXTURES, "run")            # an Intel machine's run, six platforms
RUN_BUSY = os.path.join(FIXTURES, "run_busy")  # an AMD machine's
RUN_FJ = os.path.join(FIXTURES, "run_forkjoin")
CORPUS = os.path.join(FIXTURES, "fuzz_corpus")
sys.path.insert(0, ROOT)
# The interface under test, as the other tools import it.
from history.store import open_store  # noqa: E402,F401
from report_testkit import TempDirCase, ndjson as read_ndjson, write_ndjson  # noqa: E402,F401  (shared)

# The fields HISTORY_API.md promises of every series() row.
SERIES_FIELDS = {"machine": str, "platform": str, "family": str, "key": str, "commit": str,
                 "commit_time": (str, type(None)), "dirty": bool, "run_id": int, "start_time": str,
                 "median": float, "lo": (float, type(None)), "hi": (float, type(None)), "n": int,
                 "noisy": bool, "unit": str}
TABLES = ("run", "file", "figure", "machine")


def one_line(err):
    return sum(1 for ln in err.split("\n") if ln) == 1 and "Traceback" not in err


def slurp(path):
    with open(path, "rb") as f:
        return f.read()


def restamped(src, dest, start_time, scale=1.0, **header):
    """src's records at dest with another header (a run of its own: another
    start time, header fields replaced) and every measurement's figures
    times scale."""
    recs = read_ndjson(src)
    recs[0] = dict(recs[0], start_time=start_time, **header)
    for r in recs:
        if r["type"] == "measurement" and scale != 1.0:
            for k in ("median", "min", "max", "mean", "ci_lo", "ci_hi", "mad"):
                r[k] *= scale
            r["samples"] = [v * scale for v in r["samples"]]
    write_ndjson(dest, recs)
    return dest


class HistoryCase(TempDirCase):
    """One case: a fresh directory self.d and a history in it (self.db)."""
    prefix = "poolbench-history-"

    def setUp(self):
        super().setUp()
        self.db = self.path("history.sqlite")

    def history(self, *args, db=None, env=None, timeout=120):
        """python3 -m history.cli ARGS from the repository root, as the
        Makefile runs it: the completed process."""
        e = dict(os.environ, HISTORY=db or self.db, **(env or {}))
        return subprocess.run([sys.executable, "-m", "history.cli", *args], cwd=ROOT, env=e,
                              stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8",
                              errors="surrogateescape", timeout=timeout)

    def ok(self, *args, **kw):
        p = self.history(*args, **kw)
        self.assertEqual(p.returncode, 0, f"history {' '.join(args)}: exit {p.returncode}\n{p.stdout}{p.stderr}")
        return p

    def refused(self, status, *args, want=None, **kw):
        """history ARGS must end with status and one line (naming want)."""
        p = self.history(*args, **kw)
        self.assertEqual(p.returncode, status, f"history {' '.join(args)}: exit {p.returncode}, want {status}\n"
                         f"{p.stdout}{p.stderr}")
        self.assertTrue(one_line(p.stderr), f"not one line: {p.stderr!r}")
        if want:
            self.assertIn(want, p.stderr)
        return p

    def counts(self, url=None):
        """{table: rows} of the history at url (default self.db)."""
        with open_store(url or self.db) as s:
            return {t: s.db.execute(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}
