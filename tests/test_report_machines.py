"""The report across machines, run by test_report.py machines and
hostile_machine: runs of two machines (fixtures/run_forkjoin, an AMD EPYC of
2 cores; fixtures/run_machine_b, the same records on an EPYC 7B13 named
bench-b, its Chromium run on a Grid node of 8 cores) and a later run of the
first machine (figures x1.3). Each platform is named by machine and
platform (the start where two runs share both); the verdict has a block per
machine; a ratio across machines is N/A, one within a machine computed;
each figure is in its own machine's round trips; a machine's name from a
record is text in HTML, Markdown and gnuplot."""
import glob
import os
import re
import shutil

from report_testkit import (FIXTURE_B, FIXTURE_FJ, PLATFORMS, REPORT, ReportCase, cells, lines, ndjson, section, slurp, unmd,
                            write_ndjson)
from test_report_runs import scaled

A, B, GRID = "EPYC ×2", "EPYC 7B13 ×2 on bench-b", "unknown CPU ×8 on grid-node-7"
WORK = "back-to-back calls"
NOT_COMPARED = "N/A (different machines)"


def median(recs, scenario, backend, mode="default"):
    return next(r["median"] for r in recs if r.get("scenario") == scenario and r.get("backend") == backend
                and r.get("mode") == mode)


def copy_run(src, dst, plats, start=None, figures=1.0, spin=1.0):
    """src's files of plats into dst: start times moved to start (a
    {platform: ISO time}), every ns figure x figures, the spin round trip
    (spin_pingpong) x spin."""
    os.makedirs(dst, exist_ok=True)
    for plat in plats:
        recs = ndjson(os.path.join(src, f"{plat}.ndjson"))
        if start:
            recs[0]["start_time"] = start[plat]
        for r in recs[1:]:
            if r.get("type") != "measurement" or r.get("unit") != "ns":
                continue
            if r.get("scenario") == "pingpong":
                if r["backend"] == "spin_pingpong" and spin != 1.0:
                    scaled(r, spin)
            elif figures != 1.0:
                scaled(r, figures)
        write_ndjson(os.path.join(dst, f"{plat}.ndjson"), recs)


