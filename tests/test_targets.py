#!/usr/bin/env python3
"""report/targets.py: every target made to MISS and to PASS on synthetic runs
(records built with complete_record.complete(), figures scaled as the
delay-injection knob POOLBENCH_INJECT_DELAY_NS would scale them); a fork-join
that not every thread joined, a pool that did not join and a noisy reference
(a spin round trip of 11 ms), a fork-join below one spin round trip and one
that kept interfered repetitions give N/A, as does a grain target whose
every point is noisy; with reference_check records a
fork-join is judged in the round trip measured beside it; the break-even W and the oversubscribed
fork-join (the most oversubscribed P of a sweep) PASS and MISS; the cold pools' spaced fork-join is
INFO. Then, on the committed fixture run with its bursts rows edited: target
8's gap CPU is judged above the host floor (the serial row) and a real burn
is still a MISS; usage errors exit 2, --help exits 0."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = os.path.join(HERE, "..", "report", "targets.py")
sys.path.insert(0, os.path.join(HERE, "..", "report"))
sys.path.insert(0, HERE)
import run_model  # noqa: E402
import targets  # noqa: E402
from complete_record import SCHEMA, complete  # noqa: E402
FIXTURE = os.path.join(HERE, "fixtures", "run", "native.ndjson")
CPU_TARGET = "8. adaptive CPU between bursts"


def run_targets(*args):
    return subprocess.run([sys.executable, TARGETS, *args], capture_output=True, text=True, timeout=60)


def make_run(d, adaptive, spin, serial):
    """The fixture's native records with the bursts gap CPU set (serial None: its serial row dropped)."""
    out = []
    with open(FIXTURE) as f:
        lines = [json.loads(x) for x in f if x.strip()]
    for r in lines:
        if r.get("scenario") == "bursts":
            if r["backend"] == "serial":
                if serial is None:
                    continue  # the run without a serial row
                r["gap_cpu_cores"] = serial
            if r["backend"] == "adaptive" and r["mode"] == "warm":
                r["gap_cpu_cores"] = adaptive
            if r["backend"] == "spin" and r["mode"] == "warm":
                r["gap_cpu_cores"] = spin
        out.append(r)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "native.ndjson"), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in out)
    return d


def cpu_row(d):
    p = run_targets(d)
    assert p.returncode in (0, 1), f"FAIL: targets.py exited {p.returncode}: {p.stderr.strip()}"
    rows = [line for line in p.stdout.splitlines() if CPU_TARGET in line]
    assert len(rows) == 1, f"FAIL: expected one '{CPU_TARGET}' row, got {rows}\n{p.stdout}"
    return rows[0]


# ---- synthetic runs -------------------------------------------------------
N = 9  # samples per record, as a run keeps them (10 repetitions, the first dropped)
SPIN_RT, FUTEX_RT = 300.0, 50e3
REFS = {"spin": "spin_pingpong", "futex": "futex_pingpong"}


