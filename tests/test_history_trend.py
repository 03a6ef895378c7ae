#!/usr/bin/env python3
"""history/trend.py on planted histories (no database: a store serving
Store.series() rows): a panel per family with at most 6 lines, a line per
machine never joined to another machine's points (checked in the script's
data), SVG and PNG written; two machines' levels never make a change point;
record text reaches gnuplot only quoted; the CLI prints and writes the
change points, and a KEY glob that matches nothing, a bad option or a broken
store is one line and exit 1 or 2 with nothing written. The report's History
section finds its run in the history, and a history that is absent or
broken never fails the report (one line)."""
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types
import unittest
import xml.etree.ElementTree as ET
from unittest import mock

from history_planted import ROOT, Store, rows, values
from history import trend, trend_plot

REPORT_DIR = os.path.join(ROOT, "report")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "run_forkjoin")
HOSTILE = "it's\n!touch PWNED `touch PWNED2`"


def planted():
    """vm-a: 8 forkjoin keys (one with a +30% step at run 12), a bursts key;
    vm-b, 30% slower, measured the same bursts key at later commits; a
    latency key with a hostile name."""
    out = []
    for k in range(8):
        step = 12 if k == 0 else None
        out += rows(values(step_at=step, seed=k, cv=0.03), key=f"forkjoin/b{k}/warm/2", run0=0)
    out += rows(values(seed=20, cv=0.03), family="bursts", key="bursts/spin/warm/2", run0=0)
    out += rows(values(n=10, level=1300.0, seed=21, cv=0.03), machine="vm-b", family="bursts",
                key="bursts/spin/warm/2", run0=1000, first=20)
    out += rows(values(seed=22, cv=0.03), family="latency", key=HOSTILE, run0=0)
    return out