class Machines(ReportCase):
    def runs(self):
        """(a later run of machine A, machine B's run with its spin round trip x2)."""
        a2, b = self.path("a2"), self.path("b")
        copy_run(FIXTURE_FJ, a2, ("native", "chrome"), figures=1.3,
                 start={"native": "2026-12-05T08:00:00Z", "chrome": "2026-12-05T08:02:00Z"})
        copy_run(FIXTURE_B, b, ("native", "chrome"), spin=2.0)
        return a2, b

    def test_across_machines(self):
        a2, b = self.runs()
        out = self.path("out")
        self.report_ok(f"{FIXTURE_FJ},{b},{a2}", "--out", out, what="report of two machines failed")
        md = unmd(f"{out}/summary.md")
        verdict = section(md, "Verdict")
        # Named by machine and platform; the start only where two runs share both.
        names = {r[0] for r in cells(verdict)}
        want = {f"{A} · native · 2026-11-30 16:41", f"{A} · node", f"{A} · chrome 156 · 2026-11-30 16:43",
                f"{A} · native · 2026-12-05 08:00", f"{A} · chrome 156 · 2026-12-05 08:02",
                f"{B} · native", f"{GRID} · chrome 157"}
        self.assertEqual(names, want, "the verdict's platforms are not named by machine and platform")
        # One verdict block per machine, each with its own trust line and
        # only its own platforms' rows.
        blocks = re.split(r"^### Machine: (.*)$", verdict, flags=re.M)[1:]
        self.assertEqual(blocks[::2], [A, B, GRID], "not one verdict block per machine")
        trust = {"EPYC ×2": "AMD EPYC, 2 logical cores.", B: "AMD EPYC 7B13 64-Core Processor, 2 logical cores, on bench-b.",
                 GRID: "unknown CPU, 8 logical cores, on grid-node-7."}
        for machine, text in zip(blocks[::2], blocks[1::2]):
            rows = cells(text)
            self.assertTrue(rows and all(r[0].startswith(machine + " · ") for r in rows),
                            f"{machine}'s block holds another machine's rows: {[r[0] for r in rows]}")
            self.assertIn(f"**Machine**: {trust[machine]}", text, f"{machine}'s block: no trust line of its own")
        page = slurp(f"{out}/index.html")
        self.assertIn(f"<h3>Machine: {B}</h3>", page, "index.html has no verdict block per machine")
        # Across runs: within machine A the later run's figure over the first's
        # (x1.3); machine B's and the Grid node's first runs against machine
        # A's: N/A. Each figure in its own run's spin round trips (machine B's
        # twice machine A's: half as many).
        across = {(r[0], r[1]): r for r in cells(section(md, "Across runs"))}
        nat = ndjson(f"{FIXTURE_FJ}/native.ndjson")
        fj, spin = median(nat, "forkjoin", "adaptive", "warm"), median(nat, "pingpong", "spin_pingpong")
        row = across[(f"{A} · native · 2026-12-05 08:00", WORK)]
        self.assertEqual(row[5:], [f"{A} · native · 2026-11-30 16:41", "1.30"], f"same machine: {row}")
        self.assertEqual(across[(f"{A} · chrome 156 · 2026-12-05 08:02", WORK)][6], "1.30", "same machine, chrome")
        for name in (f"{B} · native", f"{GRID} · chrome 157"):
            row = across[(name, WORK)]
            self.assertEqual(row[6], NOT_COMPARED, f"a ratio across machines: {row}")
        self.assertEqual(across[(f"{A} · native · 2026-11-30 16:41", WORK)][4], f"{fj / spin:.2f}", "A's round trips")
        self.assertEqual(across[(f"{B} · native", WORK)][4], f"{fj / (2 * spin):.2f}",
                         "machine B's figure not in its own round trips")
        # Wasm over native: within a run folder and machine only.
        self.assertIn(f"**{A} · chrome 156 · 2026-11-30 16:43 vs native**: an empty `dispatch` costs", md,
                      "no Wasm/native ratio on one machine")
        self.assertIn(f"**{GRID} · chrome 157 vs native**: no ratios, {NOT_COMPARED[:-1]}: ", md,
                      "a Grid node's browser not said apart from its folder's native")
        gp = slurp(f"{out}/plots/wasm_ratio.gp")
        self.assertIn(f"title '{A} · chrome 156 · 2026-11-30 16:43'", gp, "wasm_ratio.gp: no series of machine A")
        self.assertNotIn("grid-node-7", gp, "wasm_ratio.gp: a ratio across machines")

    def test_baseline(self):
        # Against a baseline of another machine, new/old is N/A, and said;
        # against one of the same machine, computed.
        a2, b = self.runs()
        env = {"POOLBENCH_GATE": "/nonexistent"}
        self.report_ok(b, "--baseline", FIXTURE_FJ, "--out", self.path("other"), env=env)
        md = unmd(self.path("other/summary.md"))
        rows = cells(section(md, "Compared with the baseline"))
        self.assertTrue(rows and {r[4] for r in rows} == {NOT_COMPARED}, f"new/old across machines: {rows[:3]}")
        self.assertIn(f"native: different machines: {B} and {A}", md, "the machines are not said")
        self.assertFalse(os.path.exists(self.path("other/plots/comparison.svg")), "a comparison plot across machines")
        self.report_ok(a2, "--baseline", FIXTURE_FJ, "--out", self.path("same"), env=env)
        rows = cells(section(unmd(self.path("same/summary.md")), "Compared with the baseline"))
        fj = [r for r in rows if r[0] == "native" and r[1] == "forkjoin adaptive/warm"]
        self.assertEqual([r[4] for r in fj], ["1.30"], f"new/old on one machine: {fj}")

    def test_grid_sessions_in_one_folder(self):
        # make bench-grid writes <browser>-<node>.ndjson into the run folder
        # beside the local platforms: where a platform has two files there,
        # the report reads each Grid node's sessions as a run of that node's
        # machine, the rest as this one's.
        run = self.path("grid")
        copy_run(FIXTURE_FJ, run, ("native", "chrome"))
        shutil.copy(os.path.join(FIXTURE_B, "chrome.ndjson"), os.path.join(run, "chrome-grid-node-7.ndjson"))
        self.report_ok(run, "--out", self.path("out"), what="a run folder with a Grid session")
        verdict = section(unmd(self.path("out/summary.md")), "Verdict")
        blocks = re.split(r"^### Machine: (.*)$", verdict, flags=re.M)[1:]
        self.assertEqual(blocks[::2], [A, GRID], "the Grid node's session is not a machine of its own")
        # Two files of one platform from one machine are still two runs in one folder: refused.
        shutil.copy(os.path.join(run, "chrome.ndjson"), os.path.join(run, "chrome-again.ndjson"))
        p = self.py(REPORT, run)
        self.assertEqual(p.returncode, 2, f"two local chrome files: exit {p.returncode}")
        self.assertIn("a second file for platform chrome", p.stderr)

    def test_wasm_held_to_own_machine(self):
        # Machine B's spin round trip at 8x (808 ns) makes its own fork-joins
        # impossible; the Grid node's Chromium beside it (736 ns) is judged on
        # its own machine, not on that native's round trip.
        run = self.path("b8")
        copy_run(FIXTURE_B, run, ("native", "chrome"), spin=8.0)
        self.report_ok(run, "--out", self.path("out"))
        md = unmd(self.path("out/summary.md"))
        rows = {(r[0], r[1]): r for r in cells(section(md, "Verdict"))}
        self.assertTrue(rows[("native", WORK)][2].startswith("no verdict: noisy"), "the planted round trip took no effect")
        self.assertEqual(rows[("chrome", WORK)][2], "condvar/warm",
                         f"the Grid node's Chromium held to another machine's native: {rows[('chrome', WORK)]}")
        # After the stage too (platforms.py): no ratio of its figures over that native's.
        p = self.py(PLATFORMS, run)
        self.assertEqual(p.returncode, 0, f"platforms.py: exit {p.returncode}: {p.stderr}")
        self.assertIn(f"chrome/native ratios N/A (different machines: {GRID} and {B})", p.stdout, "platforms.py")
        self.assertNotIn("ratios of medians", p.stdout, "platforms.py: a ratio across machines")


