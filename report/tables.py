"""The report's tables of one run: backend x scenario per platform, the
environment, and the keys shared with a baseline run."""
import noisy
from keys import counterpart
from machines import differ
from references import ROUND_TRIPS, noise, round_trip, unit_source, units
from gate_verdicts import gate_key
from vocab import NOISY_MARK, PINGPONG, W_VIEWS, in_unit, label, ns, timer_limited, w_name

# A ratio of figures measured on two machines: never taken.
NOT_COMPARED = "N/A (different machines)"
GRAINS = ("grain", "grain_ab")  # the scenarios whose records differ by W

# The coverage the harness aims its median intervals at (STATS_CI_TARGET):
# an interval below it had too few samples to reach it.
CI_LEVEL = 0.95
ENV_SKIP = {"type", "schema", "options"}  # header fields the environment table leaves out

# (column, scenario, key, field): the figures a platform's table shows.
# A column reading the share of items the workers ran (what tells a fork-join
# from a call the caller ran alone).
WORKERS = "workers ran"

COLUMNS = ([("fork-join", "forkjoin", {}, "median"),
            ("fork-join, 1 ms apart", "forkjoin_spaced", {}, "median"),
            ("fork-join: workers ran", "forkjoin", {}, WORKERS),
            ("dispatch (caller may run it alone)", "dispatch", {}, "median"),
            ("dispatch: workers ran", "dispatch", {}, WORKERS),
            ("latency p50", "latency", {}, "p50"),
            ("latency p99", "latency", {}, "p99")]
           + [(f"grain W={w_name(w)}", "grain", {"work_ns": w}, "median") for w in W_VIEWS]
           + [("startup", "startup", {}, "median"),
              ("idle CPU", "idle_cpu", {}, "median"),
              ("bursts p99", "bursts", {}, "p99"),
              ("bursts 1st call", "bursts", {}, "first_call_ns"),
              ("10^5 items", "many_items", {}, "median")])


def workers_ran(m):
    """The share of the items threads other than the caller ran, or None."""
    if isinstance(m.get("worker_share"), (int, float)):
        return m["worker_share"]
    if isinstance(m.get("caller_share"), (int, float)):
        return 1 - m["caller_share"]
    return None


def cell(m, field="median"):
    """'median [lo, hi]' of a measurement in its unit: the median's interval
    (marked ‡ where its coverage is below CI_LEVEL); other fields alone."""
    if not m:
        return "-"
    u = m["unit"]
    if field == WORKERS:
        share = workers_ran(m)
        return "-" if share is None else f"{share:.0%}"
    flag = " †" if timer_limited(m) else ""
    if field != "median":
        return f"{in_unit(m.get(field), u)}{flag}"
    low = " ‡" if m["ci_level"] < CI_LEVEL else ""
    return f"{in_unit(m['median'], u)} [{in_unit(m['ci_lo'], u)}, {in_unit(m['ci_hi'], u)}]{low}{flag}"


def platform_table(p):
    """(header, rows) of backend x scenario for one platform."""
    targets = {}
    for m in p.headline():
        if m["scenario"] != PINGPONG:
            targets.setdefault(label(m), (m["backend"], m["mode"]))
    cols = [c for c in COLUMNS if p.find(c[1], **c[2])]
    head = ["backend"] + [c[0] for c in cols]
    rows = []
    for tgt, (b, mode) in sorted(targets.items()):
        row = [tgt]
        for _, scen, key, field in cols:
            ms = p.find(scen, backend=b, mode=mode, **key)
            row.append(cell(ms[0], field) + (NOISY_MARK if noisy.why(p, ms[0]) else "") if ms else "-")
        rows.append(row)
    return head, rows


def noisy_note(p):
    """One sentence naming platform p's figures that are noisy on their own
    evidence, each with why (the platform's own noise is the banner's);
    None when there are none."""
    bad = [(m, noisy.job(p, m)) for m in p.headline()]
    bad = [f"{m['scenario']} `{label(m)}`" + (f" W={m['work_ns']:g}" if m["scenario"] in GRAINS else "")
           + f": {why}" for m, why in bad if why]
    if not bad:
        return None
    return f"{NOISY_MARK.strip()}: left out of the verdict and the rankings: " + "; ".join(bad) + "."


