#!/usr/bin/env python3
"""The pools' performance targets, checked on one run's records: each target
with its measured value, the same-run reference it is compared with, and
PASS / MISS. Ratios within one run only (the machines are shared and noisy).

usage: targets.py RUN_DIR [--markdown]
Exit 0 when every checked target passes, 1 on a MISS, 2 on unusable input.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import records  # noqa: E402
from findings import ns  # noqa: E402


def one(p, scenario, **key):
    ms = p.find(scenario, **key)
    return ms[0] if ms else None


def spin_rt_valid(spin_rt, futex_rt):
    """A spin round trip is a reference only if both threads really spun at
    once: then it is far below a futex round trip (which sleeps)."""
    return not futex_rt or spin_rt < futex_rt


def check(rows, plat, target, value, ref, ok, detail=""):
    rows.append((plat, target, value, ref, "PASS" if ok else "MISS", detail))


def sign_test_p(wins, n):
    """One-sided sign test: the chance of >= wins of n under a fair coin."""
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2 ** n


def check_interleaved(rows, name, p, ab):
    """Target 2 from grain_ab: per W, spin against openmp and tbb repetition
    by repetition (paired samples); above only if spin was slower in enough
    repetitions that a fair coin would do it less than 5% of the time."""
    bad, ties = [], []
    for w, s in sorted(ab.items()):
        for ref in ("openmp", "tbb"):
            r = p.find("grain_ab", backend=ref, work_ns=w)
            if not r or len(r[0]["samples"]) != len(s["samples"]):
                continue
            pairs = list(zip(s["samples"], r[0]["samples"]))
            slower = sum(a > b for a, b in pairs)
            if slower * 2 <= len(pairs):
                continue
            what = f"W={w:g} vs {ref}: slower in {slower}/{len(pairs)}"
            (bad if sign_test_p(slower, len(pairs)) < 0.05 else ties).append(what)
    check(rows, name, "2. spin grain overhead <= openmp and tbb at every W (interleaved)",
          f"{len(bad)} W above, {len(ties)} tied", "openmp, tbb (grain_ab)", not bad,
          "; ".join(bad[:3]) or ("not significant: " + "; ".join(ties[:3]) if ties else ""))


def evaluate(run):
    rows = []
    nat = run.get("native")
    for name, p in run.items():
        if name == "python":
            continue
        spin_rt, futex_rt = p.reference("spin_pingpong"), p.reference("futex_pingpong")
        d = one(p, "dispatch", backend="spin", mode="warm")
        if d and spin_rt and not spin_rt_valid(spin_rt, futex_rt):
            rows.append((name, "1. spin warm dispatch <= 3x spin round trip", ns(d["median"]), ns(spin_rt),
                         "N/A", "the spin round trip is longer than a futex one: the two threads did "
                         "not spin at the same time (time-sliced on one CPU), no reference"))
        elif d and spin_rt and spin_rt > 0:
            r = d["median"] / spin_rt
            check(rows, name, "1. spin warm dispatch <= 3x spin round trip", f"{ns(d['median'])} = {r:.2f}x",
                  ns(spin_rt), r <= 3)
        spin_grain = {m["work_ns"]: m for m in p.find("grain", backend="spin", mode="warm")}
        ab = {m["work_ns"]: m for m in p.find("grain_ab", backend="spin", mode="warm")}
        if name == "native" and ab:
            check_interleaved(rows, name, p, ab)
        elif name == "native" and spin_grain:
            bad, ties = [], []
            for ref in ("openmp", "tbb"):
                for m in p.find("grain", backend=ref):
                    s = spin_grain.get(m["work_ns"])
                    if not s or s["overhead_ns"] <= m["overhead_ns"]:
                        continue
                    # Above by less than the two medians' spread (MAD each) is
                    # a tie: at W = 100 us one call's noise is ~10 us, the
                    # same size as both pools' whole overhead.
                    diff, noise = s["overhead_ns"] - m["overhead_ns"], s["mad"] + m["mad"]
                    what = f"W={m['work_ns']:g} vs {ref}: +{ns(diff)}"
                    (ties if diff <= noise else bad).append(f"{what} (noise {ns(noise)})")
            if p.find("grain", backend="openmp") or p.find("grain", backend="tbb"):
                check(rows, name, "2. spin grain overhead <= openmp and tbb at every W",
                      f"{len(bad)} W above, {len(ties)} tied", "openmp, tbb (same run)", not bad,
                      "; ".join(bad[:3]) or ("ties within noise: " + "; ".join(ties[:3]) if ties else ""))
        if name != "native" and spin_grain and nat:
            ng = {m["work_ns"]: m for m in nat.find("grain", backend="spin", mode="warm")}
            slack = spin_rt if spin_rt and spin_rt_valid(spin_rt, futex_rt) else nat.reference("spin_pingpong")
            bad = []
            for w, m in sorted(spin_grain.items()):
                n = ng.get(w)
                # Overheads near zero make ratios meaningless: allow one spin
                # round trip of slack on top of 1.5x (the native one when this
                # platform's is no reference).
                # ... and the two medians' spread (MAD each): at W = 100 us one
                # call's noise (~16 us) is the size of the whole overhead.
                if n and m["overhead_ns"] > 1.5 * max(n["overhead_ns"], 0) + (slack or 0) + m["mad"] + n["mad"]:
                    bad.append(f"W={w:g}: {ns(m['overhead_ns'])} vs native {ns(n['overhead_ns'])} "
                               f"(noise {ns(m['mad'] + n['mad'])})")
            check(rows, name, "2. spin grain overhead <= 1.5x native (+1 spin RT, + noise)", f"{len(bad)} W above",
                  "native spin grain", not bad, "; ".join(bad[:3]))
        lat = one(p, "latency", backend="spin", mode="warm")
        if name == "native" and lat and spin_rt and spin_rt > 0:
            r = lat["p999"] / spin_rt
            check(rows, name, "3. spin p99.9 <= 20x spin round trip", f"{ns(lat['p999'])} = {r:.1f}x",
                  ns(spin_rt), r <= 20)
        fd = one(p, "dispatch", backend="futex", mode="cold")
        if fd and futex_rt and futex_rt > 0:
            r = fd["median"] / futex_rt
            check(rows, name, "4. futex cold dispatch <= 1.3x futex round trip", f"{ns(fd['median'])} = {r:.2f}x",
                  ns(futex_rt), r <= 1.3)
        ad, sd = one(p, "dispatch", backend="adaptive", mode="warm"), d
        if ad and sd and sd["median"] > 0:
            r = ad["median"] / sd["median"]
            check(rows, name, "5. adaptive back-to-back <= 1.5x spin", f"{ns(ad['median'])} = {r:.2f}x",
                  ns(sd["median"]), r <= 1.5, f"budget {ns(ad.get('spin_budget_ns'))}")
        ai = one(p, "idle_cpu", backend="adaptive", mode="warm")
        if ai:
            check(rows, name, "5. adaptive idle CPU <= 2% of a core", f"{ai['median']:.1%}", "2%",
                  ai["median"] <= 0.02)
        mi, sp = one(p, "many_items", backend="spin", mode="warm"), d
        if mi and sp:
            limit = 2 * mi["serial_ns"] + sp["median"]
            check(rows, name, "6. 10^5 items <= 2x serial + one dispatch", ns(mi["median"]), ns(limit),
                  mi["median"] <= limit)
        ab, sb = one(p, "bursts", backend="adaptive", mode="warm"), one(p, "bursts", backend="spin", mode="warm")
        fb = one(p, "bursts", backend="serial")  # the same frames without a pool
        if ab and sb and sb["p99"] > 0:
            r = ab["p99"] / sb["p99"]
            check(rows, name, "8. adaptive in-burst p99 <= 1.5x spin", f"{ns(ab['p99'])} = {r:.2f}x",
                  ns(sb["p99"]), r <= 1.5, f"serial (no pool) p99 {ns(fb['p99'])}" if fb else "")
            ac, sc = ab.get("gap_cpu_cores"), sb.get("gap_cpu_cores")
            # The pools' CPU is what they burn above the host's own floor:
            # the same run's serial row (no pool threads) in the same gaps.
            floor = fb.get("gap_cpu_cores") if fb else None
            if ac is not None and sc:
                f = min(floor or 0.0, ac, sc)
                pa, ps = ac - f, sc - f
                # A floor above either pool's own figure was a transient in
                # the serial row (e.g. V8 tiering up in the background): only
                # what both pools also burnt is taken off, and the row says so.
                detail = (f"host floor (serial, no pool threads) {floor:.2%}, {f:.2%} taken off both; "
                          f"raw {ac:.2%} vs {sc:.2%}" if floor is not None else "no serial row: no floor taken off")
                check(rows, name, "8. adaptive CPU between bursts <= 10% of spin's",
                      f"{pa:.2%} = {pa / ps:.0%} of spin" if ps > 0 else f"{pa:.2%}", f"{ps:.2%}",
                      pa <= 0.1 * ps, detail)
    return rows


def main():
    if "--help" in sys.argv[1:] or "-h" in sys.argv[1:]:
        print(__doc__.strip())
        return 0
    args = [a for a in sys.argv[1:] if a != "--markdown"]
    if len(args) != 1 or args[0].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        run = records.load_run(args[0])
    except records.RecordError as e:
        print(f"targets: {e}", file=sys.stderr)
        return 2
    rows = evaluate(run)
    if not rows:
        print("targets: no target could be checked (run the spin, futex and adaptive backends)", file=sys.stderr)
        return 2
    head = ("platform", "target", "measured", "reference", "verdict", "detail")
    if "--markdown" in sys.argv:
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        for r in [head] + rows:
            print(f"{r[0]:<8} {r[1]:<52} {r[2]:>22} {r[3]:>14} {r[4]:<5} {r[5]}")
    return 1 if any(r[4] == "MISS" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
