"""The report's cases on the second fixture (fixtures/run_forkjoin: forkjoin,
forkjoin_spaced, bursts) and on the busy one (fixtures/run_busy), run by
test_report.py CASE: the verdict names the pools the figures imply, the
plots are interactive with their legends outside, several runs are laid
side by side with a trend, a thread sweep is drawn and said apart from the
run's P, and a busy run flags the figures that cannot be true, per job, and
the verdict gives none where it cannot judge."""
import os
import re

from report_testkit import FIXTURE, FIXTURE_FJ, ReportCase, cells, lines, ndjson, section, slurp, unmd, write_ndjson
import run_model
import references

WORK = "back-to-back calls"  # the verdict's first kind of work


def scaled(r, f, keys=("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi")):
    for k in keys:
        r[k] *= f
    r["samples"] = [v * f for v in r["samples"]]


def synthetic_forkjoins(case, extra_futex):
    """The first fixture's native records with synthetic fork-joins: spin at
    600 ns, adaptive at 615 ns (tie) or 900 ns (and futex at 3 us)."""
    from test_targets import SPIN_RT, forkjoin
    recs = ndjson(os.path.join(FIXTURE, "native.ndjson"))
    recs += [forkjoin("native", "spin", "warm", 2 * SPIN_RT),
             forkjoin("native", "adaptive", "warm", (2.05 if case == "tie" else 3) * SPIN_RT)]
    if extra_futex:
        recs.append(forkjoin("native", "futex", "warm", 10 * SPIN_RT))
    recs.sort(key=lambda r: r["type"] == "end")  # records added above go before the run's end
    return recs


class Verdict(ReportCase):
    def test_second_fixture(self):
        # The second fixture (forkjoin, forkjoin_spaced, bursts): each row names
        # the pool its figures imply. Natively atomic_wait/warm, spin/warm and
        # adaptive/warm fork-join within one another's intervals: tied, and
        # adaptive/warm's 0.8% of a core between bursts (the others' 12.7%)
        # decides; OpenMP's spaced fork-join is clear of the rest; under Node no
        # pool beats serial in bursts, and the warm pools whose workers ran 1-4%
        # of the items are left out, never named.
        self.report_ok(FIXTURE_FJ, "--out", self.path("fj"))
        md, page = unmd(self.path("fj/summary.md")), slurp(self.path("fj/index.html"))
        head = md.split("## Findings")[0]
        assert "## Verdict" in head, "FAIL: no verdict before the findings"
        trust = [l for l in head.splitlines() if l.startswith("**Machine**")]
        assert trust and "AMD EPYC, 2 logical cores" in trust[0] and "chrome 5.00 us" in trust[0] \
            and "References**: steady" in trust[0] and "native 12, node 11, chrome 23" in trust[0], f"FAIL: trust line: {trust}"
        assert head.index("**Machine**") < head.index("| platform | work | use |"), "FAIL: the trust line is not above the verdict"
        rows = [[c.strip() for c in l.split("|")[1:-1]] for l in head.splitlines()
                if l.startswith("| ") and not l.startswith("| platform")]

        def row(plat, work):
            r = next((v for v in rows if v[0] == plat and v[1].startswith(work)), None)
            assert r, f"FAIL: no verdict row for {plat} {work}: {rows}"
            return r
        r = row("native", "back-to-back")
        assert r[2] == "adaptive/warm" and r[3].startswith("319 ns [314 ns, 326 ns]"), f"FAIL: native back-to-back: {r}"
        assert r[5].startswith("tied with atomic_wait/warm, spin/warm"), f"FAIL: no tie said: {r}"
        assert r[6].startswith("0.8% between bursts"), f"FAIL: no price: {r}"
        r = row("native", "rare calls")
        assert r[2] == "openmp" and r[4].startswith("futex/cold 27.61 us") and r[5] == "ahead (intervals apart)", \
            f"FAIL: native rare: {r}"
        r = row("node", "bursts")
        assert r[2] == "condvar/cold" and "slower than serial (15.95 us" in r[5], f"FAIL: node bursts: {r}"
        # Chrome's bursts are all at its 5 us clock's step (†) and it has no CPU
        # clock: nothing but a † median could choose, so no verdict.
        r = row("chrome", "bursts")
        assert r[2].startswith("no verdict: timer-limited (") and "futex/cold †" in r[2] and r[3:] == ["-"] * 4, \
            f"FAIL: chrome bursts ranked on timer-limited figures: {r}"
        r = row("node", "bursts")
        assert "warm" not in r[2] + r[4] + r[5], f"FAIL: node bursts names a pool whose workers did not take part: {r}"
        assert "warm" not in row("chrome", "bursts")[2].split("(")[1], \
            "FAIL: chrome bursts names a pool whose workers did not take part"
        assert re.search(r"Left out of the verdict.*node, bursts[^;]*`condvar/warm` \(workers ran 1% of the items\)", head), \
            "FAIL: the pools left out are not said"
        assert "<h2>Verdict</h2>" in page and "<b>Machine</b>" in page, "FAIL: no verdict in index.html"
        # Findings: every fork-join ranking links its plot; a dispatch whose
        # workers ran 0-1% of the items names no pool.
        found = [l for l in md.split("## Findings")[1].split("\n## ")[0].splitlines() if l.startswith("- ")]
        fj = [l for l in found if "cheapest fork-join" in l]
        assert len(fj) == 6 and all(l.endswith("([plot](plots/forkjoin.svg))") for l in fj), f"FAIL: fork-join findings: {fj}"
        disp = [l for l in found if "`dispatch` is an empty call" in l]
        assert disp and all(": the cheapest at" in l and "/warm" not in l and "/cold" not in l for l in disp), \
            f"FAIL: a dispatch finding names a pool whose workers did not take part: {disp}"
        assert not [l for l in found if "grain sweep" in l], "FAIL: the per-W winner list is back"

    def test_synthetic(self):
        # Synthetic fork-joins on the first fixture: 600 ns against 900 ns is
        # a choice, against 615 ns (overlapping intervals) a tie.
        for case in ("clear", "tie"):
            write_ndjson(os.path.join(self.mkdir(case), "native.ndjson"), synthetic_forkjoins(case, False))
            self.report_ok(self.path(case), what=f"{case}: report failed")
        md = unmd(self.path("clear/report/summary.md"))
        self.assertGrep(r"^\| native \| back-to-back calls \| spin/warm \| 600 ns \[[^|]*\] \| adaptive/warm 900 ns [^|]* "
                        r"\| ahead \(intervals apart\) \|", md, f"clear: {lines(md, 'back-to-back calls')}")
        md = unmd(self.path("tie/report/summary.md"))
        self.assertGrep(r"^\| native \| back-to-back calls \| [a-z]*/warm \| [^|]* \| [a-z]*/warm [^|]* "
                        r"\| tied with [a-z]*/warm \(intervals overlap", md, f"tie: {lines(md, 'back-to-back calls')}")


