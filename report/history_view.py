"""The report's History section: the verdict's figures over the commits this
machine measured, from the history store (history/), with their change
points (history/trend.py). The report never fails for it: no history leaves
the section out; one that cannot be read or does not hold this run, with
one line on stderr."""
import os
import sys

from verdict import WORK, choose
from vocab import CONTROL


def picks(run):
    """{(platform, scenario, median)} of the run's verdict choices."""
    out = set()
    for name, p in run.items():
        for _, scenario, _ in WORK:
            fields, _ = choose(p, scenario)
            if fields and fields.get("use"):
                out.add((name, scenario, fields["use"]["median"]))
    return out


def locate(rows, chosen):
    """(machine, {(platform, key)}) of the chosen figures among the history's
    rows: the store keeps a record's median as it was read, so a row of the
    same platform, family and median is that figure, whatever the store's
    own key and machine names are. (None, None) unless one machine has them."""
    hits = [r for r in rows if (r["platform"], r["family"], r["median"]) in chosen]
    machines = {r["machine"] for r in hits}
    return (machines.pop(), {(r["platform"], r["key"]) for r in hits}) if len(machines) == 1 else (None, None)


def section(run, pdir):
    """The History blocks for the run ([] when there is none to show)."""
    from history import store as history_store, trend  # here: the tests put a store of their own
    url = os.environ.get("HISTORY") or None
    if url == "none":  # turned off on purpose (the history's own switch)
        return []
    if not url and not os.path.exists(history_store.DEFAULT):  # none kept yet: nothing to say
        return []
    chosen = picks(run)
    if not chosen:
        return []
    try:
        store = history_store.open_store(url)
        try:
            machine, keys = locate(store.series(), chosen)
            blocks = trend.section_blocks(store, machine, pdir, keys) if machine else None
        finally:
            store.close()
    except Exception as e:  # the store's errors, sqlite's, gnuplot's: none of them fails the report
        print(f"report: history left out: {CONTROL.sub('?', str(e))}", file=sys.stderr)
        return []
    if not machine:
        print("report: this run is not in the history: no History section", file=sys.stderr)
    return blocks or []
