"""Findings: sentences generated from the records, each backed by a number
that appears in the report. Nothing here is written by hand about results."""
from ratios import ratios
from references import spin_rt
from vocab import SERIAL_BACKEND, TIMER_LIMITED, WASM, is_serial, label, ns

IDLE_BURN = 0.05  # share of a core above which an idle pool "burns CPU"


def winners_by_work(p):
    """[(W, winning target, its median)] over the grain sweep, pools only."""
    out = []
    for w in sorted({m["work_ns"] for m in p.find("grain")}):
        ms = [m for m in p.find("grain", work_ns=w) if not is_serial(m)]
        if ms:
            best = min(ms, key=lambda m: m["median"])
            out.append((w, label(best), best["median"]))
    return out


def compress(wins):
    """Runs of the same winner: [(first W, last W, target)]."""
    runs = []
    for w, tgt, _ in wins:
        if runs and runs[-1][2] == tgt:
            runs[-1][1] = w
        else:
            runs.append([w, w, tgt])
    return runs


def findings(run):
    out = []
    for name, p in run.items():
        d = [m for m in p.find("dispatch") if m["backend"] != SERIAL_BACKEND]
        if d:
            best = min(d, key=lambda m: m["median"])
            spin = spin_rt(p)
            extra = f" = {best['median'] / spin:.1f} spin round trips" if spin else ""
            out.append(f"**{name}**: the cheapest empty `parallel_for` is `{label(best)}` at "
                       f"{ns(best['median'])} per call{extra}.")
        runs = compress(winners_by_work(p))
        if runs:
            parts = [f"`{t}` for W = {a:g}{'' if a == b else f'..{b:g}'} ns" for a, b, t in runs]
            out.append(f"**{name}**: lowest time per call over the grain sweep: " + "; ".join(parts) + ".")
        be = [b for b in p.breakeven]
        if be:
            paid = sorted((b["breakeven_work_ns"], label(b)) for b in be if b["breakeven_work_ns"] is not None)
            never = sorted(label(b) for b in be if b["breakeven_work_ns"] is None)
            if paid:
                lo = [t for w, t in paid if w == paid[0][0]]
                out.append(f"**{name}**: parallelism pays off (speedup >= 1 with N = 8P items) from "
                           f"W = {paid[0][0]:g} ns per item with {', '.join(f'`{t}`' for t in lo)}; "
                           f"the latest break-even is W = {paid[-1][0]:g} ns (`{paid[-1][1]}`).")
            if never:
                out.append(f"**{name}**: never faster than serial in the sweep: "
                           + ", ".join(f"`{t}`" for t in never) + ".")
        burn = [m for m in p.find("idle_cpu") if m["median"] > IDLE_BURN]
        if burn:
            out.append(f"**{name}**: idle pools burning more than {IDLE_BURN:.0%} of a core: "
                       + ", ".join(f"`{label(m)}` {m['median']:.0%}" for m in sorted(burn, key=lambda m: -m["median"])) + ".")
        elif p.find("idle_cpu"):
            out.append(f"**{name}**: no idle pool burnt more than {IDLE_BURN:.0%} of a core.")
        limited = [m for m in p.measurements if TIMER_LIMITED in m.get("flags", [])]
        if limited:
            step = p.header.get("timer_step_ns")
            out.append(f"**{name}**: {len(limited)} figures are limited by the timer's step "
                       f"({ns(step)}): " + ", ".join(sorted({f"{m['scenario']} `{label(m)}`" for m in limited})[:8])
                       + (" ..." if len(limited) > 8 else "") + ".")
        if p.errors:
            out.append(f"**{name}**: {len(p.errors)} error record(s): "
                       + "; ".join(e.get("message", "")[:80] for e in p.errors[:3]) + ".")
    r = ratios(run)
    for plat in WASM:
        rr = sorted(x[3] for x in r if x[2] == plat and x[0] == "dispatch")
        if rr:
            med = rr[len(rr) // 2]
            out.append(f"**{plat} vs native**: dispatch costs {med:.2f}x native (median over "
                       f"{len(rr)} backends, range {rr[0]:.2f}-{rr[-1]:.2f}x).")
    return out
