#!/usr/bin/env python3
"""Where a browser's fork-join cost goes: the same fork-join (P = 2, warm
spin and adaptive) natively, under Node and in Chromium and Firefox, each
Wasm engine also under the flags that change how V8 compiles Wasm
(Liftoff only, TurboFan only, no tier-up), in rounds so that a host that
moves its vCPUs shows. Every figure is set against the native spin round
trip measured just before and just after it (the physical unit: a Wasm
pingpong is not one, see README "Why a browser costs more"); where those
two differ by more than MOVED_MAX the host moved the vCPUs meanwhile, and
the ratio is N/A.

usage: engine_experiments.py [--rounds R] [--only a,b] [--out DIR] [--list]
Prints one Markdown table; keeps every variant's records under DIR.
Exit 0, 1 when a variant failed (its row says why), 2 on usage.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "report"))
import noisy  # noqa: E402
import references  # noqa: E402
import run_model  # noqa: E402
from messages import OneLineParser  # noqa: E402
from render_md import md_table  # noqa: E402
from vocab import FORKJOIN, NATIVE, interval, ns  # noqa: E402

BACKENDS = ("spin", "adaptive")
RUN_ARGS = ["run", "--scenario", FORKJOIN, "--backend", ",".join(BACKENDS), "--warm", "--threads", "2"]
# V8's Wasm tiers: Liftoff (baseline) then TurboFan (optimizing), dynamically
# per hot function by default. Each switch pins one of them.
V8_FLAGS = ("--liftoff-only", "--no-liftoff", "--no-wasm-tier-up", "--no-wasm-dynamic-tiering")
NODE_JS = os.path.join("build-node", "poolbench.js")
DRIVER = os.path.join("bench", "browser", "driver.js")
DEADLINE_S = 600  # a variant is a few seconds; a browser's start up to a minute
# This VM's host places its two vCPUs close (spin round trip ~80-100 ns) or
# far apart (~330-380 ns) from hour to hour, sometimes within a minute: a
# change of placement moves the round trip by 3-4x, the noise by far less.
MOVED_MAX = 1.5
NATIVE_RT = [os.path.join("build", "poolbench"), "run", "--scenario", "pingpong", "--backend", "spin", "--threads", "2"]


def variants():
    """[(name, platform, engine flags, argv before the run's own --out DIR)]."""
    out = [("native", NATIVE, "", [os.path.join("build", "poolbench")] + RUN_ARGS),
           ("node", "node", "", ["node", NODE_JS] + RUN_ARGS)]
    out += [(f"node {f}", "node", f, ["node", f, NODE_JS] + RUN_ARGS) for f in V8_FLAGS]
    web = ["node", DRIVER, "--quiet", "--build", "build-web"]
    out.append(("chrome", "chrome", "", web + ["--"] + RUN_ARGS))
    out += [(f"chrome {f}", "chrome", f, web + ["--js-flags", f, "--"] + RUN_ARGS) for f in V8_FLAGS]
    if os.nice(0) < 0:  # the driver holds its browser at its own niceness: the default one beside
        out.append(("chrome at nice 0", "chrome", "", ["nice", "-n", str(-os.nice(0))] + web + ["--"] + RUN_ARGS))
    out.append(("firefox", "firefox", "", web + ["--browser", "firefox", "--"] + RUN_ARGS))
    return out


def run_one(argv, folder):
    """(records file, None) of one variant run into folder, else (None, why)."""
    os.makedirs(folder, exist_ok=True)
    try:
        p = subprocess.run(argv + ["--out", folder], cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        return None, f"no end within {DEADLINE_S} s"
    except OSError as e:
        return None, f"cannot start {argv[0]}: {e.strerror}"
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["no message"])[-1]
        return None, f"exit {p.returncode}: {last[:160]}"
    return folder, None


def figures(folder, platform):
    """({backend: record}, the run's own spin round trip, why the run is
    noisy or None); raises RecordError or KeyError on unusable records."""
    p = run_model.load_run(folder)[platform]
    fj = {b: (p.find(FORKJOIN, backend=b, mode="warm") or [None])[0] for b in BACKENDS}
    rt = references.round_trip(p, "spin")
    short = noisy.platform_short(p)
    why = "; ".join(w for w in [short and f"references noisy: {short}"] + [noisy.job(p, m) for m in fj.values() if m] if w)
    return fj, rt, why or None


def native_rt(folder):
    """The native spin round trip measured now (a run of its own), or None."""
    done, why = run_one(NATIVE_RT, folder)
    if why:
        return None
    try:
        return references.round_trip(run_model.load_run(done)[NATIVE], "spin")
    except (run_model.RecordError, KeyError):
        return None


def unit_between(before, after):
    """(the native round trip a variant's figures are set against, None), or
    (None, why none): the geometric mean of the two measured around it."""
    if not before or not after:
        return None, "no native round trip around it"
    if max(before, after) / min(before, after) > MOVED_MAX:
        return None, f"the vCPUs moved: native round trip {ns(before)} before, {ns(after)} after"
    return (before * after) ** 0.5, None


def main():
    ap = OneLineParser(prog="engine_experiments", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=2, help="rounds over every variant (default 2, 1..10)")
    ap.add_argument("--only", help="comma-separated variant names (see --list); native always runs")
    ap.add_argument("--out", help="keep the records here (default: a temporary folder, removed)")
    ap.add_argument("--list", action="store_true", help="list the variants and exit")
    a = ap.parse_args()
    table = variants()
    if a.list:
        for name, _, _, argv in table:
            print(f"{name:32} {' '.join(argv)}")
        return 0
    if not 1 <= a.rounds <= 10:
        ap.error(f"--rounds must be 1..10, got {a.rounds}")
    if a.only:
        want = set(a.only.split(","))
        unknown = want - {v[0] for v in table}
        if unknown:
            ap.error(f"unknown variant {sorted(unknown)[0]!r} (see --list)")
        table = [v for v in table if v[0] in want | {"native"}]
    if a.out and os.path.exists(a.out) and os.listdir(a.out):
        ap.error(f"--out {a.out} is not empty: choose a new folder")
    out = a.out or tempfile.mkdtemp(prefix="engine-experiments-")
    rows, failed = [], False
    try:
        for r in range(1, a.rounds + 1):
            base = os.path.join(out, f"round{r}")
            before = native_rt(os.path.join(base, "rt0"))
            for i, (name, platform, flags, argv) in enumerate(table, 1):
                t0 = time.monotonic()
                print(f"engine-experiments: round {r}/{a.rounds}: {name}...", file=sys.stderr, flush=True)
                folder, why = run_one(argv, os.path.join(base, name.replace(" ", "_").lstrip("-")))
                after = native_rt(os.path.join(base, f"rt{i}"))
                if not why:
                    try:
                        fj, rt, noise = figures(folder, platform)
                    except (run_model.RecordError, KeyError) as e:
                        why = f"records unreadable: {e}"
                if why:
                    failed = True
                    rows.append([str(r), name, "-", "-", "-", "-", why])
                    before = after
                    continue
                unit, unit_why = (rt, None) if platform == NATIVE else unit_between(before, after)
                before = after
                cells = []
                for b in BACKENDS:
                    m = fj[b]
                    x = f" = {m['median'] / unit:.2f}x" if m and unit else ""
                    cells.append(interval(m) + x if m else "-")
                rows.append([str(r), name] + cells + [ns(rt) if rt else "-", ns(unit) if unit else "-",
                                                      "; ".join(w for w in (noise, unit_why) if w) or "-"])
                print(f"engine-experiments: {name}: {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    finally:
        if not a.out:
            shutil.rmtree(out, ignore_errors=True)
    head = ["round", "variant"] + [f"forkjoin {b}/warm [95%] = x native RT" for b in BACKENDS] + \
           ["own spin pingpong", "native spin round trip (around it)", "noisy or N/A"]
    print(md_table(head, rows))
    if a.out:
        print(f"\nrecords: {out}/round<k>/<variant>/", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