class Plots(ReportCase):
    def test_plots(self):
        # The fixed plots of a run with every scenario (the second fixture):
        # each file at its fixed name, SVG with gnuplot's mouse script (a click
        # on a legend entry hides the series), every panel's legend outside its
        # graph (set in the script, so no data point can sit under it), at most
        # 7 series a panel, and the interval bars of every median drawn.
        self.report_ok(FIXTURE_FJ, "--out", self.path("fj"))
        r = self.path("fj", "plots")
        self.plots_interactive(r, "forkjoin", "speedup", "tradeoff", "latency", "wasm_ratio", "startup", "python")
        self.svg_has(f"{r}/forkjoin.svg", "native", "node", "chrome", "back to back", "1 ms apart",
                     "spin round trip (same run)", "futex round trip (same run)", "openmp", "tbb", "spin/warm", "adaptive/cold")
        self.svg_errorbars(f"{r}/forkjoin.svg", 30)
        self.svg_has(f"{r}/speedup.svg", "native: warm pools", "node: cold pools", "native: runtimes' own policy", "break-even W")
        self.svg_errorbars(f"{r}/speedup.svg", 100)
        self.svg_has(f"{r}/tradeoff.svg", "in-burst p99", "first call of a burst", "native",
                     "node: workers did not take part", "serial: the host's floor", "chrome: no CPU clock")
        self.svg_has(f"{r}/latency.svg", "p99.9", "< 2 clock steps", "chrome: cold pools", "serial (caller alone)")
        # The log axes hold positive values only: a fork-join drawn at its
        # median with its interval, none at or below 0.
        gp = slurp(f"{r}/forkjoin.gp")
        self.assertIn("set logscale y", gp, "forkjoin is not on a log axis")
        blocks = re.findall(r"^\$d[0-9]* << EOD\n(.*?)^EOD", gp, re.M | re.S)
        self.assertTrue(blocks, "forkjoin.gp has no data")
        bad = [l for b in blocks for l in b.splitlines() for v in l.split()[1:] if float(v) <= 0]
        self.assertFalse(bad, "forkjoin.gp draws a value <= 0 on its log axis")