def noisy_banner(run):
    """One line naming each platform's unfit reference and why, or None when
    every reference is fit: the first thing the report says (EPCC rejects
    noisy runs; the targets and findings in its units are N/A)."""
    bad = [f"{name}: {why}" for name, p in run.items() for why in noise(p).values()]
    if not bad:
        return None
    return ("**noisy run** (figures in these references' units are N/A): " + "; ".join(bad) + ".")


def cut_banner(run):
    """One line naming each platform whose file lacks its `end` record (the
    run was killed or crashed: its figures stand, the rest never came), or
    None when every one finished."""
    cut = [f"{name} ends after `{p.cut_short()}`" for name, p in run.items() if p.cut_short()]
    if not cut:
        return None
    return "**cut short** (no `end` record: the run was killed or crashed before its last job): " \
        + "; ".join(cut) + "."


def env_rows(run):
    """(header, rows): each header field and the same-run references, per platform."""
    keys = []
    for p in run.values():
        keys += [k for k in p.header if k not in ENV_SKIP and k not in keys]
    rows = []
    for k in keys:
        rows.append([k] + [str(p.header.get(k, "-")) for p in run.values()])
    for unit, name in ROUND_TRIPS.items():
        rows.append([f"{name} (same run)"] + [ns(round_trip(p, unit)) + (NOISY_MARK if unit in noise(p) else "")
                                               for p in run.values()])
    # Which round trip each platform's "x RT" figures are in: a Wasm
    # pingpong is no physical round trip (header spin_rt_physical).
    rows.append(["figures in round trips of"] + [rt_unit(p) for p in run.values()])
    if any(p.checks for p in run.values()):
        # Where a run measured it beside every job, the figures' round-trip
        # units: how far it ranged over the run.
        rows.append(["spin round trip beside each job (reference_check)"] + [checks_range(p) for p in run.values()])
    return ["field"] + list(run), rows


def rt_unit(p):
    """The round trip platform p's spin figures are in, as the table says it."""
    src, why = unit_source(p, "spin")
    if src is None:
        return f"N/A ({why})"
    return units(p, "spin") if round_trip(src, "spin") else "-"


def checks_range(p):
    """'lo - hi (n checks)' of platform p's reference_check medians, or '-'."""
    v = [r["median"] for r in p.checks]
    return f"{ns(min(v))} - {ns(max(v))} ({len(v)} checks)" if v else "-"


def compare_pairs(run, base):
    """[(platform, key label, old median, new median, the gate's key, why
    the two are not compared or None)] of the keys both runs measured: a
    pair of two machines has no ratio (why: 'different machines: ...')."""
    pairs = []
    for name, p in run.items():
        b = base.get(name)
        if not b:
            continue
        apart = differ(p, b)
        for m in p.headline():
            if m["unit"] != "ns" or m["scenario"] == "grain" and m["work_ns"] not in W_VIEWS:
                continue
            o = counterpart(b, m)
            if o:
                w = f" W={m['work_ns']:g}" if m["scenario"] == "grain" else ""
                pairs.append((name, f"{m['scenario']} {label(m)}{w}", o["median"], m["median"],
                              gate_key(name, m), apart))
    return pairs


def compare_table(pairs, gate):
    """(header, rows) of the comparison with a baseline run, with the
    regression gate's verdict and U-test p per key ({gate key: verdict})."""
    def p_value(v):
        return f"{v['p']:.4f}" if isinstance(v.get("p"), (int, float)) else "-"
    return (["platform", "key", "old", "new", "new/old", "gate", "U-test p"],
            [[p, k, ns(o), ns(n), NOT_COMPARED if apart else f"{n / o:.2f}", gate.get(g, {}).get("verdict", "-"),
              p_value(gate.get(g, {}))] for p, k, o, n, g, apart in pairs if o > 0])


def apart_note(pairs):
    """One sentence saying which platforms' baseline ran on another machine
    (their ratios N/A), or None."""
    apart = dict((p, why) for p, *_, why in pairs if why)
    if not apart:
        return None
    return (f"No new/old where the baseline ran on another machine, {NOT_COMPARED}: "
            + "; ".join(f"{p}: {why}" for p, why in apart.items())
            + ". Figures of two machines differ by more than any change of code: compare runs of one machine.")
