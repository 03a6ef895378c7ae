#!/usr/bin/env python3
"""Checks records files against the contract (records/schema.json).

usage: check.py check FILE...             exit 0 if every file keeps the contract, else 2
       check.py stream --platform P FILE  validate lines from stdin for FILE: one answer
                                          line each, `ok` or `error FILE:LINE: what`
"""
import os
import sys

# The repository root: where the records package is found.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from records.contract import RecordError, load_schema  # noqa: E402
from records.reader import read_file, stream  # noqa: E402


def main(argv):
    if len(argv) >= 1 and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    try:
        contract = load_schema()
        if len(argv) >= 2 and argv[0] == "check":
            for f in argv[1:]:
                read_file(f, contract)
            return 0
        if len(argv) == 4 and argv[0] == "stream" and argv[1] == "--platform":
            if not contract.name.fullmatch(argv[2]):
                print(f"records: bad platform name {argv[2]!r}", file=sys.stderr)
                return 2
            stream(argv[2], argv[3], contract, sys.stdin.buffer, sys.stdout.buffer)
            return 0
    except RecordError as e:
        print(f"records: {e}", file=sys.stderr)
        return 2
    print("usage: check.py check FILE... | check.py stream --platform P FILE (see --help)",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
