#!/usr/bin/env python3
"""The report from a committed fixture run (real records, trimmed): every file
is written, every SVG is XML with the expected series; a one-platform run
still gives a report; bad input gives one line naming file and line, exit 2.
Records are untrusted: a crafted file never runs a command (gnuplot, shell)
and every hostile input is one line, exit 2, never a traceback. A run with
a noisy reference says so first (summary.md and index.html) and gives no
figure in its units; a clean one says neither. Fork-join findings rank
pools whose intervals overlap as tied; an empty dispatch is said as such.
The cases on the second and the busy fixture (verdict, plots, runs, threads,
busy) are in test_report_runs.py, those across machines (machines,
hostile_machine) in test_report_machines.py.
usage: test_report.py [CASE]   (files | one_platform | compare | bad_input |
  injection | hostile | platforms_alone | verdict | plots | runs | threads |
  busy | markdown | escapes | cut_short | machines | hostile_machine; none:
  every case)"""
import json
import os
import re
import shutil

from report_testkit import (ANY, FIXTURE, PLATFORMS, REPORT, REPORT_DIR, ROOT, TARGETS, ReportCase,
                            called_noisy, like, lines, main, ndjson, one_line, slurp, unmd, write_ndjson)
import test_report_runs
from test_report_busy import Busy
from test_report_machines import HostileMachine, Machines

REQUIRE_ALL = os.environ.get("POOLBENCH_REQUIRE_ALL") == "1"


def fixture_lines(name="native.ndjson"):
    with open(os.path.join(FIXTURE, name), encoding="utf-8") as f:
        return f.read().splitlines(keepends=True)


def copy_fixture(to, names=None):
    for n in names or [n for n in os.listdir(FIXTURE) if n.endswith(".ndjson")]:
        shutil.copy(os.path.join(FIXTURE, n), to)


