"""How a reader quotes input in a message: so that a message stays one line
and sends the terminal nothing (ESC sequences from a record or an argument).
The C programs (harness/quote.c) and the JS ones (bench/browser/quote.js)
quote alike."""
import re

# Bytes a message carries as they are: printable ASCII but the quote and the
# backslash, which are escaped like the newline and the tab.
PRINTABLE = frozenset(range(0x20, 0x7f)) - {ord("'"), ord("\\")}
ESCAPES = {ord("\n"): "\\n", ord("\t"): "\\t", ord("'"): "\\'", ord("\\"): "\\\\"}
PLAIN_PATH = re.compile(r"[A-Za-z0-9_.,:/+=@-]*")


def escaped(text):
    """text with every byte but printable ASCII as \\n, \\t or \\xNN (UTF-8)."""
    raw = text if isinstance(text, bytes) else str(text).encode("utf-8", "surrogateescape")
    return "".join(chr(b) if b in PRINTABLE else ESCAPES.get(b, f"\\x{b:02x}") for b in raw)


def quoted(text):
    """Input (an argument, a path, record text) as a message quotes it."""
    return f"'{escaped(text)}'"


def where(path):
    """A file named at the start of a message: as it is when plain, else quoted."""
    return path if PLAIN_PATH.fullmatch(str(path)) else quoted(path)