def median_interval(samples):
    """(ci_lo, ci_hi, ci_level): the order statistics of ranks k, n+1-k with
    the largest k whose binomial(n, 1/2) coverage is >= 0.95, as runs record."""
    s, n = sorted(samples), len(samples)
    cover = [(k, sum(math.comb(n, i) for i in range(k, n - k + 1)) / 2 ** n) for k in range(1, n // 2 + 1)]
    k, level = max(((k, c) for k, c in cover if c >= 0.95), default=cover[0])
    return s[k - 1], s[n - k], level


def meas(plat, scenario, backend, mode, median, spread=0.05, threads=2, items=2, **extra):
    """A complete measurement whose N samples lie evenly within median x (1 +- spread)."""
    samples = [median * (1 + spread * (i - N // 2) / (N // 2)) for i in range(N)]
    lo, hi, level = median_interval(samples)
    rec = {"type": "measurement", "platform": plat, "scenario": scenario, "backend": backend, "mode": mode,
           "threads": threads, "items": items, "work_ns": 0, "unit": "ns", "median": median,
           "mad": median * spread / 2, "min": min(samples), "max": max(samples), "mean": median,
           "ci_lo": lo, "ci_hi": hi, "ci_level": level, "n": N, "inner": 1, "samples": samples, "flags": []}
    rec.update(extra)
    return complete(rec)


def forkjoin(plat, backend, mode, median, scenario="forkjoin", share=0.5, **extra):
    return meas(plat, scenario, backend, mode, median, worker_share=share, fork_ns=median / 3,
                join_ns=median / 3, **extra)


def platform_records(plat, spin_rt=SPIN_RT, futex_rt=FUTEX_RT):
    """A clean platform: fit references, both warm pools' fork-joins near
    1.2 spin round trips, cold pools' spaced fork-joins, and one record of
    every other scenario a target reads, each passing its target."""
    return [complete({"type": "header", "platform": plat, "schema": SCHEMA, "references": dict(REFS),
                      "grain_work_ns": [0, 1000], "options": {"threads": 2},
                      "spin_rt_physical": plat not in targets.WASM}),
            meas(plat, "pingpong", "spin_pingpong", "default", spin_rt, items=1),
            meas(plat, "pingpong", "futex_pingpong", "default", futex_rt, items=1),
            forkjoin(plat, "spin", "warm", 1.2 * SPIN_RT),
            forkjoin(plat, "adaptive", "warm", 1.3 * SPIN_RT),
            forkjoin(plat, "futex", "cold", 0.06 * FUTEX_RT, scenario="forkjoin_spaced"),
            forkjoin(plat, "spin", "cold", 0.08 * FUTEX_RT, scenario="forkjoin_spaced"),
            meas(plat, "dispatch", "spin", "warm", 100, caller_share=0.9),
            meas(plat, "latency", "spin", "warm", 400, p50=400, p90=500, p99=800, p999=2000, calls=1e4),
            meas(plat, "idle_cpu", "adaptive", "warm", 0.005, unit="cores", window_ns=1e8),
            meas(plat, "many_items", "spin", "warm", 10e3, items=100000, serial_ns=8e3),
            meas(plat, "bursts", "adaptive", "warm", 40e3, p99=60e3, gap_cpu_cores=0.004),
            meas(plat, "bursts", "spin", "warm", 40e3, p99=50e3, gap_cpu_cores=0.12)]


def grain(plat, scenario, backend, mode, w, overhead, samples_scale=1.0):
    m = meas(plat, scenario, backend, mode, 10e3 * samples_scale, items=16, overhead_ns=overhead,
             ideal_ns=8 * w, speedup=1.0)
    m["work_ns"] = w
    return m


def interfere(recs, scenario):
    """Every record of scenario kept repetitions another task interfered with
    (noisy on its own evidence, so a target leaves it out)."""
    for r in recs:
        if r.get("scenario") == scenario:
            r.update(flags=["interfered"], interfered=25, reruns=18)


def find(recs, scenario, backend, mode=None):
    return next(r for r in recs if r.get("scenario") == scenario and r.get("backend") == backend
                and (mode is None or r.get("mode") == mode))


def scale(rec, f):
    """A record's times scaled by f: its median, samples and interval."""
    for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi"):
        rec[k] *= f
    rec["samples"] = [v * f for v in rec["samples"]]


def rows_of(run, plat, prefix, d):
    """The targets' rows of one platform whose title starts with prefix."""
    os.makedirs(d)
    for name, recs in run.items():
        with open(os.path.join(d, f"{name}.ndjson"), "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in recs)
    return [r for r in targets.evaluate(run_model.load_run(d)) if r[0] == plat and r[1].startswith(prefix)]


class Cases:
    """Each case: a name, an edit of a clean run, the target, and the verdicts
    (and a text each row must hold) it must give."""

    def __init__(self, tmp):
        self.tmp, self.n = tmp, 0

    def check(self, name, prefix, want, edit=None, text="", plat="native"):
        run = {"native": platform_records("native")}
        if plat != "native":
            run[plat] = platform_records(plat)
        if edit:
            edit(run)
        self.n += 1
        rows = rows_of(run, plat, prefix, os.path.join(self.tmp, f"{self.n}-{name}"))
        got = [r[4] for r in rows]
        assert got == want, f"FAIL: {name}: {prefix!r} gave {got}, want {want}: {rows}"
        for r in rows:
            assert text in " ".join(r), f"FAIL: {name}: {text!r} not in {r}"


def synthetic(tmp):
    c = Cases(tmp)
    t1, t4 = "1. forkjoin warm", "4. cold fork-join"
    nat = lambda f: lambda run: f(run["native"])  # noqa: E731
    # 1: both warm pools at about 1.2 spin round trips pass; 2.6 of them miss.
    c.check("forkjoin_pass", t1, ["PASS", "PASS"], text="x")
    c.check("forkjoin_miss", t1, ["MISS", "PASS"], nat(lambda r: scale(find(r, "forkjoin", "spin"), 2.2)))
    c.check("adaptive_miss", t1, ["PASS", "MISS"], nat(lambda r: scale(find(r, "forkjoin", "adaptive"), 2)))
    # A caller that ran the items alone is no fork-join, however cheap.
    c.check("not_joined", t1, ["N/A", "PASS"],
            nat(lambda r: find(r, "forkjoin", "spin").update(worker_share=0.2, median=10.0)),
            text="")
    c.check("not_joined_said", t1[:2], ["N/A"], nat(lambda r: (
        find(r, "forkjoin", "spin").update(worker_share=0.2),
        r.remove(find(r, "forkjoin", "adaptive")))), text="not a fork-join: workers ran 20%")

    def no_join(r):
        r.remove(find(r, "forkjoin", "spin"))
        r.append(complete({"type": "error", "platform": "native", "scenario": "forkjoin", "backend": "spin",
                           "mode": "warm", "message": "did not join: 1 of 2 threads arrived"}))
    c.check("did_not_join", t1, ["N/A", "PASS"], nat(no_join))
    # A noisy reference: a spin round trip of 11 ms (descheduled), or one
    # above the futex round trip, or one that drifted, is no unit.
    c.check("spin_rt_11ms", t1, ["N/A", "N/A"],
            nat(lambda r: scale(find(r, "pingpong", "spin_pingpong"), 11e6 / SPIN_RT)), text="reference noisy")
    c.check("spin_above_futex", t1, ["N/A", "N/A"],
            nat(lambda r: scale(find(r, "pingpong", "futex_pingpong"), 250 / FUTEX_RT)), text="not below the futex")

    def drift(r):
        ref = find(r, "pingpong", "spin_pingpong")
        ref["samples"] = [SPIN_RT * f for f in (1, 1, 1, 1, 1, 3, 3, 3, 3)]
        ref["ci_lo"], ref["ci_hi"] = SPIN_RT, 3 * SPIN_RT
    c.check("spin_drift", t1, ["N/A", "N/A"], nat(drift), text="drifted")
    # Figures noisy on their own evidence (report/noisy.py) are N/A: a
    # fork-join below one spin round trip (each thread with a core of its
    # own), and one that kept repetitions another task interfered with.
    def alone(edit):
        return nat(lambda r: (edit(r), r.remove(find(r, "forkjoin", "adaptive"))))

    def impossible(r):
        r[0]["logical_cores"] = 2
        scale(find(r, "forkjoin", "spin"), 0.7)
    c.check("forkjoin_impossible", t1[:2], ["N/A"], alone(impossible),
            text="below one spin round trip (252 ns < 300 ns): impossible")
    c.check("forkjoin_interfered", t1[:2], ["N/A"], alone(lambda r: find(r, "forkjoin", "spin").update(
        flags=["interfered"], interfered=25, reruns=18)), text="25 of 27 repetitions interfered with")
    # Where the run measured the spin round trip beside every job
    # (reference_check records), a fork-join is in the units of the ones
    # around it: 360 and 390 ns are 1.2-1.3x the run's first (300 ns) but
    # 1.8-2x the 200 ns measured beside them.
    def checks_at(rt):
        def edit(r):
            def check(job):
                return {"type": "reference_check", "platform": "native", "scenario": "pingpong",
                        "backend": "spin_pingpong", "job": job, "median": rt, "ci_lo": rt * 0.97,
                        "ci_hi": rt * 1.04, "n": 6}
            r.insert(r.index(find(r, "pingpong", "futex_pingpong")) + 1, check(2))
            r.insert(r.index(find(r, "forkjoin", "spin")) + 1, check(3))
        return edit
    c.check("forkjoin_beside", t1, ["MISS", "MISS"], nat(checks_at(200.0)), text="measured beside the job")
    # 4: reported against the futex round trip, never judged; N/A when noisy.
    c.check("spaced_info", t4, ["INFO", "INFO"], text="x")
    c.check("spaced_noisy", t4, ["N/A", "N/A"], nat(lambda r: find(r, "pingpong", "futex_pingpong").update(
        ci_lo=FUTEX_RT / 2, ci_hi=FUTEX_RT * 2)), text="reference noisy")
    # 2: spin's grain sweep against OpenMP and oneTBB, interleaved and not.
    # With every point noisy nothing is compared: N/A, even where it would miss.
    def ab(slower, noisy=False):
        def edit(run):
            r = run["native"]
            for w in (0, 1000):
                r.append(grain("native", "grain_ab", "spin", "warm", w, 500, 1.2 if slower else 0.8))
                r += [grain("native", "grain_ab", b, "default", w, 500) for b in ("openmp", "tbb")]
            if noisy:
                interfere(r, "grain_ab")
        return edit
    t2ab = "2. spin grain overhead <= openmp and tbb at every W (interleaved)"
    c.check("grain_ab_pass", t2ab, ["PASS"], ab(False))
    c.check("grain_ab_miss", t2ab, ["MISS"], ab(True))
    c.check("grain_ab_all_noisy", t2ab, ["N/A"], ab(True, noisy=True), text="0 W judged")

    def same_run(spin_overhead, noisy=False):
        def edit(run):
            r = run["native"]
            for w in (0, 1000):
                r.append(grain("native", "grain", "spin", "warm", w, spin_overhead))
                r += [grain("native", "grain", b, "default", w, 500) for b in ("openmp", "tbb")]
            if noisy:
                interfere(r, "grain")
        return edit
    t2same = "2. spin grain overhead <= openmp and tbb at every W"
    c.check("grain_pass", t2same, ["PASS"], same_run(400))
    c.check("grain_miss", t2same, ["MISS"], same_run(5000))
    c.check("grain_all_noisy", t2same, ["N/A"], same_run(5000, noisy=True), text="0 W judged")

    def vs_native(node_overhead, noisy=False):
        def edit(run):
            for plat, o in (("native", 1000), ("node", node_overhead)):
                run[plat] += [grain(plat, "grain", "spin", "warm", w, o) for w in (0, 1000)]
            if noisy:
                for plat in ("native", "node"):
                    scale(find(run[plat], "pingpong", "spin_pingpong"), 11e6 / SPIN_RT)
        return edit
    t2n = "2. spin grain overhead <= 1.5x native"
    c.check("native_pass", t2n, ["PASS"], vs_native(1500), plat="node")
    c.check("native_miss", t2n, ["MISS"], vs_native(5000), plat="node")
    c.check("native_noisy", t2n, ["N/A"], vs_native(1500, noisy=True), plat="node", text="reference noisy")
    # 3: the single-call tail in spin round trips.
    t3 = "3. spin p99.9"
    c.check("tail_pass", t3, ["PASS"])
    c.check("tail_miss", t3, ["MISS"], nat(lambda r: find(r, "latency", "spin").update(p999=20 * 2000.0)))
    c.check("tail_noisy", t3, ["N/A"], nat(lambda r: scale(find(r, "pingpong", "spin_pingpong"), 11e6 / SPIN_RT)))
    # 5: adaptive's fork-join against spin's, and its idle CPU.
    t5 = "5. adaptive fork-join"
    c.check("adaptive_fj_pass", t5, ["PASS"])
    c.check("adaptive_fj_miss", t5, ["MISS"], nat(lambda r: scale(find(r, "forkjoin", "adaptive"), 2)))
    c.check("adaptive_fj_not_joined", t5, ["N/A"],
            nat(lambda r: find(r, "forkjoin", "adaptive").update(worker_share=0.0)), text="not a fork-join")
    c.check("idle_pass", "5. adaptive idle CPU", ["PASS"])
    c.check("idle_miss", "5. adaptive idle CPU", ["MISS"], nat(lambda r: find(r, "idle_cpu", "adaptive").update(median=0.05)))
    # 6: many items within 2x serial + one fork-join.
    c.check("many_pass", "6. 10^5 items", ["PASS"], text="fork-join")
    c.check("many_miss", "6. 10^5 items", ["MISS"], nat(lambda r: scale(find(r, "many_items", "spin"), 2)))
    # 8: adaptive's in-burst tail and CPU between bursts against spin's.
    c.check("burst_pass", "8. adaptive in-burst", ["PASS"])
    c.check("burst_miss", "8. adaptive in-burst", ["MISS"], nat(lambda r: find(r, "bursts", "adaptive").update(p99=100e3)))
    c.check("burst_cpu_pass", "8. adaptive CPU", ["PASS"])
    c.check("burst_cpu_miss", "8. adaptive CPU", ["MISS"], nat(lambda r: find(r, "bursts", "adaptive").update(gap_cpu_cores=0.05)))
    # 9: the break-even W of the best warm pool, on a grid that resolves it.
    def sweep(first_win, grid=(0, 10, 30, 100, 300)):
        """spin beats serial from W = first_win on, futex only above it."""
        def edit(run):
            for b, wins in (("spin", lambda w: w >= first_win), ("futex", lambda w: w > first_win)):
                for w in grid:
                    m = grain("native", "grain", b, "warm", w, 100)
                    m["speedup"] = 1.3 if wins(w) else 0.7
                    run["native"].append(m)
        return edit
    t9 = "9. break-even W"
    c.check("breakeven_pass", t9, ["PASS"], sweep(30), text="spin 30 ns")
    c.check("breakeven_miss", t9, ["MISS"], sweep(300), text="300 ns")
    c.check("breakeven_never", t9, ["MISS"], sweep(10 ** 9), text="never")
    c.check("breakeven_unresolved", t9, ["N/A"], sweep(1000, grid=(0, 300, 1000)), text="not resolved")
    # 10: at the most oversubscribed P of a sweep: every pool's p99 under
    # 1 ms, warm pools within 3x the cold pools' median.
    def oversub(warm_ns=150e3, cold_ns=(100e3, 120e3, 140e3), p99=400e3, bad_p99=None, no_join=None):
        def edit(run):
            r = run["native"]
            r[0]["logical_cores"] = 2
            for mode, b, med in [("warm", "spin", warm_ns), ("warm", "adaptive", warm_ns * 0.8)] + \
                    [("cold", b, v) for b, v in zip(("futex", "condvar", "spin"), cold_ns)]:
                if (b, mode) == no_join:
                    r.append(complete({"type": "error", "platform": "native", "scenario": "forkjoin", "backend": b,
                                       "mode": mode, "message": "did not join: 3 of 4 arrived within 1000 ms"}))
                    continue
                r.append(forkjoin("native", b, mode, med, threads=4, items=4, share=0.75,
                                  p90=p99 / 2, p99=bad_p99 if (b, mode) == ("futex", "cold") and bad_p99 else p99))
            # a P = 3 sweep point: not the most oversubscribed, never judged
            r.append(forkjoin("native", "spin", "warm", 50e6, threads=3, items=3, share=2 / 3, p90=1, p99=9e9))
        return edit
    t10, t10w = "10. oversubscribed (P > cores)", "10. oversubscribed: warm"
    c.check("oversub_pass", t10, ["PASS"], oversub(), text="P = 4 on 2 cores")
    c.check("oversub_p99_miss", t10, ["MISS"], oversub(bad_p99=2.5e6), text="over: futex/cold")
    c.check("oversub_no_join", t10, ["MISS"], oversub(no_join=("condvar", "cold")), text="did not join: condvar/cold")
    c.check("oversub_warm_pass", t10w, ["PASS"], oversub(), text="2 cores")
    c.check("oversub_warm_miss", t10w, ["MISS"], oversub(warm_ns=500e3), text="spin/warm")
    c.check("oversub_none", t10, [])  # no sweep above the cores: nothing to judge
    # 0: a Wasm pingpong is no physical round trip (header spin_rt_physical
    # false): Wasm figures are in the native one. 360 ns is 1.2 native
    # round trips of 300 ns (PASS), though 0.45 of node's own 800 ns.
    def wasm_rt(own=800.0, native=True):
        def edit(run):
            scale(find(run["node"], "pingpong", "spin_pingpong"), own / SPIN_RT)
            if not native:
                del run["native"]
        return edit
    c.check("wasm_native_rt", t1, ["PASS", "PASS"], wasm_rt(), plat="node", text="in native spin round trips")
    c.check("wasm_native_rt_miss", t1, ["MISS", "PASS"], lambda run: (
        wasm_rt()(run), scale(find(run["node"], "forkjoin", "spin"), 1.5)), plat="node", text="x")
    c.check("wasm_no_native", t1, ["N/A", "N/A"], wasm_rt(native=False), plat="node",
            text="no native spin round trip in this run")
    # 1: a browser's warm fork-join against Node's and native's of the run.
    tb = "1. browser forkjoin warm"

    def browser(f_node=1.0, f_chrome=1.0):
        def edit(run):
            run["node"] = platform_records("node")
            for b in ("spin", "adaptive"):
                scale(find(run["node"], "forkjoin", b), f_node)
                scale(find(run["chrome"], "forkjoin", b), f_chrome)
        return edit
    c.check("browser_pass", tb, ["PASS", "PASS"], browser(), plat="chrome", text="1.00x node")
    c.check("browser_vs_node_miss", tb, ["MISS", "MISS"], browser(f_node=0.7), plat="chrome", text="1.43x node")
    c.check("browser_vs_native_miss", tb, ["MISS", "MISS"], browser(f_node=1.6, f_chrome=1.6), plat="chrome",
            text="1.60x native")
    c.check("browser_no_node", tb, ["N/A", "N/A"], plat="chrome", text="no node run")
    # 2: at W <= 100 ns no round trip of slack: 1.4x native passes, 2x misses.
    t2s = "2. spin grain overhead at W <= 100 ns"

    def small_grain(f, interfered=False):
        def edit(run):
            for plat, o in (("native", 2000), ("node", 2000 * f)):
                run[plat] += [grain(plat, "grain", "spin", "warm", w, o) for w in (0, 100, 1000)]
            if interfered:
                interfere(run["node"], "grain")
        return edit
    c.check("small_grain_pass", t2s, ["PASS"], small_grain(1.4), plat="node", text="1.4x")
    c.check("small_grain_miss", t2s, ["MISS"], small_grain(2.0), plat="node", text="W=0: 4.00 us vs native 2.00 us")
    c.check("small_grain_all_noisy", t2s, ["N/A"], small_grain(2.0, interfered=True), plat="node",
            text="0 W judged")
    # 10: a Wasm warm pool oversubscribed against native's at that P.
    t10n = "10. oversubscribed: Wasm warm"

    def oversub_wasm(f):
        def edit(run):
            for plat, med in (("native", 20e3), ("node", 20e3 * f)):
                r = run[plat]
                r[0]["logical_cores"] = 2
                r += [forkjoin(plat, b, "warm", med, threads=4, items=4, share=0.75, p90=med, p99=2 * med)
                      for b in ("spin", "adaptive")]
        return edit
    c.check("oversub_wasm_pass", t10n, ["PASS"], oversub_wasm(2.5), plat="node", text="2.5x")
    c.check("oversub_wasm_miss", t10n, ["MISS"], oversub_wasm(10), plat="node", text="10.0x")
    # 11: single calls are timed to the per-call clock's step.
    def clock(step):
        return lambda run: run["chrome"][0].update(clock=dict(
            run["chrome"][0]["clock"], per_call="system", step_ns=step, why="no core is free"))
    c.check("clock_pass", "11. single calls", ["PASS"], clock(129), plat="chrome", text="step 129 ns")
    c.check("clock_miss", "11. single calls", ["MISS"], clock(4999), plat="chrome", text="no core is free")
    # Nothing in a clean run is noisy.
    run = {"native": platform_records("native")}
    rows = rows_of(run, "native", "", os.path.join(tmp, "clean"))
    assert not [r for r in rows if "noisy" in " ".join(r)], f"FAIL: a clean run called noisy: {rows}"
    assert "N/A" not in [r[4] for r in rows], f"FAIL: N/A in a clean run: {rows}"
    return c.n


def main():
    tmp = tempfile.mkdtemp()
    try:
        cases = synthetic(tmp)
        # 2.5% raw is 17% of spin's 15%, but 2% of it is the host's own floor:
        # the pool burns 0.5% of spin's 13% -> PASS.
        row = cpu_row(make_run(os.path.join(tmp, "floor"), 0.025, 0.15, 0.02))
        assert " PASS " in row, f"FAIL: the host floor was not taken off: {row}"
        assert "host floor" in row and "2.00% taken off" in row, f"FAIL: the floor is not shown: {row}"
        # A pool that really burns stays a MISS with the floor taken off.
        row = cpu_row(make_run(os.path.join(tmp, "burn"), 0.05, 0.15, 0.02))
        assert " MISS " in row, f"FAIL: a 3% burn above the floor passed: {row}"
        # A floor above a pool's own figure (a transient in the serial row)
        # takes off no more than that pool burnt.
        row = cpu_row(make_run(os.path.join(tmp, "transient"), 0.008, 0.13, 0.12))
        assert "0.80% taken off" in row, f"FAIL: more than the pool's own CPU taken off: {row}"
        # Without a serial row nothing is taken off, and the row says so.
        row = cpu_row(make_run(os.path.join(tmp, "nofloor"), 0.025, 0.15, None))
        assert " MISS " in row and "no serial row" in row, f"FAIL: no-floor case: {row}"
        p = run_targets("--help")
        assert p.returncode == 0 and "usage" in p.stdout, f"FAIL: --help exited {p.returncode}"
        p = run_targets()
        assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "--help" in p.stderr, \
            f"FAIL: no argument exited {p.returncode}: {p.stderr}"
        p = run_targets(os.path.join(tmp, "missing"))
        assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, \
            f"FAIL: a missing run dir exited {p.returncode}: {p.stderr}"
    except AssertionError as e:
        print(e)
        return 1
    finally:
        shutil.rmtree(tmp)
    print(f"ok: {cases} synthetic cases (every target MISS and PASS, N/A for unjoined fork-joins, noisy "
          "references and noisy figures, INFO for spaced fork-joins); gap CPU judged above the serial floor; usage errors exit 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
