"""Wasm/native ratios as the report shows them: per view, each target's Wasm
median (or percentile) over the same key measured natively in the same run
folder, on the same machine. A Wasm platform whose folder's native ran on
another machine (a browser on a Grid node) has no ratios: N/A, and why."""
from keys import counterpart
from machines import differ
from vocab import W_VIEWS, WASM, label, w_name

# (view, scenario, W or None for every W, field)
VIEWS = ([("dispatch", "dispatch", None, "median"), ("latency p99", "latency", None, "p99")]
         + [(f"grain W={w_name(w)}", "grain", w, "median") for w in W_VIEWS])


def wasm(run):
    """The run's Wasm platforms: [(name, Platform)]."""
    return [(name, p) for name, p in run.items() if p.header.get("platform") in WASM]


def ratios(run):
    """[(view, target, platform name, ratio)] of wasm medians over the native
    ones of their own folder and machine."""
    out = []
    for name, w in wasm(run):
        nat = w.native
        if not nat:
            continue
        for view, scen, work, field in VIEWS:
            for m in w.find(scen):
                if work is not None and m["work_ns"] != work:
                    continue
                n = counterpart(nat, m)
                if n and n.get(field, 0) > 0 and m.get(field, 0) > 0:
                    out.append((view, label(m), name, m[field] / n[field]))
    return out


def not_compared(run):
    """[(platform name, why)] of the Wasm platforms whose folder's native ran
    on another machine: their ratios are N/A."""
    return [(name, differ(w, w.other_native)) for name, w in wasm(run) if w.other_native]
