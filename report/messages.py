"""How the report's programs say what went wrong: input quoted as every
reader quotes it (records/quote.py), bad options in one line."""
import argparse
import os
import sys

# The repository root: where the records package (the contract) is found.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from records.quote import escaped, quoted, where  # noqa: E402,F401


class OneLineParser(argparse.ArgumentParser):
    """Bad options are one line and exit 2 (not the usage block); argparse
    puts the arguments into its message, so the whole message is escaped."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {escaped(message)} (see --help)\n")
