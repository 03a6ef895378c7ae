#!/usr/bin/env python3
"""The performance history (history/) in SQLite, from the committed fixture
runs: a file the records contract refuses stores nothing (nor does a run
whose second file is bad, a failure or a crash mid-write); ingesting a run
again adds nothing, a run directory ingested after each stage grows one
run; series() gives the promised fields with the records' own figures and
the report's noise verdict, in time order, machines kept apart; a gate
side's runs pool as the gate pools them; a database that is not a history,
or a locked one, is one line and an exit status, never touched.
usage: test_history_ingest.py [unittest arguments]"""
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unittest
from unittest import mock

from history_testkit import (CORPUS, ROOT, RUN, RUN_BUSY, SERIES_FIELDS, HistoryCase, open_store, read_ndjson,
                             restamped, slurp, write_ndjson)
from history import store as store_module
from history.errors import HistoryError
from history import reading
from history.reading import key_text

sys.path.insert(0, os.path.join(ROOT, "report"))
import noisy  # noqa: E402
import run_model  # noqa: E402


class Refusal(HistoryCase):
    def test_malformed_file(self):
        self.refused(2, "add", os.path.join(CORPUS, "truncated.ndjson"), want="truncated.ndjson:1:")
        self.assertEqual(self.counts(), dict(run=0, file=0, figure=0, machine=0))

    def test_second_file_bad(self):
        d = self.mkdir("run")
        shutil.copy(os.path.join(RUN_BUSY, "native.ndjson"), d)
        with open(os.path.join(RUN_BUSY, "node.ndjson"), encoding="utf-8") as f:
            lines = f.read().splitlines(True)
        with open(os.path.join(d, "node.ndjson"), "w", encoding="utf-8") as f:
            f.write("".join(lines[:5]) + lines[5][:40])  # cut off mid-line
        self.refused(2, "add", d, want="node.ndjson:6: truncated line")
        self.assertEqual(self.counts(), dict(run=0, file=0, figure=0, machine=0))

    def test_failure_mid_write(self):
        """The transaction: the first file's rows are written when the
        database fails; none stays, and the history works on."""
        def fail():
            raise HistoryError("injected failure")
        orig, store_module.hold = store_module.hold, fail
        try:
            with open_store(self.db) as s, self.assertRaisesRegex(HistoryError, "nothing of this run was stored"):
                s.ingest([RUN], source="bench")
        finally:
            store_module.hold = orig
        self.assertEqual(self.counts(), dict(run=0, file=0, figure=0, machine=0))
        self.ok("add", RUN)
        self.assertEqual(self.counts()["file"], 6)

    def test_crash_mid_write(self):
        """The process killed mid-ingest (its first file written): nothing
        of it is stored."""
        self.ok("add", RUN_BUSY)
        before = self.counts()
        mark = self.path("held")
        env = dict(os.environ, HISTORY=self.db, POOLBENCH_TEST_HISTORY_HOLD=mark)
        p = subprocess.Popen([sys.executable, "-m", "history.cli", "add", RUN], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while not os.path.exists(mark) and p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(os.path.exists(mark), "the ingest never reached its hold")
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait(30)
        self.assertEqual(self.counts(), before)


class Idempotence(HistoryCase):
    def test_same_run_twice(self):
        first = self.ok("add", RUN).stdout
        run_id = re.search(r"run (\d+)", first).group(1)
        before = self.counts()
        again = self.ok("add", "--source", "gate", RUN).stdout
        self.assertIn(f"stored already (run {run_id})", again)
        # ... and named file by file, or from a copy: the same files.
        copy = shutil.copytree(RUN, self.path("copy"))
        self.assertIn("stored already", self.ok("add", *sorted(os.path.join(copy, n) for n in os.listdir(copy))).stdout)
        self.assertEqual(self.counts(), before)
        self.assertEqual(len(self.ok("list").stdout.splitlines()), 1)

    def test_stage_after_stage(self):
        """make bench-native, then make bench-node into the same RUN: one run."""
        d = self.mkdir("run")
        shutil.copy(os.path.join(RUN_BUSY, "native.ndjson"), d)
        self.ok("add", d)
        shutil.copy(os.path.join(RUN_BUSY, "node.ndjson"), d)
        self.ok("add", d)
        with open_store(self.db) as s:
            runs = s.runs()
        self.assertEqual([(r["id"], r["platforms"], r["files"]) for r in runs], [(1, ["native", "node"], 2)])

    def test_grown_file(self):
        """A file ingested cut short, then whole (same header): its figures
        replaced, not doubled."""
        recs = read_ndjson(os.path.join(RUN_BUSY, "native.ndjson"))
        d = self.mkdir("run")
        write_ndjson(os.path.join(d, "native.ndjson"), recs[:len(recs) // 2])
        self.ok("add", d)
        shutil.copy(os.path.join(RUN_BUSY, "native.ndjson"), d)
        self.ok("add", d)
        whole = len({key_text(r) for r in recs if r["type"] == "measurement"})
        self.assertEqual(self.counts(), dict(run=1, file=1, figure=whole, machine=1))


class Series(HistoryCase):
    def setUp(self):
        super().setUp()
        later = self.mkdir("later")
        restamped(os.path.join(RUN_BUSY, "native.ndjson"), os.path.join(later, "native.ndjson"),
                  "2026-12-08T10:00:00Z", 1.5, git_commit="0123456789ab-dirty")
        for run in (RUN, RUN_BUSY, later):
            self.ok("add", run)
        self.s = open_store(self.db)
        self.addCleanup(self.s.close)

    def test_fields(self):
        rows = self.s.series()
        self.assertTrue(rows)
        for r in rows:
            self.assertEqual(set(r) - {"files"}, set(SERIES_FIELDS))
            for f, t in SERIES_FIELDS.items():
                self.assertIsInstance(r[f], t, f"{f} of {r}")
        order = [(r["machine"], r["platform"], r["key"]) for r in rows]
        self.assertEqual(order, sorted(order))
        # The records' own figures, under the report's key.
        m = next(r for r in read_ndjson(os.path.join(RUN, "native.ndjson")) if r["type"] == "measurement")
        k = "/".join(str(m[f]) for f in ("scenario", "backend", "mode", "threads", "items", "work_ns"))
        row, = self.s.series(machine="intel-xeon-2c", platform="native", key_glob=k)
        self.assertEqual((row["median"], row["lo"], row["hi"], row["n"], row["unit"], row["family"]),
                         (m["median"], m["ci_lo"], m["ci_hi"], m["n"], m["unit"], m["scenario"]))
        self.assertEqual((row["commit"], row["dirty"]), ("f00dcb4b2d5c", False))

    def test_time_order_and_dirty(self):
        k = "forkjoin/spin/warm/2/2/0"
        rows = self.s.series(machine="amd-epyc-2c", platform="native", key_glob=k)
        self.assertEqual([r["start_time"] for r in rows], ["2026-12-07T16:41:39Z", "2026-12-08T10:00:00Z"])
        self.assertEqual([(r["commit"], r["dirty"]) for r in rows], [("19ce6be11e7e", False), ("0123456789ab", True)])
        self.assertAlmostEqual(rows[1]["median"], 1.5 * rows[0]["median"])

    def test_commits_of_one_second_by_ancestry(self):
        # Two commits made in one second (a rebase): the one with more
        # ancestors comes later, even where its run started first.
        k = "forkjoin/spin/warm/2/2/0"
        one_second = "2026-12-09T12:00:00Z"
        first, second = "aaaaaaaaaaaa", "bbbbbbbbbbbb"
        for name, commit, start in (("second", second, "2026-12-09T13:00:00Z"),
                                    ("first", first, "2026-12-09T14:00:00Z")):
            run = self.mkdir(name)
            restamped(os.path.join(RUN_BUSY, "native.ndjson"), os.path.join(run, "native.ndjson"), start,
                      git_commit=commit)
        depths = {first: 10, second: 11}
        with mock.patch.object(reading, "commit_time", lambda c: one_second if c in depths else None), \
                mock.patch.object(reading, "commit_depth", lambda c: depths.get(c)):
            with open_store(self.path("one_second.sqlite")) as s:
                for name in ("second", "first"):
                    s.ingest([self.path(name, "native.ndjson")], source="manual")
                rows = [r for r in s.series(platform="native", key_glob=k) if r["commit"] in depths]
        self.assertEqual([r["commit"] for r in rows], [first, second])

    def test_noise_is_the_reports(self):
        run = run_model.load_run(RUN)
        want = {}
        for name, p in run.items():
            for m in p.measurements:
                want.setdefault((name, key_text(m)), noisy.why(p, m) is not None)
        got = {(r["platform"], r["key"]): r["noisy"] for r in self.s.series(machine="intel-xeon-2c")}
        self.assertEqual(got, want)
        self.assertTrue(any(want.values()) and not all(want.values()), "the fixture should have both")

    def test_wasm_judged_on_native(self):
        """A Node fork-join below the native spin round trip of its run is
        impossible (report/noisy.py): judged so only beside that native file."""
        d = self.mkdir("fast")
        shutil.copy(os.path.join(RUN_BUSY, "native.ndjson"), d)
        recs = read_ndjson(os.path.join(RUN_BUSY, "node.ndjson"))
        k = "forkjoin/spin/warm/2/2/0"
        for r in recs:
            if r["type"] == "measurement" and key_text(r) == k:
                r.update(median=1, ci_lo=1, ci_hi=1, min=1, max=1, mean=1, mad=0, samples=[1] * len(r["samples"]))
        write_ndjson(os.path.join(d, "node.ndjson"), recs)
        run_id, _ = self.s.ingest([d], source="manual")
        row, = [r for r in self.s.series(platform="node", key_glob=k) if r["run_id"] == run_id]
        self.assertTrue(row["noisy"], "a fork-join faster than physics was not judged noisy")

    def test_two_machines(self):
        self.assertEqual(self.s.machines(), ["amd-epyc-2c", "intel-xeon-2c"])
        amd = self.s.series(machine="amd-epyc-2c")
        self.assertEqual({r["platform"] for r in amd}, {"native", "node"})
        self.assertEqual({r["run_id"] for r in amd}, {2, 3})
        # A browser's header names no CPU: it takes the machine it ran beside.
        intel = self.s.series(machine="intel-xeon-2c")
        self.assertEqual({r["platform"] for r in intel},
                         {"native", "python", "node", "chrome", "pyodide-node", "pyodide-chrome"})
        self.assertFalse({r["run_id"] for r in intel} & {2, 3})
        self.assertEqual(self.s.series(machine="no-such-machine"), [])

    def test_gate_side_pools(self):
        """Six runs of one platform named together (a gate side): one row
        per key, the median of the runs' medians, the order statistics'
        interval of those medians."""
        side = [restamped(os.path.join(RUN_BUSY, "native.ndjson"), self.path(f"native-{i}.ndjson"),
                          f"2026-12-09T0{i}:00:00Z", 1 + i / 10) for i in range(6)]
        run_id, added = self.s.ingest(side, source="gate")
        self.assertTrue(added)
        k = "forkjoin/spin/warm/2/2/0"
        row, = [r for r in self.s.series(machine="amd-epyc-2c", key_glob=k, platform="native") if r["run_id"] == run_id]
        one = read_ndjson(side[0])
        m = next(r for r in one if r["type"] == "measurement" and key_text(r) == k)
        meds = sorted(m["median"] * (1 + i / 10) for i in range(6))
        self.assertEqual(row["files"], 6)
        self.assertAlmostEqual(row["median"], (meds[2] + meds[3]) / 2)
        self.assertEqual((row["lo"], row["hi"]), (meds[0], meds[5]))
        self.assertEqual(row["n"], 6 * m["n"])


class NotOurs(HistoryCase):
    def test_not_sqlite(self):
        shutil.copy(os.path.join(ROOT, "README.md"), self.db)
        before = slurp(self.db)
        self.refused(2, "add", RUN, want="not a poolbench history")
        self.refused(2, "list", want="not a poolbench history")
        self.assertEqual(slurp(self.db), before)

    def test_another_programs_database(self):
        con = sqlite3.connect(self.db)
        con.execute("CREATE TABLE accounts (id INTEGER)")
        con.commit()
        con.close()
        self.refused(2, "add", RUN, want="not a poolbench history")
        con = sqlite3.connect(self.db)
        self.assertEqual([r[0] for r in con.execute("SELECT name FROM sqlite_master")], ["accounts"])
        con.close()

    def test_another_version(self):
        self.ok("list")
        con = sqlite3.connect(self.db)
        con.execute("UPDATE meta SET value = '99' WHERE name = 'version'")
        con.commit()
        con.close()
        self.refused(2, "list", want="version")

    def test_directory(self):
        self.refused(2, "list", db=self.d, want="a directory")


class Locked(HistoryCase):
    def test_locked(self):
        self.ok("list")
        con = sqlite3.connect(self.db, isolation_level=None)
        con.execute("BEGIN EXCLUSIVE")
        try:
            t = time.monotonic()
            self.refused(1, "add", "--timeout", "1", RUN, want="locked")
            self.assertLess(time.monotonic() - t, 30)
        finally:
            con.execute("ROLLBACK")
            con.close()
        self.assertEqual(self.counts()["run"], 0)
        self.ok("add", RUN)


class Usage(HistoryCase):
    def test_usage(self):
        out = self.ok("--help").stdout
        self.assertTrue("add" in out and "list" in out and "HISTORY" in out, out)
        self.refused(2, "add")
        self.refused(2, "frobnicate")
        self.refused(2, "add", self.path("missing"), want="no such file")
        self.refused(2, "add", self.mkdir("empty"), want="no *.ndjson")
        self.refused(1, "list", db="none", want="turned off")
        self.assertFalse(os.path.exists(os.path.join(ROOT, "none")))
        self.assertEqual(self.ok("list").stdout, "")


if __name__ == "__main__":
    unittest.main()
