"""The report on a busy run (fixtures/run_busy), run by test_report.py busy:
a native run on a 2-vCPU VM (spin round trip 330 ns, the spin round trip
measured again after every job, interference counted: a few repetitions
re-run, tbb's fork-join kept 3 interfered ones, its re-run budget spent)
and a quiet Node run (a Wasm pingpong of 900 ns, every Wasm atomic store a
full fence: warm fork-joins ~0.7x it) whose round trip stepped from ~0.9 to
2.25 us while one bursts job ran and stayed there. Planted: native
atomic_wait/warm's fork-join at 250 ns, below one spin round trip. It flags
the figures that cannot be true, per job, and the verdict gives none where
it cannot judge."""
import json
import shutil

from report_testkit import ANY, FIXTURE_BUSY, PLATFORMS, TARGETS, ReportCase, like, lines, ndjson, slurp, unmd, write_ndjson
import noisy
import run_model

BUSY = FIXTURE_BUSY


class Busy(ReportCase):
    def test_flagged_per_job(self):
        self.report_ok(BUSY, "--out", self.path("busy"))
        # (iv) After each stage and in the trust line: per platform,
        # repetitions interfered with and re-run, and the jobs noisy on their
        # own evidence.
        p = self.py(PLATFORMS, BUSY)
        out = p.stdout
        self.assertEqual(p.returncode, 0, f"platforms.py exit {p.returncode}: {out}{p.stderr}")
        want_native = "native: 43 of 250 repetitions interfered with, 40 re-run, 2 of 44 jobs noisy"
        want_node = "node: interference not counted (no counters), 1 of 36 jobs noisy"
        self.assertTrue(want_native in out and want_node in out, f"platforms.py: {out}")
        md = unmd(self.path("busy/summary.md"))
        self.assertTrue(any(like(l, "**Machine**", ANY, f"**Busy machine**: {want_native}; {want_node}. ", ANY)
                            for l in md.splitlines()),
                        f"trust line: {lines(md, r'^[*][*]Machine')}")
        run = run_model.load_run(BUSY)
        # Exactly the three planted figures are noisy, each for its reason: no other.
        got = {(name, m["scenario"], m["backend"], m["mode"]): noisy.why(p, m)
               for name, p in run.items() for m in p.measurements if noisy.why(p, m)}
        want = {("native", "forkjoin", "atomic_wait", "warm"): "below one spin round trip (250 ns < 323 ns): impossible",
                ("native", "forkjoin", "tbb", "default"): "23 of 30 repetitions interfered with",
                ("node", "bursts", "futex", "cold"): "spin round trip 873 ns before the job, 2.25 us after it (x2.6, bound 2x)"}
        assert set(got) == set(want) and all(want[k] in got[k] for k in want), f"FAIL: noisy figures {got}"
        head = md.split("## Findings")[0]
        rows = [[c.strip() for c in l.split("|")[1:-1]] for l in head.splitlines()
                if l.startswith("| ") and not l.startswith("| platform")]

        def row(plat, work):
            return next(r for r in rows if r[0] == plat and r[1].startswith(work))
        # (i) The impossible fork-join is marked where it is shown, and the row
        # it would have won gives no verdict, saying why.
        r = row("native", "back-to-back")
        assert r[2].startswith("no verdict: noisy (atomic_wait/warm reads 250 ns") and "impossible" in r[2] \
            and r[3:] == ["-"] * 4, f"FAIL: native back-to-back: {r}"
        assert "| atomic_wait/warm | 250 ns [247 ns, 254 ns] (noisy) |" in md, "FAIL: the impossible figure is not marked"
        assert "forkjoin `atomic_wait/warm`: below one spin round trip (250 ns < 323 ns): impossible" in md, \
            "FAIL: the table's note does not say why"
        assert "- **native**: not ranked, noisy (forkjoin): `atomic_wait/warm` at 250 ns" in md, "FAIL: no finding says it"
        # An interfered figure slower than the choice is left out, the row still ranks.
        r = row("native", "rare calls")
        assert r[2] == "openmp" and r[5] == "ahead (intervals apart)", f"FAIL: native rare calls: {r}"
        # (ii) Quiet Wasm fork-joins at 0.7x their own pingpong, above the
        # native round trip: not flagged, ranked, in the native round trip
        # (a Wasm pingpong is no physical one: header spin_rt_physical).
        r = row("node", "back-to-back")
        assert r[2] == "adaptive/warm" and r[5].startswith("tied with atomic_wait/warm"), f"FAIL: node back-to-back: {r}"
        assert ("- **node**: cheapest fork-join (every thread joins): `atomic_wait/warm` at 622 ns [617 ns, 647 ns] "
                "= 1.89 native spin round trips (this run's)") in md, "FAIL: node's fork-join finding"
        # (iii) The job the round trip moved x2.5 around, and only it: left out
        # of its row, which ranks the others; the run's drift record (900 ns ->
        # 2.25 us) does not make every job of the platform noisy, the checks
        # judge each.
        r = row("node", "bursts")
        assert r[2] == "condvar/cold", f"FAIL: node bursts: {r}"
        assert "`futex/cold` (noisy: spin round trip 873 ns before the job, 2.25 us after it (x2.6" in head, \
            "FAIL: the moved job is not left out"
        assert "noisy run" not in md and "**Noisy**" not in md and "References**: steady" in md, "FAIL: a platform called noisy"
        assert "| spin round trip beside each job (reference_check) | 323 ns - 340 ns (44 checks) | 873 ns - 2.29 us (36 checks) |" \
            in md, "FAIL: the environment table lacks the checks' range"

    def test_wasm_against_native(self):
        # A Wasm fork-join below the native round trip of the same run folder
        # is flagged (native's, not its own pingpong's); without native.ndjson
        # beside it nothing says so. Without reference_check records the run's
        # drift record judges the platform as a whole again.
        d = self.d
        for sub in ("wasm_fast", "wasm_alone", "wasm_moved", "no_checks"):
            self.mkdir(sub)
        node = ndjson(f"{BUSY}/node.ndjson")
        for r in node:
            if r.get("scenario") == "forkjoin" and r["backend"] == "futex" and r["mode"] == "warm":
                f = 300.0 / r["median"]
                for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi", "fork_ns", "join_ns"):
                    r[k] *= f
                r["samples"] = [v * f for v in r["samples"]]
        for sub in ("wasm_fast", "wasm_alone"):
            write_ndjson(f"{d}/{sub}/node.ndjson", node)
        shutil.copy(f"{BUSY}/native.ndjson", f"{d}/wasm_fast/native.ndjson")
        # The host placed the vCPUs closer after the native stage: Node's own
        # spin round trips read 250 ns, below native's 323 ns. The 300-ns
        # fork-join is then possible; one planted at 200 ns is not.
        spin = node[0]["references"]["spin"]
        for r in node:
            if r["type"] == "reference_check" or (r.get("scenario") == "pingpong" and r["backend"] == spin):
                r.update(median=250.0, ci_lo=245.0, ci_hi=255.0)
                if "samples" in r:
                    r["samples"] = [250.0] * len(r["samples"])
            if r.get("scenario") == "forkjoin" and r["backend"] == "atomic_wait" and r["mode"] == "warm" and r["threads"] == 2:
                f = 200.0 / r["median"]
                for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi", "fork_ns", "join_ns"):
                    r[k] *= f
                r["samples"] = [v * f for v in r["samples"]]
        write_ndjson(f"{d}/wasm_moved/node.ndjson", node)
        shutil.copy(f"{BUSY}/native.ndjson", f"{d}/wasm_moved/native.ndjson")
        with open(f"{d}/no_checks/node.ndjson", "w", encoding="utf-8") as f:
            f.write("".join(l for l in open(f"{BUSY}/node.ndjson", encoding="utf-8")
                            if json.loads(l)["type"] != "reference_check"))
        for sub in ("wasm_fast", "wasm_alone", "wasm_moved", "no_checks"):
            self.report_ok(f"{d}/{sub}", what=f"{sub}: report failed")
        md = unmd(f"{d}/wasm_fast/report/summary.md")
        self.assertGrep(r"^\| node \| back-to-back calls \| no verdict: noisy \(futex/warm reads 300 ns, .*"
                        r"below one native spin round trip \(300 ns < 323 ns\): impossible\)", md,
                        f"wasm_fast: {lines(md, '^[|] node [|] back')}")
        self.assertNoGrep(r"impossible|^\| node \| back-to-back calls \| no verdict", unmd(f"{d}/wasm_alone/report/summary.md"),
                          "wasm_alone: a Wasm figure judged without a native run")
        moved = unmd(f"{d}/wasm_moved/report/summary.md")
        self.assertGrep(r"^\| node \| back-to-back calls \| no verdict: noisy \(atomic_wait/warm reads 200 ns, .*below one "
                        r"spin round trip beside it \(lower than the native one: the vCPUs moved\) \(200 ns < 250 ns\): "
                        r"impossible\)", moved, f"wasm_moved: {lines(moved, '^[|] node [|] back')}")
        self.assertNoGrep(r"futex/warm reads 300 ns|\(300 ns < ", moved, f"wasm_moved: {lines(moved, '^[|] node [|] back')}")
        self.assertGrep(r"^\*\*noisy run\*\*.*node: spin round trip 900 ns at the start, 2\.25 us at the end of the run",
                        slurp(f"{d}/no_checks/report/summary.md"),
                        "no_checks: the drift record no longer judges a run without checks")

    def test_capacity(self):
        # Too little CPU (capacity 1.05 of 2 cores: another process held one):
        # natively, where every repetition was judged for interference, it
        # flags only the figures that were not judged (single calls timed
        # alone, oneTBB placing its own threads), not the platform.
        short = self.mkdir("short")
        recs = ndjson(f"{BUSY}/native.ndjson")
        for r in recs:
            if r.get("scenario") == "capacity":
                r.update(median=1.05, ci_lo=1.0, ci_hi=1.1, min=0.98, max=1.12, mean=1.05)
        write_ndjson(f"{short}/native.ndjson", recs)
        self.report_ok(short, what="short: report failed")
        self.assertNoGrep(r"^\*\*noisy run\*\*", unmd(f"{short}/report/summary.md"),
                          "short: a judged native run called noisy as a whole")
        p = run_model.load_run(short)["native"]
        judged = [m for m in p.measurements if "interfered" in m and m["scenario"] != "pingpong"]
        unjudged = [m for m in p.measurements if "interfered" not in m and m["scenario"] not in ("pingpong", "capacity")]
        assert judged and unjudged, (len(judged), len(unjudged))
        assert not any("held the CPU" in (noisy.why(p, m) or "") for m in judged), "a judged figure flagged for capacity"
        assert all("held the CPU" in (noisy.why(p, m) or "") for m in unjudged), "an unjudged figure not flagged"

    def test_time_slice(self):
        # An empty fork-join as long as a scheduler time slice (OpenMP's
        # threads, which no counter judges, stacked on one CPU beside two busy
        # processes: 8 ms a call) is flagged, and only it.
        p = run_model.load_run(BUSY)["native"]
        fj = [m for m in p.measurements if m["scenario"] == "forkjoin" and m["backend"] == "openmp"]
        assert fj and not any(noisy.time_sliced(p, m) for m in p.measurements), "FAIL: a quiet figure called time-sliced"
        fj[0]["median"] = 8.0e6
        assert "scheduler time slice" in (noisy.why(p, fj[0]) or ""), f"FAIL: 8 ms fork-join not flagged: {noisy.why(p, fj[0])}"

    def test_beside_others(self):
        # Other processes' CPU beside a job, used or wanted (the check after it
        # says at least how much): above a quarter core, a job whose threads
        # slept or whose repetitions no counter judged is flagged; a warm
        # pool's or the serial baseline's, judged one by one, is not; below it
        # nothing is.
        p = run_model.load_run(BUSY)["native"]
        ms = [m for m in p.measurements if m["scenario"] not in ("pingpong", "capacity")]
        for c in p.checks:
            c["others_cores"] = 0.2
        assert not any(noisy.beside(p, m) for m in ms), "FAIL: a job beside 0.2 cores flagged"
        for c in p.checks:
            c["others_cores"] = 0.6

        def judged(m):
            return noisy.counted(m) and (m["mode"] == "warm" or m["backend"] == "serial")
        hit = [m for m in ms if noisy.beside(p, m)]
        assert hit and all(not judged(m) for m in hit), "FAIL: a judged job flagged for the work beside it"
        assert all(noisy.beside(p, m) for m in ms if not judged(m)), "FAIL: an unjudged job beside 0.6 cores not flagged"
        assert any(m["mode"] == "cold" for m in hit) and "0.60 cores" in noisy.why(p, hit[0]), noisy.why(p, hit[0])
        # A busy process the job starved used little CPU but waited for one:
        # its demand flags the same jobs; a quiet machine's daemons (0.12) flag none.
        for c in p.checks:
            c["others_cores"], c["others_demand"] = 0.05, 0.12
        assert not any(noisy.beside(p, m) for m in ms), "FAIL: a job beside a quiet machine's demand flagged"
        for c in p.checks:
            c["others_demand"] = 1.0
        assert [m for m in ms if noisy.beside(p, m)] == hit, "FAIL: a starved busy process does not flag the same jobs"
        assert "ran or waited for 1.00 cores" in noisy.why(p, hit[0]), noisy.why(p, hit[0])

    def test_targets(self):
        # Targets read the same rule: in the round trip measured beside the job.
        out = self.py(TARGETS, BUSY).stdout
        row = "\n".join(lines(out, r"^native *1\. forkjoin warm.*spin/warm"))
        self.assertTrue(like(row, ANY, " PASS ", ANY, "in the spin round trip measured beside the job", ANY),
                        f"targets: {row}")