class Files(ReportCase):
    def test_files(self):
        copy_fixture(self.d)
        p = self.py(REPORT, self.d, merge=True)
        self.assertEqual(p.returncode, 0, f"report exited {p.returncode}\n{p.stdout}")
        r = self.path("report")
        for f in ("index.html", "summary.md"):
            self.assertNonEmpty(os.path.join(r, f), f"{f} missing")
        for n in ("speedup", "tradeoff", "latency", "wasm_ratio", "startup", "python"):
            for ext in ("svg", "png"):
                self.assertNonEmpty(f"{r}/plots/{n}.{ext}", f"plots/{n}.{ext} missing")
        # A run older than the forkjoin scenarios has no fork-join plot.
        self.assertFalse(os.path.exists(f"{r}/plots/forkjoin.svg"), "a fork-join plot without forkjoin records")
        self.svg_has(f"{r}/plots/speedup.svg", "spin/warm", "futex/cold", "openmp", "break-even",
                     "native: warm pools", "chrome: cold pools")
        md = unmd(f"{r}/summary.md")
        self.assertIn("| dispatch (caller may run it alone) | dispatch: workers ran |", md,
                      "the summary table does not say what a dispatch is and how much the workers ran")
        self.svg_has(f"{r}/plots/latency.svg", "p50", "p90", "p99", "p99.9", "clock steps", "chrome: warm pools")
        self.svg_has(f"{r}/plots/wasm_ratio.svg", "node", "chrome", "dispatch")
        self.svg_has(f"{r}/plots/startup.svg", "spin/warm", "worker ready")
        self.svg_has(f"{r}/plots/tradeoff.svg", "native", "node", "chrome: no CPU clock")
        self.svg_has(f"{r}/plots/python.svg", "python: py_threads", "python: py_to_pool.spin",
                     "pyodide-node: py_per_item", "pyodide-chrome: py_serial")
        # Every median drawn with its interval: one bar per point.
        for n in ("speedup", "python"):
            self.svg_errorbars(f"{r}/plots/{n}.svg", 8)
        self.assertGrep(r"^## native: median \[95% interval\]", md, "no interval in the table's title")
        self.assertGrep(r"^\| spin/warm \| [0-9.]+ (ns|us) \[[0-9.]+ (ns|us), [0-9.]+ (ns|us)\] \|", md,
                        "the native table has no 'median [lo, hi]' cell")
        self.assertIn(" ‡ |", md, "no figure marked for an interval below 95%")
        # Findings link the plot that shows them, only plots the report drew.
        self.assertGrep(r"^- \*\*native\*\*: parallelism pays off.*\(\[plot\]\(plots/speedup.svg\)\)$", md,
                        "the break-even finding does not link its plot")
        self.assertNotIn("plots/forkjoin.svg", md, "a finding links a plot that was not drawn")
        page = slurp(f"{r}/index.html")
        self.assertGrep(r"<li><b>native</b>: parallelism pays off.*\(<a href='#plot-speedup'>plot</a>\)</li>", page,
                        "index.html findings do not link the plots")
        self.assertIn("<h3 id='plot-speedup'>", page, "index.html findings do not link the plots")
        self.assertIn("## Python: native CPython vs Pyodide", md, "no Python section")
        row = [l for l in md.splitlines() if l.startswith("| ctypes call into C |")]
        self.assertTrue(row and len(row[0].split("|")) == 6
                        and all(c.strip() not in ("", "-") for c in row[0].split("|")[2:5]),
                        f"the ctypes row lacks a platform: {row}")
        self.assertIn("| python_threads | RuntimeError: can't start new thread |", md, "no capability probe")
        self.assertIn("## Findings", md, "summary.md has no findings")
        self.assertIn("empty call that the caller may run alone", md, "no dispatch finding")
        self.assertIn("no `forkjoin` records", md, "a run without forkjoin records does not say so")
        self.assertNoGrep("cheapest empty", md, "dispatch still named the cheapest parallel_for", re.I)
        # The fixture's chrome spin round trip (763 us, above its futex one) is noisy: said first.
        third = slurp(f"{r}/summary.md").split("\n")[2]
        self.assertTrue(like(third, "**noisy run**", ANY, "chrome: spin round trip 763.12 us", ANY),
                        f"summary.md does not open with the noisy banner: {third}")
        self.assertGrep(r"<body><h1>[^<]*</h1><p class='note'><b>noisy run</b>[^<]*chrome: spin round trip", page,
                        "index.html does not open with the noisy banner")
        # A noisy platform gets no verdict, and its findings say so first.
        self.assertGrep(r"^\| chrome \| bursts with idle gaps \(frames, input\) \| "
                        r"no verdict: noisy \(spin round trip 763\.12 us above", md,
                        f"the noisy chrome still ranks: {lines(md, '^[|] chrome')}")
        chrome = lines(md, r"^- \*\*chrome\*\*")
        self.assertFalse([l for l in chrome if not l.startswith("- **chrome** (noisy: spin round trip): ")],
                         f"a chrome finding does not open with noisy: {chrome}")
        self.assertIn("cross_origin_isolated", md, "environment table lacks the browser probe")