class Runs(ReportCase):
    def test_runs(self):
        # Three runs of one machine at three commits (the second fixture,
        # figures scaled x1, x1.3, x0.8), given out of order: laid side by side
        # under their commits, and the trend drawn over them oldest first.
        for i in (1, 2, 3):
            f = {1: 1.0, 2: 1.3, 3: 0.8}[i]
            for plat in ("native", "node", "chrome"):
                recs = ndjson(f"{FIXTURE_FJ}/{plat}.ndjson")
                for n, r in enumerate(recs):
                    if n == 0:
                        r["git_commit"], r["start_time"] = f"c0ffee{i}", f"2026-12-0{i}T10:00:00Z"
                    elif r.get("type") == "measurement" and r.get("unit") == "ns" and r.get("scenario") != "pingpong":
                        scaled(r, f)
                write_ndjson(os.path.join(self.mkdir(f"r{i}"), f"{plat}.ndjson"), recs)
        d = self.path("all")
        self.report_ok(f"{self.d}/r3,{self.d}/r1,{self.d}/r2", "--out", d, what="report of three runs failed")
        self.assertTrue(os.path.getsize(f"{d}/plots/trend.svg") > 0 and os.path.getsize(f"{d}/plots/trend.png") > 0,
                        "no trend plot")
        self.svg_has(f"{d}/plots/trend.svg", "c0ffee1", "c0ffee2", "c0ffee3", "native", "node", "chrome",
                     "back-to-back calls", "rare calls")
        gp = slurp(f"{d}/plots/trend.gp")
        assert re.search(r"set xtics \('c0ffee1' 0, 'c0ffee2' 1, 'c0ffee3' 2\)", gp), "FAIL: the runs are not in the order they were made"
        # native back to back: the chosen pool at 319 ns x1, x1.3, x0.8, in that order
        pts = re.search(r"\$d0 << EOD\n(.*?)\nEOD", gp, re.S).group(1).splitlines()
        meds = [float(l.split()[1]) for l in pts]
        assert [round(m / meds[0], 2) for m in meds] == [1.0, 1.3, 0.8], f"FAIL: trend points {meds}"
        # Named by machine and platform (Chromium's with its version), and,
        # as the three share both, by their start; one machine: one verdict.
        md = unmd(f"{d}/summary.md")
        for plat in ("native", "node", "chrome 156"):
            for i in (1, 2, 3):
                assert f"| EPYC ×2 · {plat} · 2026-12-0{i} 10:00 | back-to-back calls |" in md, \
                    f"FAIL: no verdict row for {plat} of run {i}: {lines(md, 'back-to-back calls')}"
        assert md.index("EPYC ×2 · native · 2026-12-01") < md.index("EPYC ×2 · native · 2026-12-02") \
            < md.index("EPYC ×2 · native · 2026-12-03"), "FAIL: runs out of order"
        assert "### Machine" not in md, "FAIL: a run of one machine split by machine"
        # Across runs, each run against the oldest of its machine: x1.3, x0.8.
        across = [r for r in cells(section(md, "Across runs")) if r[0].startswith("EPYC ×2 · native") and r[1] == WORK]
        assert [r[6] for r in across] == ["-", "1.30", "0.80"], f"FAIL: same-machine ratios across runs: {across}"
        # One run alone draws no trend.
        self.report_ok(self.path("r1"), "--out", self.path("one"), what="one run failed")
        self.assertFalse(os.path.exists(self.path("one/plots/trend.svg")), "a trend of one run")


