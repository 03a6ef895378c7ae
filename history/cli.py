"""The history's command: store runs' records, list what is stored.

usage: python3 -m history.cli add [--source S] [--history URL] [--timeout S] PATH...
       python3 -m history.cli list [--history URL] [--timeout S]
"""
import argparse
import os
import sys

from history import reading  # noqa: F401  (puts report/ on the path: the report's parser)
from history.errors import HistoryError
from history.store import TIMEOUT, open_store
from messages import OneLineParser  # noqa: E402
from records.quote import escaped, quoted, where

DESCRIPTION = """The performance history: every run's figures (median, 95% interval,
samples, flags, the report's noise verdict) per machine, platform and key, in
results/history.sqlite, or where HISTORY says (a path, or postgresql://... for
PostgreSQL, which needs `make setup-postgres`). `make bench`, `make bench-*`
and `make gate` add their runs when they end (HISTORY=none or NOHISTORY=1:
not)."""
EPILOG = """exit status: 0 done (also when the run was stored already); 2 usage, a
records file the contract refuses, or a database that is not a poolbench
history; 1 the database failed (locked past --timeout, PostgreSQL refused
the connection or went away). A failed `add` stores nothing of that run."""


def parser():
    p = OneLineParser(prog="history", description=DESCRIPTION, epilog=EPILOG,
                      formatter_class=argparse.RawDescriptionHelpFormatter)
    common = OneLineParser(add_help=False)
    common.add_argument("--history", metavar="URL", help="the history: a path, sqlite:PATH or postgresql://... "
                        "(default: $HISTORY, else results/history.sqlite)")
    common.add_argument("--timeout", metavar="S", type=float, default=TIMEOUT,
                        help=f"seconds to wait for a locked database or a server (default {TIMEOUT:g})")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    add = sub.add_parser("add", parents=[common], help="store runs (each directory is a run; files named "
                         "together are one run)", description="Stores runs: each DIR's *.ndjson files as one "
                         "run, and the FILEs named as one run (a gate side's runs). Every file is read through "
                         "the records contract first; a refused one stores nothing. A run stored already is "
                         "left as it is.")
    add.add_argument("--source", default="manual", help="what measured it: bench, gate, bisect, manual (default)")
    add.add_argument("paths", nargs="+", metavar="DIR|FILE")
    sub.add_parser("list", parents=[common], help="the runs stored, one line each",
                   description="The runs stored, one line each: id, start, source, commits, machines, "
                   "platforms, files, figures, what was ingested.")
    return p


def count(n, what):
    return f"{n} {what}" + ("" if n == 1 else "s")


def add(store, args):
    dirs = [p for p in args.paths if os.path.isdir(p)]
    files = [p for p in args.paths if not os.path.isdir(p)]
    for run in [[d] for d in dirs] + ([files] if files else []):
        run_id, added = store.ingest(run, source=args.source)
        r = next(r for r in store.runs() if r["id"] == run_id)
        what = " ".join(where(p) for p in run)
        if added:
            print(f"history: {what}: run {run_id} ({', '.join(r['platforms'])}; {count(r['files'], 'file')}, "
                  f"{count(r['figures'], 'figure')})")
        else:
            print(f"history: {what}: stored already (run {run_id})")


def show(store, _args):
    for r in store.runs():
        commits = ",".join(escaped(c) for c in r["commits"]) + (" (dirty)" if r["dirty"] else "")
        print(f"{r['id']:5d}  {escaped(r['start_time'])}  {escaped(r['source'])}  {commits}  "
              f"{','.join(r['machines'])}  {','.join(r['platforms'])}  {count(r['files'], 'file')}  "
              f"{count(r['figures'], 'figure')}  {quoted(r['label'])}")


def main(argv=None):
    args = parser().parse_args(argv)
    if not args.timeout > 0:
        print("history: --timeout must be positive (see --help)", file=sys.stderr)
        return 2
    try:
        with open_store(args.history, timeout=args.timeout) as store:
            (add if args.command == "add" else show)(store, args)
    except HistoryError as e:
        print(f"history: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("history: interrupted (nothing of the run being added was stored)", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