class OnePlatform(ReportCase):
    def test_native_only(self):
        copy_fixture(self.d, ["native.ndjson"])
        self.report_ok(self.d, what="report of a native-only run failed")
        self.assertNonEmpty(self.path("report/plots/speedup.svg"), "no speedup plot")
        self.assertFalse(os.path.exists(self.path("report/plots/wasm_ratio.svg")), "wasm ratio plot without wasm records")
        calls = self.mkdir("calls")
        py = fixture_lines("python.ndjson")
        with open(f"{calls}/python.ndjson", "w", encoding="utf-8") as f:
            f.write(py[0] + "".join(l for l in py if '"scenario":"call"' in l))
        self.report_ok(calls, what="report of a calls-only Python run failed")
        self.assertFalse(called_noisy(slurp(self.path("report/summary.md")), slurp(self.path("report/index.html"))),
                         "a clean run called noisy")
        self.assertFalse(called_noisy(slurp(f"{calls}/report/summary.md"), slurp(f"{calls}/report/index.html")),
                         "a clean calls-only run called noisy")

    def test_drift(self):
        # The spin reference measured again at the end of the run moved x5 (a
        # load that started mid-run): noisy, though each measurement was steady.
        drift = self.mkdir("drift")
        nat = fixture_lines()
        with open(f"{drift}/native.ndjson", "w", encoding="utf-8") as f:
            f.write("".join(l for l in nat if '"type":"end"' not in l))
            f.write('{"type":"reference_drift","platform":"native","scenario":"pingpong",'
                    '"backend":"spin_pingpong","start_ns":100,"end_ns":500}\n')
            f.write("".join(l for l in nat if '"type":"end"' in l))
        self.report_ok(drift, what="report of a run with a reference drift failed")
        self.assertGrep("noisy.*at the start.*at the end of the run", unmd(f"{drift}/report/summary.md"),
                        "a spin reference that moved x5 during the run is not called noisy")

    def test_forkjoin_headline(self):
        # Synthetic fork-joins on the native fixture: the headline ranks them,
        # ties within overlapping intervals; a spin round trip of 11 ms is noisy.
        from test_targets import SPIN_RT, find, forkjoin, scale
        for case in ("clean", "tie", "noisy"):
            recs = ndjson(os.path.join(FIXTURE, "native.ndjson"))
            recs += [forkjoin("native", "spin", "warm", 2 * SPIN_RT),
                     forkjoin("native", "adaptive", "warm", (2.05 if case == "tie" else 3) * SPIN_RT),
                     forkjoin("native", "futex", "warm", 10 * SPIN_RT)]
            if case == "noisy":
                scale(find(recs, "pingpong", "spin_pingpong"), 11e6 / find(recs, "pingpong", "spin_pingpong")["median"])
            recs.sort(key=lambda r: r["type"] == "end")  # records added above go before the run's end
            write_ndjson(os.path.join(self.mkdir(case), "native.ndjson"), recs)
            self.report_ok(self.path(case), what=f"{case}: report failed")

        def md(case):
            return slurp(self.path(case, "report", "summary.md"))
        clean = unmd(self.path("clean/report/summary.md"))
        self.assertTrue(like(md("clean"), ANY, "cheapest fork-join (every thread joins): `spin/warm` at 600 ns [", ANY,
                             " spin round trips; then `adaptive/warm`", ANY),
                        f"clean: no fork-join headline: {lines(clean, 'fork-join')[:1]}")
        self.assertFalse(called_noisy(clean), "clean: noisy")
        self.assertNotIn("tied", "\n".join(lines(md("clean"), "^- .*fork-join")), "clean: tied")
        self.assertTrue(like(md("tie"), ANY, "`spin/warm` at 600 ns [", ANY, "; tied with `adaptive/warm` at 615 ns [",
                             ANY, "(intervals overlap)", ANY),
                        f"tie: overlapping intervals not called tied: "
                        f"{lines(unmd(self.path('tie/report/summary.md')), 'fork-join')[:1]}")
        third = md("noisy").split("\n")[2]
        self.assertTrue(like(third, "**noisy run**", ANY, "native: spin round trip 11.00 ms above 10.00 us", ANY),
                        f"noisy: no banner first: {third}")
        self.assertIn("<p class='note'><b>noisy run</b>", slurp(self.path("noisy/report/index.html")),
                      "noisy: no banner in index.html")
        self.assertIn("(in spin round trips: N/A, reference noisy: spin round trip 11.00 ms", md("noisy"),
                      "noisy: a figure still in spin round trips")
        p = self.py(TARGETS, self.path("noisy"))
        self.assertLessEqual(p.returncode, 1, f"noisy: targets failed: {p.stderr}")
        row = "\n".join(lines(p.stdout, r"^native *1\. forkjoin warm.*spin/warm"))
        self.assertTrue(like(row, ANY, " N/A ", ANY, "reference noisy: spin round trip 11.00 ms", ANY),
                        f"noisy: target 1 not N/A: {row}")
        p = self.py(TARGETS, self.path("clean"))
        self.assertLessEqual(p.returncode, 1, f"clean: targets failed: {p.stderr}")
        self.assertNotIn("noisy", p.stdout, "clean: targets say noisy")