class Threads(ReportCase):
    def sweep_runs(self, sweep, none):
        """The second fixture's native run with its references (none), and
        with a forkjoin and grain sweep appended (sweep)."""
        recs = ndjson(f"{FIXTURE_FJ}/native.ndjson")

        def at(r, p, f, median=None):
            x = dict(r, threads=p, items=p, worker_share=(p - 1) / p)
            f = median / r["median"] if median else f
            for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi"):
                x[k] = r[k] * f
            x["samples"] = [v * f for v in r["samples"]]
            return x
        fj = [r for r in recs if r.get("scenario") == "forkjoin"]
        # The run's own references, steady: capacity 1.95 of 2 cores, no drift.
        cap = dict(fj[0], scenario="capacity", backend="threads", mode="default", unit="cores", work_ns=2e7,
                   spin_rt_units=None, futex_rt_units=None)
        for k in ("fork_ns", "join_ns", "worker_share"):
            cap.pop(k, None)
        cap = at(cap, 2, 1.95 / cap["median"])
        cap.pop("worker_share")
        drift = {"type": "reference_drift", "platform": "native", "scenario": "pingpong",
                 "backend": "spin_pingpong", "start_ns": 100.0, "end_ns": 104.0}
        recs += [cap, drift]
        recs.sort(key=lambda r: r["type"] == "end")
        write_ndjson(none, recs)  # the run without the sweep
        recs += [at(r, 1, 0.5) for r in fj]
        planted = {("condvar", "warm"): 50.5, ("futex", "cold"): 1.5e6}
        recs += [at(r, 4, 3, planted.get((r["backend"], r["mode"]))) for r in fj]
        # grain at P = 4: every pool pays off from W = 3 us only (P = 2: the fixture's).
        recs += [dict(r, threads=4, items=32, speedup=1.2 if r["work_ns"] >= 3000 else 0.5)
                 for r in recs if r.get("type") == "measurement" and r.get("scenario") == "grain" and r["threads"] == 2]
        # The appended run's own references (run --append measures them again):
        # its drift record x5 and its capacity at P = 4 well below 2 cores judge
        # the sweep, not the run, which must not be called noisy for them.
        recs += [dict(drift, end_ns=drift["start_ns"] * 5), at(cap, 4, 0.55)]
        recs.sort(key=lambda r: r["type"] == "end")  # records added above go before the run's end
        write_ndjson(sweep, recs)

    def test_threads(self):
        # A forkjoin thread sweep appended to the second fixture's native file
        # (as make bench appends one): its forkjoin records again at P = 1
        # (medians x0.5) and P = 4 (x3, past the 2 logical cores), the header's
        # P staying 2; at P = 4 condvar/warm at 50.5 ns, far below every pool at
        # P = 2, and futex/cold at 1.5 ms. The verdict, the table and
        # plots/forkjoin read P = 2 only; plots/threads draws every P and the
        # findings say the sweep.
        sweep, none = self.mkdir("sweep"), self.mkdir("none")
        self.sweep_runs(f"{sweep}/native.ndjson", f"{none}/native.ndjson")
        for d in (sweep, none):
            self.report_ok(d, what=f"{os.path.basename(d)}: report failed")
        r, nr = f"{sweep}/report", f"{none}/report"
        self.plots_interactive(f"{r}/plots", "threads", "forkjoin")
        self.svg_has(f"{r}/plots/threads.svg", "native: warm pools", "native: cold pools", "spin/warm", "futex/cold",
                     "openmp", "2 logical cores")
        self.svg_errorbars(f"{r}/plots/threads.svg", 10)
        tgp = slurp(f"{r}/plots/threads.gp")
        self.assertGrep("^set key outside", tgp, "threads.gp sets no legend outside")
        self.assertGrep("^set arrow from first 2, graph 0 to first 2, graph 1 nohead", tgp,
                        "threads.gp marks no logical cores")
        self.assertFalse(os.path.exists(f"{nr}/plots/threads.svg"), "a threads plot without a sweep")
        self.assertNoGrep("thread sweep|oversubscribed", unmd(f"{nr}/summary.md"), "a sweep finding without a sweep")

        def blocks(gp):
            return [[[float(v) for v in l.split()] for l in b.splitlines()]
                    for b in re.findall(r"<< EOD\n(.*?)\nEOD", slurp(gp), re.S)]
        # Every P of each pool, median and interval: spin/warm at 0.5, 1 and 3 x its P = 2 median.
        spin2 = next(m for m in ndjson(f"{sweep}/native.ndjson")
                     if m.get("scenario") == "forkjoin" and m["backend"] == "spin" and m["mode"] == "warm" and m["threads"] == 2)
        want = [[p, spin2["median"] * f] for p, f in ((1, 0.5), (2, 1), (4, 3))]
        tb = blocks(f"{r}/plots/threads.gp")
        assert any(len(b) == 3 and all(abs(x[0] - w[0]) < 1e-9 and abs(x[1] / w[1] - 1) < 1e-9 and x[2] <= x[1] <= x[3]
                                       for x, w in zip(b, want)) for b in tb), f"FAIL: no spin/warm points at P = 1, 2, 4: {tb}"
        assert any(50.5 in [x[1] for x in b] for b in tb), "FAIL: the P = 4 condvar/warm point is not in threads.gp"
        # plots/forkjoin: only the run's P, the same data as without the sweep.
        assert blocks(f"{r}/plots/forkjoin.gp") == blocks(f"{nr}/plots/forkjoin.gp"), "FAIL: plots/forkjoin reads the sweep"
        md, base = unmd(f"{r}/summary.md"), unmd(f"{nr}/summary.md")

        def cut(t, a, b):
            return t.split(a)[1].split(b)[0]
        # The trust line counts the whole file (jobs noisy of all, the sweep's
        # too); the verdict's rows read the run's P only.
        assert cut(md, "| platform | work", "## Findings") == cut(base, "| platform | work", "## Findings"), \
            "FAIL: the verdict reads the sweep"
        assert "50 ns" not in md.split("## Findings")[0], "FAIL: a P = 4 figure is headlined"
        assert "**Noisy**" not in md and "noisy run" not in md, "FAIL: the sweep's own references made the run noisy"
        assert cut(md, "## native: median", "\n## ") == cut(base, "## native: median", "\n## "), "FAIL: the table reads the sweep"
        found = [l for l in md.splitlines() if l.startswith("- **native**") and "plots/threads.svg" in l]
        assert any("thread sweep (P = 1, 2, 4): the warm pool cheapest at P=4, `condvar/warm`" in l and "at P=1 and" in l
                   and "50 ns [50 ns, 54 ns] at P=4 (x0.3)" in l for l in found), \
            f"FAIL: no sweep finding: {found}"
        assert any("P > 2 logical cores" in l and "`futex/cold` at P=4 (median 1.50 ms)" in l for l in found), \
            f"FAIL: the 1.5 ms fork-join at P = 4 is not said: {found}"
        # The sweep's table: every pool a row, a column per P (P = 4 marked
        # past the cores), the planted P = 4 figures in it; none without a sweep.
        head = "## native: fork-join against P"
        assert head in md and head not in base, "FAIL: no sweep table, or one without a sweep"
        rows = [l for l in cut(md, head, "\n## ").splitlines() if l.startswith("|")]
        assert rows[0].startswith("| pool | P=1 | P=2 | P=4 (oversubscribed) |"), f"FAIL: sweep table head {rows[0]}"
        cv = next(l for l in rows if l.startswith("| condvar/warm |"))
        assert cv.split("|")[4].strip().startswith("50 ns ["), f"FAIL: condvar/warm at P = 4 not 50 ns: {cv}"
        fc = next(l for l in rows if l.startswith("| futex/cold |"))
        assert fc.split("|")[4].strip().startswith("1.50 ms ["), f"FAIL: futex/cold at P = 4 not 1.5 ms: {fc}"
        assert len(rows) == 2 + 12, f"FAIL: {len(rows) - 2} pools in the sweep table, want 12"
        # The break-even table: condvar/warm from 100 ns at P = 2, 3 us at P = 4.
        head = "## native: break-even W against P"
        assert head in md and head not in base, "FAIL: no break-even table, or one without a sweep"
        rows = [l for l in cut(md, head, "\n## ").splitlines() if l.startswith("|")]
        assert rows[0].startswith("| pool | P=2 | P=4 (oversubscribed) |"), f"FAIL: break-even table head {rows[0]}"
        cv = [c.strip() for c in next(l for l in rows if l.startswith("| condvar/warm |")).strip("|").split("|")]
        assert cv[1:] == ["100 ns", "3.00 us"], f"FAIL: condvar/warm break-even {cv}"
        # A run at P = 4 still finds its references, measured at two threads.
        p = run_model.load_run(sweep)["native"]
        p.header["options"]["threads"] = 4
        assert references.round_trip(p, "spin") and references.round_trip(p, "futex"), "FAIL: no reference at P = 4"
        assert {m["threads"] for m in p.find("forkjoin")} == {4} and len(p.across_p("forkjoin")) == 36, "FAIL: find/across_p"

