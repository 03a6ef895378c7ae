"""Wasm/native ratios of one run as the report shows them: per view, each
target's Wasm median (or percentile) over the same key measured natively."""
from keys import counterpart
from vocab import NATIVE, W_VIEWS, WASM, label, w_name

# (view, scenario, W or None for every W, field)
VIEWS = ([("dispatch", "dispatch", None, "median"), ("latency p99", "latency", None, "p99")]
         + [(f"grain W={w_name(w)}", "grain", w, "median") for w in W_VIEWS])


def ratios(run):
    """[(view, target, platform, ratio)] of wasm medians over native ones."""
    nat = run.get(NATIVE)
    out = []
    if not nat:
        return out
    for wasm in WASM:
        w = run.get(wasm)
        if not w:
            continue
        for view, scen, work, field in VIEWS:
            for m in w.find(scen):
                if work is not None and m["work_ns"] != work:
                    continue
                n = counterpart(nat, m)
                if n and n.get(field, 0) > 0 and m.get(field, 0) > 0:
                    out.append((view, label(m), wasm, m[field] / n[field]))
    return out