def slurp(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def blocks(gp):
    """{datablock name: [[numbers]]} and [(datablock, title)] of a script."""
    data = {m[0]: [list(map(float, l.split())) for l in m[1].strip().splitlines()]
            for m in re.findall(r"^(\$d\d+) << EOD\n(.*?)^EOD$", gp, re.S | re.M)}
    series = re.findall(r"(\$d\d+) using [^\n]*? title '((?:[^']|'')*)'", gp)
    return data, [(d, t.replace("''", "'")) for d, t in series]


class Case(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="poolbench-trend-")
        self.addCleanup(shutil.rmtree, self.d, True)

    def fake_store(self, rs, fail=None, status=None):
        """history.store and history.errors as the CLI imports them; fail:
        open_store raises HistoryError(fail), with status if given."""
        errors = types.ModuleType("history.errors")
        errors.HistoryError = type("HistoryError", (Exception,), {})

        def open_store(url=None):
            if fail:
                e = errors.HistoryError(fail)
                if status is not None:
                    e.status = status
                raise e
            return Store(rs)
        store = types.ModuleType("history.store")
        store.open_store, store.DEFAULT = open_store, "/nonexistent/history.sqlite"
        return mock.patch.dict(sys.modules, {"history.store": store, "history.errors": errors})

    def cli(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = trend.main(list(args))
            except SystemExit as e:
                rc = e.code
        return rc, out.getvalue(), err.getvalue()

    def one_line(self, err):
        self.assertEqual(len([l for l in err.splitlines() if l]), 1, f"not one line: {err!r}")
        self.assertNotIn("Traceback", err)


class Plot(Case):
    def test_panels_and_machine_break(self):
        lines = trend.lines_of(planted())
        trend.detect(lines, trend.ALPHA)
        n = trend_plot.draw(lines, self.d, "t", "test")
        self.assertEqual(n, 4, "forkjoin's 8 lines in 2 panels, bursts 1, latency 1")
        gp = slurp(os.path.join(self.d, "t.gp"))
        titles = re.findall(r"^set title '((?:[^']|'')*)'$", gp, re.M)
        self.assertEqual(titles, ["bursts", "forkjoin (1/2)", "forkjoin (2/2)", "latency"])
        data, series = blocks(gp)
        lines_drawn = [(d, t) for d, t in series if not t.startswith(("noisy", "change point"))]
        self.assertEqual(len(lines_drawn), 11)
        per_panel = [len(re.findall(r"with yerrorlines", p)) for p in re.split(r"^plot ", gp, flags=re.M)[1:]]
        self.assertEqual(per_panel, [2, 6, 2, 1])
        by = {t: [row[0] for row in data[d]] for d, t in lines_drawn}
        a, b = by["native bursts/spin/warm/2 @ vm-a"], by["native bursts/spin/warm/2 @ vm-b"]
        self.assertEqual((len(a), len(b)), (20, 10), "a line per machine, each with its own runs")
        self.assertTrue(max(a) < min(b), "vm-b measured the later commits")
        self.assertEqual(a, sorted(a))
        for d, t in lines_drawn:  # no line holds two machines' runs
            self.assertEqual(len(data[d]), 10 if "vm-b" in t else 20, t)
        changes = [data[d] for d, t in series if t.startswith("change point")]
        self.assertEqual(len(changes), 1, "one change point, in forkjoin (1/2)")
        self.assertEqual(changes[0][0][0], 12.0, "circled at the run after the step")
        root = ET.parse(os.path.join(self.d, "t.svg")).getroot()
        text = " ".join(root.itertext())
        for name in ("native forkjoin/b0/warm/2 @ vm-a", "bursts/spin/warm/2 @ vm-b", "change point"):
            self.assertIn(name, text)
        with open(os.path.join(self.d, "t.png"), "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_hostile_names_quoted(self):
        lines = trend.lines_of(planted())
        trend_plot.draw(lines, self.d, "t", "test")
        gp = slurp(os.path.join(self.d, "t.gp"))
        self.assertIn("title 'native it''s?!touch PWNED `touch PWNED2` @ vm-a'", gp)
        self.assertNotIn("PWNED`\n", gp)
        self.assertFalse(any(os.path.exists(os.path.join(p, f)) for p in (self.d, os.getcwd())
                             for f in ("PWNED", "PWNED2")), "gnuplot ran a command from a key")

    def test_machines_do_not_mix(self):
        rs = [r for r in planted() if r["family"] == "bursts"]
        lines = trend.lines_of(rs)
        self.assertEqual([ln.machine for ln in lines], ["vm-a", "vm-b"])
        trend.detect(lines, trend.ALPHA)
        self.assertEqual([ln.changes for ln in lines], [[], []], "each machine's line is flat")
        mixed = trend.changepoints.find([r["median"] for r in rs])
        self.assertEqual([c.index for c in mixed], [20], "joined, the machine change would be one")


class Cli(Case):
    def test_writes_and_prints_changes(self):
        out = os.path.join(self.d, "out")
        with self.fake_store(planted()):
            rc, stdout, err = self.cli("--out", out)
        self.assertEqual(rc, 0, err)
        for f in ("trend.svg", "trend.png", "trend.gp", "trend.md"):
            self.assertTrue(os.path.getsize(os.path.join(out, f)) > 0, f)
        self.assertEqual(sorted(os.listdir(out)), ["trend.gp", "trend.md", "trend.png", "trend.svg"])
        rs = [r for r in planted() if r["key"] == "forkjoin/b0/warm/2"]
        row = [l for l in stdout.splitlines() if "forkjoin/b0/warm/2" in l]
        self.assertEqual(len(row), 1, stdout)
        self.assertRegex(row[0], r"vm-a +native +forkjoin/b0/warm/2 +\+[23]\d\.\d% +0\.00\d ")
        self.assertTrue(row[0].endswith(f"{rs[11]['commit']}  {rs[12]['commit']}"), row[0])
        md = slurp(os.path.join(out, "trend.md"))
        self.assertIn(f"| {rs[11]['commit']} | {rs[12]['commit']} |", md)
        self.assertEqual(md.count("\n| vm-"), 1, "one change point in all")

    def test_filters(self):
        out = os.path.join(self.d, "out")
        with self.fake_store(planted()):
            rc, stdout, err = self.cli("--out", out, "--key", "bursts/*", "--machine", "vm-b")
        self.assertEqual(rc, 0, err)
        self.assertIn("no change point in 1 lines", stdout)
        gp = slurp(os.path.join(out, "trend.gp"))
        self.assertEqual(len(re.findall(r"with yerrorlines", gp)), 1)

    def test_key_matching_nothing(self):
        out = os.path.join(self.d, "out")
        with self.fake_store(planted()):
            rc, stdout, err = self.cli("--out", out, "--key", "nope/*\x1b[31m")
        self.assertEqual(rc, 1)
        self.one_line(err)
        self.assertIn("nothing in the history matches key 'nope/*\\x1b[31m'", err)
        self.assertFalse(os.path.exists(out), "nothing written")

    def test_broken_or_missing_store(self):
        out = os.path.join(self.d, "out")
        with self.fake_store([], fail="cannot open 'x.sqlite': file is not a database"):
            rc, _, err = self.cli("--out", out)
        self.assertEqual(rc, 2)
        self.one_line(err)
        with mock.patch.dict(sys.modules, {"history.store": None}):
            rc, _, err = self.cli("--out", out)
        self.assertEqual(rc, 2)
        self.one_line(err)
        with self.fake_store([], fail="database is locked", status=1):
            rc, _, err = self.cli("--out", out)
        self.assertEqual(rc, 1, "the database failed: the store's own status")
        self.one_line(err)
        self.assertFalse(os.path.exists(out), "nothing written")

    def test_usage(self):
        for args in (["--alpha", "7"], ["--nope"]):
            p = subprocess.run([sys.executable, "-m", "history.trend", *args], cwd=ROOT, capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(p.returncode, 2, args)
            self.one_line(p.stderr)
        p = subprocess.run([sys.executable, "-m", "history.trend", "--help"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--key", p.stdout)


class Section(Case):
    def test_one_run_gives_none(self):
        rs = rows(values(n=1), family="bursts")
        self.assertIsNone(trend.trend_section(Store(rs), "vm-a", self.d))

    def test_headline_families(self):
        md = trend.trend_section(Store(planted()), "vm-a", self.d)
        self.assertIn("## History", md)
        self.assertRegex(md, r"\| vm-a \| native \| forkjoin/b0/warm/2 \| \+[23]\d\.\d% \|")
        gp = slurp(os.path.join(self.d, "history.gp"))
        self.assertNotIn("PWNED", gp, "latency is not a headline family")
        self.assertNotIn("vm-b", gp, "another machine's runs")
        md = trend.trend_section(Store(planted()), "vm-a", self.d, keys={("native", "bursts/spin/warm/2")})
        self.assertIn("No change point in 1 lines", md)


class Report(Case):
    def setUp(self):
        super().setUp()
        sys.path.insert(0, REPORT_DIR)
        import history_view
        import run_model
        from vocab import ordered
        self.view = history_view
        self.run = ordered(run_model.load_run(FIXTURE))

    def history_of(self, chosen, machine="vm-a"):
        """8 earlier runs of every chosen figure's key, then the run itself."""
        out = []
        for k, (plat, scen, median) in enumerate(sorted(chosen)):
            vals = values(n=9, level=median, seed=k)
            vals[-1] = median
            out += rows(vals, machine=machine, platform=plat, family=scen, key=f"{scen}/key{k}")
        return out

    def test_section_of_the_run(self):
        chosen = self.view.picks(self.run)
        self.assertTrue(chosen, "the fixture has verdicts")
        other = self.history_of({(p, s, m * 2) for p, s, m in chosen}, machine="vm-b")
        with self.fake_store(self.history_of(chosen) + other), mock.patch.dict(os.environ, {"HISTORY": "fake:"}):
            b = self.view.section(self.run, self.d)
        self.assertEqual(type(b[0]).__name__, "Heading")
        gp = slurp(os.path.join(self.d, "history.gp"))
        self.assertEqual(len(re.findall(r"with yerrorlines", gp)), len(chosen))
        self.assertNotIn("vm-b", gp)

    def test_absent_or_broken_history(self):
        err = io.StringIO()
        with self.fake_store([], fail="file is not a database"), mock.patch.dict(os.environ, {"HISTORY": "x"}), \
                contextlib.redirect_stderr(err):
            self.assertEqual(self.view.section(self.run, self.d), [])
        self.one_line(err.getvalue())
        err = io.StringIO()
        with self.fake_store(self.history_of({("native", "bursts", 1.5)})), \
                mock.patch.dict(os.environ, {"HISTORY": "x"}), contextlib.redirect_stderr(err):
            self.assertEqual(self.view.section(self.run, self.d), [])
        self.assertIn("not in the history", err.getvalue())
        # The whole report: a history that cannot be opened is one line, exit 0.
        bad = os.path.join(self.d, "broken.sqlite")
        with open(bad, "w") as f:
            f.write("not a database\n")
        p = subprocess.run([sys.executable, os.path.join(REPORT_DIR, "report.py"), FIXTURE, "--out",
                            os.path.join(self.d, "report")], env=dict(os.environ, HISTORY=bad),
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len([l for l in p.stderr.splitlines() if "history" in l]), 1, p.stderr)
        self.assertNotIn("Traceback", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
