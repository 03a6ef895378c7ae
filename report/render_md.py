"""The report document as Markdown (summary.md)."""
import html

from document import Findings, Heading, Note, Table
from vocab import CONTROL


def md_cell(text):
    """Text from records as one Markdown table cell: it cannot end the row
    or the cell, nor become HTML or code."""
    text = CONTROL.sub(" ", str(text))
    return html.escape(text, quote=False).replace("|", "\\|").replace("`", "\\`")


def md_table(head, rows):
    out = ["| " + " | ".join(md_cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def lines(block):
    if isinstance(block, Heading):
        return ["#" * block.level + " " + block.text]
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