class Compare(ReportCase):
    def test_compare(self):
        old, new = self.mkdir("old"), self.mkdir("new")
        copy_fixture(old)
        copy_fixture(new)
        self.report_ok(new, "--baseline", old, what="comparison report failed")
        self.svg_has(f"{new}/report/plots/comparison.svg", "new / old")
        self.assertIn("Compared with the baseline", unmd(f"{new}/report/summary.md"), "no comparison table")

    def test_gate_verdicts(self):
        # The gate's verdicts beside the ratios (its U test, report/gate.conf):
        # one key made 1.6x slower in every sample of the new run is a
        # regression, an unchanged one is not; without the gate binary the
        # note says why.
        old, new = self.mkdir("old"), self.mkdir("new")
        copy_fixture(old)
        copy_fixture(new)
        gate = os.path.join(ROOT, "build", "poolbench_gate")
        if not os.access(gate, os.X_OK):
            if REQUIRE_ALL:
                self.fail(f"{gate} is missing (POOLBENCH_REQUIRE_ALL=1: make build builds it)")
            self.skipTest(f"{gate} is missing: run make build")
        recs = ndjson(f"{new}/native.ndjson")
        for r in recs:
            if (r.get("scenario") == "grain" and r.get("backend") == "spin" and r.get("mode") == "warm"
                    and r.get("work_ns") == 1000):
                for f in ("median", "mad", "min", "max", "mean", "ci_lo", "ci_hi"):
                    r[f] *= 1.6
                r["samples"] = [v * 1.6 for v in r["samples"]]
        write_ndjson(f"{new}/native.ndjson", recs)
        self.report_ok(new, "--baseline", old, env={"POOLBENCH_GATE": gate}, what="comparison report failed")
        md = unmd(f"{new}/report/summary.md")
        self.assertGrep(r"^\| native \| grain spin/warm W=1000 \|.*\| 1\.60 \| regression \| 0\.0", md,
                        f"the slowed key is not the gate's regression: {lines(md, 'grain spin/warm W=1000')}")
        self.assertGrep(r"^\| native \| grain futex/warm W=1000 \|.*\| 1\.00 \| ok \|", md,
                        f"an unchanged key: {lines(md, 'grain futex/warm W=1000')}")
        self.assertGrep("The regression gate on the same pair.*gate: regression", md, "no gate note")

    def test_without_gate(self):
        old, new = self.mkdir("old"), self.mkdir("new")
        copy_fixture(old)
        copy_fixture(new)
        self.report_ok(new, "--baseline", old, env={"POOLBENCH_GATE": "/nonexistent"}, what="without the gate")
        self.assertIn("no gate verdicts: build/poolbench_gate is missing", unmd(f"{new}/report/summary.md"),
                      "no note without the gate")


