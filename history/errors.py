"""What the history's tools raise: one line, and the exit status a command
ends with (2: the input is refused, 1: the database failed us)."""
import re


class HistoryError(Exception):
    """A history that cannot be used; str() is the one-line message."""

    def __init__(self, message, status=1):
        # A driver's message may span lines or quote the input: one line, no
        # control characters, whatever it holds.
        super().__init__(re.sub(r"[\x00-\x1f\x7f]", "?", " ".join(str(message).split())))
        self.status = status


class Refused(HistoryError):
    """Input that is not what it claims: a records file the contract
    refuses, a database that is not a poolbench history."""

    def __init__(self, message):
        super().__init__(message, status=2)
