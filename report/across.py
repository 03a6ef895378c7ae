"""Several runs, figure against figure: per platform and kind of work, the
verdict's figure of each run (the chosen pool's median), in its own run's
spin round trips (its own spin_pingpong, a Wasm platform's in its run's
native one: the unit that holds on every machine), and over the same platform's figure in the oldest run of the same
machine. A platform's first run on a machine is set against the oldest run
of another machine, and that ratio is N/A: figures of two machines are
never divided (they differ by more than any change of code)."""
from machines import differ
from references import usable_for
from tables import NOT_COMPARED
from verdict import WORK, choose, cost
from vocab import label

HEAD = ["platform", "work", "use", "cost [95% interval]", "in its own spin round trips", "against", "ratio"]
NOTE = ("Each run's verdict figure (the chosen pool's median) against the same platform's in the oldest run of "
        "the same machine (ratio: this / that); a platform's first run on a machine is set against another "
        "machine's, and that ratio is " + NOT_COMPARED + ": figures of two machines are not compared. Across "
        "machines, each figure in its own run's spin round trips (its own `spin_pingpong`; a Wasm platform's "
        "in its run's native one, a Wasm pingpong being no physical round trip) says what it costs on its own machine.")


def chosen(runs):
    """{(platform, work): [(Platform, the chosen measurement)]} over runs,
    in their order; only rows with a verdict."""
    out = {}
    for _, run in runs:
        for p in run.values():
            for work, scen, _ in WORK:
                fields, _ = choose(p, scen)
                if fields and fields.get("use"):
                    out.setdefault((p.header["platform"], work), []).append((p, fields["use"]))
    return out


def table(runs):
    """(head, rows) over runs [(path, {name: Platform})], oldest first; None
    when no platform has a verdict figure in two runs."""
    rows = []
    for (_, work), got in chosen(runs).items():
        if len(got) < 2:
            continue
        for i, (p, m) in enumerate(got):
            earlier = got[:i]
            ref = next((g for g in earlier if g[0].machine == p.machine), earlier[0] if earlier else None)
            rt, why = usable_for(p, m, "spin")
            in_rt = f"{m['median'] / rt:.2f}" if rt else f"N/A ({why})"
            if ref is None:
                against, ratio = "-", "-"
            else:
                against = ref[0].name
                ratio = NOT_COMPARED if differ(p, ref[0]) else f"{m['median'] / ref[1]['median']:.2f}"
            rows.append([p.name, work, label(m), cost(m), in_rt, against, ratio])
    return (HEAD, rows) if rows else None