class BadInput(ReportCase):
    def expect2(self, name, content):
        d = self.mkdir(name)
        with open(f"{d}/native.ndjson", "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
        p = self.py(REPORT, d)
        err = p.stderr
        self.assertEqual(p.returncode, 2, f"{name}: exit {p.returncode}, want 2 ({err})")
        self.assertTrue(one_line(err), f"{name}: not one line: {err}")
        self.assertIn("native.ndjson:", err, f"{name}: file not named: {err}")
        print(f"ok: {name} -> {err.strip()}")

    def test_bad_input(self):
        nat = fixture_lines()
        self.expect2("empty", "")
        self.expect2("truncated", "".join(nat).encode()[:700])
        self.expect2("broken_line", "".join(nat[:3]) + '{"type":"measurement","oops":\n')
        self.expect2("garbage", "hello world\nthis is not json\n")
        self.expect2("foreign", '{"name":"a foreign JSON file"}\n')
        self.expect2("wrong_type", nat[0] + re.sub(r'"median":[0-9.e+-]*', '"median":"fast"', nat[1], count=1))
        p = self.py(REPORT, self.path("nonexistent"))
        self.assertEqual(p.returncode, 2, "missing dir")


class Injection(ReportCase):
    def test_injection(self):
        # A newline in a name starts a gnuplot line ('!' runs a shell command);
        # a backquote inside a double-quoted gnuplot string is run by the shell too.
        d = self.d
        run = self.mkdir("run")
        copy_fixture(run, ["native.ndjson"])
        line = next(l for l in fixture_lines() if '"scenario":"grain",' in l)
        r = json.loads(line)
        r["backend"] = f"condvar\n!touch {d}/PWNED1\nset label 1 'x'#"
        with open(f"{run}/native.ndjson", "a", encoding="utf-8") as f:
            f.write(json.dumps(r) + "\n")
        p = self.py(REPORT, run)
        self.assertTrue(p.returncode == 2 and "native.ndjson:" in p.stderr,
                        f"injection file: exit {p.returncode} ({p.stderr})")
        self.assertEqual(self.py(TARGETS, run).returncode, 2, "targets took it")
        # The plot layer on its own: any text in a title or a series name stays text.
        import plots
        evil = [f"a\n!touch {d}/PWNED2\n#", f"b`touch {d}/PWNED3`", f"c'\n!touch {d}/PWNED4", "d\\\"'@x"]
        s = plots.Script()
        s += "plot " + ", ".join(f"{s.data([(1, i), (2, i + 1)])} using 1:2 with lines title {plots.q(e)}"
                                 for i, e in enumerate(evil))
        plots.render(s, self.path("plots"), "evil", evil[0])
        with self.assertRaises(ValueError, msg="text taken as a number for a datablock"):
            plots.num("1\nEOD")
        for i in (1, 2, 3, 4):
            self.assertFalse(os.path.exists(f"{d}/PWNED{i}"), f"a record ran a command (PWNED{i})")
        self.svg_has(self.path("plots/evil.svg"), "touch", "d\\\"'@x")


class Hostile(ReportCase):
    def refuse(self, name, content):
        """The hostile file, read as native.ndjson and as node.ndjson: exit 2,
        one line naming FILE:LINE, no traceback."""
        nat, wasm = self.mkdir(name, "nat"), self.mkdir(name, "wasm")
        for path in (f"{nat}/native.ndjson", f"{wasm}/node.ndjson"):
            with open(path, "w", encoding="utf-8") as f:
                f.write(content)
        copy_fixture(wasm, ["native.ndjson"])
        for tool, d in (("report.py", nat), ("targets.py", nat), ("platforms.py", wasm)):
            p = self.py(os.path.join(REPORT_DIR, tool), d)
            err = p.stderr
            self.assertEqual(p.returncode, 2, f"{name}: {tool} exit {p.returncode}, want 2 ({err})")
            self.assertTrue(one_line(err) and "Traceback" not in err, f"{name}: {tool}: {err}")
            self.assertRegex(err, r"\.ndjson:[0-9]", f"{name}: {tool} names no FILE:LINE: {err}")
        print(f"ok: {name} -> {err.strip()}")

    def test_hostile(self):
        # Each input once crashed a Python reader with a traceback or was taken.
        nat = fixture_lines()
        hdr, rec = nat[0].rstrip("\n"), nat[1].rstrip("\n")

        def edit(line, change):
            r = json.loads(line)
            change(r)
            return json.dumps(r)

        def setitem(key, value):
            return lambda r: r.__setitem__(key, value)

        def median_as(text):  # bash ${rec/"median":/"median":TEXT,"x":}
            return rec.replace('"median":', f'"median":{text},"x":', 1)
        self.refuse("long_line", f"{hdr}\n{'[' * 200000}{']' * 200000}\n")
        self.refuse("deep", f"{hdr}\n{'[' * 30000}{']' * 30000}\n")
        self.refuse("digits", f"{hdr}\n{median_as('9' * 5000)}\n")
        self.refuse("nan", f"{hdr}\n{median_as('NaN')}\n")
        self.refuse("inf", f"{hdr}\n{median_as('1e999')}\n")
        self.refuse("negative_sample", f"{hdr}\n{edit(rec, lambda r: r['samples'].__setitem__(0, -5))}\n")
        self.refuse("negative_median", f"{hdr}\n{edit(rec, setitem('median', -1))}\n")
        self.refuse("schema3", f"{edit(hdr, setitem('schema', 3))}\n{rec}\n")
        self.refuse("schema1", f"{edit(hdr, setitem('schema', 1))}\n{rec}\n")
        err = self.py(os.path.join(REPORT_DIR, "report.py"), self.mkdir("schema1", "nat")).stderr
        self.assertIn("schema 1 file: written by an older poolbench; re-run it", err,
                      f"schema1: not the older file's message: {err}")
        self.refuse("concatenated", f"{hdr}\n{rec}\n{hdr}\n{rec}\n")
        self.refuse("platform_mismatch", f"{hdr}\n{edit(rec, setitem('platform', 'node'))}\n")
        dup = rec.replace("{", '{"median":1,', 1)
        self.refuse("duplicate_key", f"{hdr}\n{dup}\n")
        ctl = edit(rec, setitem("backend", "spin\n!id"))
        self.refuse("control_in_name", f"{hdr}\n{ctl}\n")
        self.refuse("threads_huge", f"{hdr}\n{edit(rec, setitem('threads', 100000))}\n")

    def test_degenerate(self):
        # Valid but degenerate: every median 0 -> no traceback anywhere.
        zeros = self.mkdir("zeros")
        recs = ndjson(os.path.join(FIXTURE, "native.ndjson"))
        for i, r in enumerate(recs):
            for k in ("median", "p50", "p90", "p99", "p999", "min", "max", "mean", "mad", "first_call_ns"):
                if i and isinstance(r.get(k), (int, float)):
                    r[k] = 0
        write_ndjson(f"{zeros}/native.ndjson", recs)
        for tool in (REPORT, TARGETS):
            p = self.py(tool, zeros)
            self.assertTrue("Traceback" not in p.stderr and p.returncode <= 2,
                            f"zeros: {os.path.basename(tool)} exit {p.returncode}: {p.stderr}")
        p = self.py(REPORT, FIXTURE, "--out", "/proc/nope")
        self.assertTrue(p.returncode == 2 and "Traceback" not in p.stderr and one_line(p.stderr),
                        f"--out /proc/nope: exit {p.returncode}: {p.stderr}")


class PlatformsAlone(ReportCase):
    def test_platforms_alone(self):
        # make bench-node / bench-browser into a fresh RUN: no native.ndjson there.
        wasm, nat = self.mkdir("results", "wasm"), self.path("results", "nat")
        copy_fixture(wasm, ["node.ndjson"])
        p = self.py(PLATFORMS, wasm, merge=True)
        self.assertTrue(p.returncode == 0 and "skipped" in p.stdout, f"alone: exit {p.returncode}: {p.stdout}")
        os.mkdir(nat)
        copy_fixture(nat, ["native.ndjson"])
        p = self.py(PLATFORMS, wasm, merge=True)
        self.assertTrue(p.returncode == 0 and "results/nat/native.ndjson" in p.stdout and "node/nat" in p.stdout,
                        f"sibling: exit {p.returncode}: {p.stdout}")
        # After the native stage alone: its line, no ratios, exit 0; nothing to read: exit 2.
        p = self.py(PLATFORMS, nat, merge=True)
        self.assertTrue(p.returncode == 0 and like(p.stdout, "native: interference not counted (no counters), 0 of ",
                                                   ANY, " figures noisy", ANY, "ratios skipped", ANY),
                        f"native alone: exit {p.returncode}: {p.stdout}")
        empty = self.mkdir("results", "empty")
        self.assertEqual(self.py(PLATFORMS, empty).returncode, 2, "empty run dir: not exit 2")


class Markdown(ReportCase):
    def test_markdown(self):
        # Record text and the folder's name are text in summary.md: no link,
        # image or HTML of theirs is live there (index.html escapes them as HTML).
        run = self.mkdir("x<img src=x onerror=alert(1)>")
        recs = ndjson(os.path.join(FIXTURE, "native.ndjson"))
        recs[0]["cpu_model"] = "[click me](https://evil.example) ![t](https://evil.example/t.png) <b>x</b> | # *y*"
        write_ndjson(f"{run}/native.ndjson", recs)
        self.report_ok(run)
        md = slurp(f"{run}/report/summary.md")
        # The report's own links (a finding's plot) aside, nothing may open a
        # link, an image or a tag, nor end a table cell early.
        text = re.sub(r"\(\[plot\]\(plots/[a-z_]+\.svg\)\)", "", md)
        live = re.findall(r"(?<!\\)(?:\]\(|!\[|<[A-Za-z/!?])", text)
        self.assertFalse(live, f"live Markdown from records or names: {live}")
        title = md.splitlines()[0]
        self.assertEqual(title, r"# poolbench report: x\<img src=x onerror=alert\(1\)\>", "title")
        row = [l for l in md.splitlines() if l.startswith(r"| cpu\_model |")]
        self.assertEqual(row, [r"| cpu\_model | \[click me\]\(https://evil.example\) \!\[t\]\(https://evil.example/t.png\) "
                               r"\<b\>x\</b\> \| # \*y\* |"], "cpu_model row")


EVIL = "\x1b]0;x\x07\x1b[2J\nz"


class Escapes(ReportCase):
    def quiet(self, want, *args):
        """python3 ARGS exits WANT; no ESC on stdout or stderr; an error is one line."""
        p = self.py(*args)
        shown = ascii(args)
        self.assertEqual(p.returncode, want, f"{shown}: exit {p.returncode}, want {want}: {ascii(p.stderr)}")
        self.assertFalse("\x1b" in p.stdout or "\x1b" in p.stderr,
                         f"{shown}: a raw ESC in its output: {ascii(p.stdout + p.stderr)}")
        self.assertTrue(want == 0 or one_line(p.stderr), f"{shown}: not one line: {ascii(p.stderr)}")

    def test_escapes(self):
        # Messages quote their input: an argument, a path or a record's
        # cpu_model holding terminal codes (ESC]0;..BEL retitles, ESC[2J
        # clears) and a newline reaches no output raw, and an error stays one line.
        run = self.mkdir("run")
        recs = ndjson(os.path.join(FIXTURE, "native.ndjson"))
        recs[0]["cpu_model"] = "CPU\x1b]0;x\x07\x1b[2J\nB"
        write_ndjson(f"{run}/native.ndjson", recs)
        none = self.path("none" + EVIL)
        self.quiet(2, REPORT, run, "--bogus" + EVIL)
        self.quiet(2, REPORT, none)
        self.quiet(2, REPORT, run, "--baseline", none)
        self.quiet(2, PLATFORMS, none)
        # Usage errors of every Python program: one line, the argument quoted.
        self.quiet(2, PLATFORMS)
        self.quiet(2, PLATFORMS, run, "--bogus" + EVIL)
        self.quiet(2, TARGETS)
        self.quiet(2, TARGETS, run, "--bogus" + EVIL)
        self.quiet(2, os.path.join(ROOT, "bench", "py_baselines.py"), "--out", self.path("py"), "--bogus" + EVIL)
        # A run's error record in the findings: plain words, no live link or mark.
        nat = fixture_lines()
        err_run = self.mkdir("err_run")
        with open(f"{err_run}/native.ndjson", "w", encoding="utf-8") as f:
            f.write("".join(l for l in nat if '"type":"end"' not in l))
            f.write('{"type":"error","platform":"native","scenario":"forkjoin","backend":"spin","mode":"warm",'
                    '"message":"[click](https://evil.example) ![t](https://evil.example/t.png) '
                    '<img src=x onerror=alert(1)>"}\n')
            f.write("".join(l for l in nat if '"type":"end"' in l))
        self.quiet(0, REPORT, err_run)
        for f in ("summary.md", "index.html"):
            self.assertNoGrep(r"\]\(https://evil|<img src=x", slurp(f"{err_run}/report/{f}"),
                              f"an error record's message became a link or HTML ({f})")
        # Against another machine's run: the gate (when built) refuses, its
        # reason quoted into the report.
        self.quiet(0, REPORT, run, "--baseline", FIXTURE)
        for f in ("summary.md", "index.html"):
            self.assertNotIn("\x1b", slurp(f"{run}/report/{f}"), f"a raw ESC in {f}")


class CutShort(ReportCase):
    def test_cut_short(self):
        # A run killed mid-way (SIGKILL: no end record) is reported as cut
        # short, first thing, naming the last job its file got to; a finished
        # one is not.
        cut = self.mkdir("cut")
        copy_fixture(cut)
        p = self.report_ok(cut, "--out", self.path("whole"))
        self.assertNoGrep("cut short", slurp(self.path("whole/summary.md")) + p.stderr,
                          "a finished run called cut short", re.I)
        # Cut native.ndjson after its 40th line, as a SIGKILL would (whole
        # lines: the sink writes each at once).
        with open(f"{cut}/native.ndjson", "w", encoding="utf-8") as f:
            f.write("".join(fixture_lines()[:40]))
        m = [x for x in ndjson(f"{cut}/native.ndjson") if x["type"] in ("measurement", "error")][-1]
        last = " ".join([m["scenario"]] + [v for v in (m["backend"], m["mode"]) if v != "default"]) + \
            " P=%d" % m["threads"]
        p = self.report_ok(cut, "--out", f"{cut}/report", what="report on a cut run failed")
        self.assertGrep(r"^report: cut short \(no .end. record.*native ends after ." + re.escape(last) + ".",
                        p.stderr, f"no cut-short line on stderr: {p.stderr}")
        first = unmd(f"{cut}/report/summary.md").split("\n")[2]
        self.assertTrue(like(first, "**cut short** ", ANY, f"native ends after `{last}`."),
                        f"the report does not open with the cut: {first}")
        self.assertTrue("node" not in first and "chrome" not in first, f"finished platforms named cut short: {first}")
        self.assertIn("cut short", slurp(f"{cut}/report/index.html"), "index.html does not say the run was cut short")


CASES = {
    "files": Files, "one_platform": OnePlatform, "compare": Compare, "bad_input": BadInput,
    "injection": Injection, "hostile": Hostile, "platforms_alone": PlatformsAlone,
    "verdict": test_report_runs.Verdict, "plots": test_report_runs.Plots, "runs": test_report_runs.Runs,
    "threads": test_report_runs.Threads, "busy": Busy, "markdown": Markdown,
    "escapes": Escapes, "cut_short": CutShort, "machines": Machines, "hostile_machine": HostileMachine,
}

if __name__ == "__main__":
    main(CASES)
