"""The report document as Markdown (summary.md)."""
import re

from document import Findings, Heading, Note, Table
from vocab import CONTROL

# Every character that can start Markdown syntax inline: a link or an image,
# HTML, emphasis, code, a table cell's end; and the backslash itself.
MD_SPECIAL = re.compile(r"([\\\[\]()!<>*_`|])")


def md_text(text):
    """Plain text (a heading, a table cell: record text, folder names) as
    Markdown that shows it as it is: one line, no link, image, HTML, mark
    or cell end, no heading where it starts a line."""
    text = MD_SPECIAL.sub(r"\\\1", CONTROL.sub(" ", str(text)))
    return re.sub(r"^(\s*)#", r"\1\\#", text)


def md_table(head, rows):
    out = ["| " + " | ".join(md_text(c) for c in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(md_text(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def lines(block):
    if isinstance(block, Heading):
        return ["#" * block.level + " " + md_text(block.text)]
    if isinstance(block, Note):
        return [block.text]
    if isinstance(block, Findings):
        return [f"- {f}" + (f" ([plot](plots/{plot}.svg))" if plot else "") for f, plot in block.items]
    if isinstance(block, Table):
        return [md_table(block.head, block.rows)]
    raise TypeError(f"no Markdown for {type(block).__name__}")


def render(doc):
    """Every block, each followed by an empty line."""
    out = []
    for b in [Heading(1, doc.title)] + doc.blocks:
        if b.only in (None, "md"):
            out += lines(b) + [""]
    return "\n".join(out)