HOSTILE_CPU = "<script>alert('x')</script> \"q\" [click](https://evil.example) `c` *e*\n!touch {d}/PWNED1\n'"
HOSTILE_HOST = "h<img src=x onerror=alert(2)>\n!touch {d}/PWNED2"


class HostileMachine(ReportCase):
    def test_hostile_name(self):
        # A machine's name from a record (cpu_model, hostname: any string the
        # contract takes, newlines and quotes too) is shown as text: escaped
        # in index.html, no live Markdown in summary.md, a quoted string in
        # every gnuplot script (a newline there could start a `!` shell line).
        d = self.d
        evil = self.path("evil")
        copy_run(FIXTURE_FJ, evil, ("native",), start={"native": "2026-12-06T08:00:00Z"})
        recs = ndjson(f"{evil}/native.ndjson")
        recs[0]["cpu_model"], recs[0]["hostname"] = HOSTILE_CPU.format(d=d), HOSTILE_HOST.format(d=d)
        write_ndjson(f"{evil}/native.ndjson", recs)
        shutil.copy(f"{FIXTURE_FJ}/native.ndjson", self.mkdir("good"))
        out = self.path("out")
        self.report_ok(f"{self.path('good')},{evil}", "--out", out)
        page = slurp(f"{out}/index.html")
        self.assertFalse(re.findall(r"(?i)<script|<img src=x", page), "a machine's name became HTML")
        self.assertRegex(page, r"<h3>Machine: [^<]*script[^<]*alert[^<]*</h3>", "the hostile machine is not named")
        md = slurp(f"{out}/summary.md")
        live = re.findall(r"(?<!\\)(?:\]\(|!\[|<[A-Za-z/!?])", re.sub(r"\(\[plot\]\(plots/[a-z_]+\.svg\)\)", "", md))
        self.assertFalse(live, f"live Markdown from a machine's name: {live}")
        self.assertTrue(lines(md, r"^### Machine: .*script.*alert"), "summary.md names no hostile machine")
        said = 0
        for gp in glob.glob(f"{out}/plots/*.gp"):
            for line in slurp(gp).splitlines():
                self.assertFalse(line.startswith("!"), f"{os.path.basename(gp)}: a shell line: {line}")
                bare = re.sub(r"'(?:[^']|'')*'", "", line)
                self.assertFalse("alert" in bare or "'" in bare, f"{os.path.basename(gp)}: unquoted text: {line}")
                said += "alert" in line
        self.assertTrue(said, "no plot names the hostile machine")
        self.svg_has(f"{out}/plots/forkjoin.svg", "script", "alert")
        for i in (1, 2):
            self.assertFalse(os.path.exists(f"{d}/PWNED{i}"), f"a machine's name ran a command (PWNED{i})")
