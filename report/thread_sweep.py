"""The thread sweep: `make bench` appends forkjoin and grain at P = 1, 2, 4, ...
up to twice the logical cores to each platform's run. Here: each pool's
fork-join cost at every P the file holds, and what it says in words. The
headline views read the run's P only (run_model.Platform.find); this module
alone reads every P (Platform.across_p)."""
import noisy
from vocab import FORKJOIN, NOISY_MARK, interval, is_serial, label, not_joined, ns

# A fork-join slower than this is no longer a cheap call: where threads
# outnumber cores, a descheduled worker's time slice shows up here.
SLOW_NS = 1e6


def cores(p):
    """The header's logical_cores, or None."""
    c = p.header.get("logical_cores")
    return c if isinstance(c, int) and not isinstance(c, bool) and c > 0 else None


def swept(p):
    """The pools' forkjoin records at every P, those every thread joined."""
    return [m for m in p.across_p(FORKJOIN) if not is_serial(m) and m["unit"] == "ns"]


def series(p):
    """{target: [its fork-joins, P ascending]} of the pools whose every
    thread joined; {} unless the file holds forkjoin records at 2 P or more."""
    ms = [m for m in swept(p) if not not_joined(m)]
    if len({m["threads"] for m in ms}) < 2:
        return {}
    out = {}
    for m in sorted(ms, key=lambda m: m["threads"]):
        out.setdefault(label(m), []).append(m)
    return out


def slowest(m):
    """(what, value) of m's median, else its p99 (where recorded), past SLOW_NS; else None."""
    for field in ("median", "p99"):
        v = m.get(field)
        if isinstance(v, (int, float)) and v > SLOW_NS:
            return field, v
    return None


def p_head(p, ps):
    """A sweep table's header: the pool, then each P (marked past the cores)."""
    c = cores(p)
    return ["pool"] + [f"P={q}" + (" (oversubscribed)" if c and q > c else "") for q in ps]


def table(p):
    """(header, rows) of every pool's fork-join at each P of the sweep:
    'median [interval]' and the p99 of its single calls (where the per-call
    clock resolved it); None without a sweep. A P where a pool did not bring
    every thread in says so instead of a time."""
    ms = swept(p)
    ps = sorted({m["threads"] for m in ms})
    if len(ps) < 2:
        return None
    by = {}
    for m in ms:
        by.setdefault(label(m), {})[m["threads"]] = m
    head = p_head(p, ps)

    def one(m):
        if not m:
            return "-"
        if not_joined(m):
            return "not joined"
        p99 = m.get("p99")
        return (interval(m) + (f"; p99 {ns(p99)}" if isinstance(p99, (int, float)) else "")
                + (NOISY_MARK if noisy.job(p, m) else ""))
    return head, [[t] + [one(by[t].get(q)) for q in ps] for t in sorted(by)]


def breakeven_table(p):
    """(header, rows): each pool's break-even W (the smallest W of the grain
    sweep with median speedup >= 1 over the same run's serial loop at that
    P) at every P > 1 the file holds grain records for; None with fewer than 2."""
    # P = 1 left out: a pool of one thread runs inline, so its "speedup" is
    # two serial loops compared, and where it crosses 1 is noise.
    ms = [m for m in p.across_p("grain") if not is_serial(m) and m.get("speedup") is not None
          and m["threads"] > 1]
    ps = sorted({m["threads"] for m in ms})
    if len(ps) < 2:
        return None
    first = {}
    for m in ms:
        key = (label(m), m["threads"])
        first.setdefault(key, None)
        if m["speedup"] >= 1 and (first[key] is None or m["work_ns"] < first[key]):
            first[key] = m["work_ns"]
    head = p_head(p, ps)
    pools = sorted({t for t, _ in first})

    def one(t, q):
        if (t, q) not in first:
            return "-"
        w = first[(t, q)]
        return "never" if w is None else ns(w)
    return head, [[t] + [one(t, q) for q in ps] for t in pools]


def finding(name, p):
    """Sentences on platform p's sweep: how the best warm pool's fork-join
    grows from the smallest P to the largest, and whether oversubscription
    (P > logical cores) pushes any pool's past SLOW_NS; [] without a sweep."""
    s = series(p)
    if not s:
        return []
    ps = sorted({m["threads"] for rs in s.values() for m in rs})
    lo, hi = ps[0], ps[-1]
    out = []
    ends = {t: {m["threads"]: m for m in rs} for t, rs in s.items() if rs[0]["mode"] == "warm"}
    # The cheapest is a ranking: only pools whose two figures are clean.
    ends = {t: by for t, by in ends.items() if lo in by and hi in by
            and not noisy.job(p, by[lo]) and not noisy.job(p, by[hi])}
    if ends:
        t, by = min(ends.items(), key=lambda kv: kv[1][hi]["median"])
        a, b = by[lo], by[hi]
        growth = f" (x{b['median'] / a['median']:.1f})" if a["median"] > 0 else ""
        out.append(f"**{name}**: thread sweep (P = {', '.join(map(str, ps))}): the warm pool cheapest at P={hi}, "
                   f"`{t}`, forks and joins in {interval(a)} at P={lo} and {interval(b)} at P={hi}{growth}.")
    c = cores(p)
    if c and hi > c:
        over = [(m, slowest(m)) for rs in s.values() for m in rs if m["threads"] > c]
        slow = [(m, w) for m, w in over if w]
        said = (f"over {ns(SLOW_NS)}: " + ", ".join(f"`{label(m)}` at P={m['threads']} ({f} {ns(v)})"
                                                     for m, (f, v) in slow)
                if slow else f"no pool's fork-join over {ns(SLOW_NS)} (median, or p99 where recorded)")
        out.append(f"**{name}**: oversubscribed, P > {c} logical cores (up to P={hi}): {said}.")
    elif c:
        out.append(f"**{name}**: the thread sweep stays within the {c} logical cores (up to P={hi}): "
                   "no oversubscription measured.")
    short = sorted({f"`{label(m)}` at P={m['threads']}" for m in swept(p) if not_joined(m) and not p.at_run_p(m)})
    if short:
        out.append(f"**{name}**: in the thread sweep, not fork-join costs (threads missing): {', '.join(short)}.")
    return out
