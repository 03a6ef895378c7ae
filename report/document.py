"""The report as a document: a title and blocks, built once and rendered to
HTML (render_html.py) and to Markdown (render_md.py). Text in blocks is
plain; each renderer escapes it for its format."""
from dataclasses import dataclass

# A block's `only` names the one format that shows it (None: both): the
# Markdown summary is for CI logs and pull requests, so it has no plots and
# no page notes.


@dataclass
class Heading:
    level: int
    text: str
    only: str = None


@dataclass
class Note:
    """A short remark under a section; `code` marks a name."""
    text: str
    only: str = None


@dataclass
class Findings:
    """Sentences from the records, with **bold** and `code` marks: each
    (text, the name of the plot that shows it, or None)."""
    items: list
    only: str = None


@dataclass
class Table:
    head: list
    rows: list
    only: str = None


@dataclass
class Plot:
    """A rendered plot: its name (plots/NAME.svg and .png), what it shows
    and the SVG file embedded in the page."""
    name: str
    note: str
    svg: str
    only: str = "html"


@dataclass
class Document:
    title: str
    blocks: list
