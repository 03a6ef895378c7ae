"""The report document as one self-contained HTML page (index.html): every
text escaped, plots embedded as SVG."""
import base64
import html

from document import Findings, Heading, Note, Plot, Table
from vocab import CONTROL

CSS = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td:first-child,th:first-child{text-align:left}
th{background:#f0f0f0}img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}
code{background:#f4f4f4;padding:0 3px}.note{color:#666;font-size:13px}"""


def esc(text, quote=True):
    """Text as HTML that shows it: markup escaped, control characters (ESC
    sequences from a record or a folder name) blanked."""
    return html.escape(CONTROL.sub(" ", str(text)), quote=quote)


def inline(text, quote=True):
    """Escaped text with its **bold** and `code` marks as HTML."""
    out, bold, code = [], False, False
    i = 0
    text = esc(text, quote=quote)
    while i < len(text):
        if text.startswith("**", i):
            out.append("</b>" if bold else "<b>")
            bold, i = not bold, i + 2
        elif text[i] == "`":
            out.append("</code>" if code else "<code>")
            code, i = not code, i + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def html_table(head, rows):
    h = "".join(f"<th>{esc(c)}</th>" for c in head)
    b = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{b}</tbody></table>"


def plot(p):
    with open(p.svg, "rb") as f:
        data = base64.b64encode(f.read()).decode()
    return (f"<h3 id='plot-{p.name}'>{esc(p.name.replace('_', ' '))}</h3><p class='note'>{esc(p.note)} "
            f"(<a href='plots/{p.name}.svg'>svg</a>: there a click on a legend entry hides its series; "
            f"<a href='plots/{p.name}.png'>png</a>)</p>"
            f"<img alt='{p.name}' src='data:image/svg+xml;base64,{data}'>")


def plot_link(name):
    """A finding's link to the plot that shows it (names are the report's own)."""
    return f" (<a href='#plot-{esc(name)}'>plot</a>)" if name else ""


def block(b):
    if isinstance(b, Heading):
        return f"<h{b.level}>{esc(b.text)}</h{b.level}>"
    if isinstance(b, Note):  # element text: quotes need no escaping there
        return f"<p class='note'>{inline(b.text, quote=False)}</p>"
    if isinstance(b, Findings):
        return "<ul>" + "".join(f"<li>{inline(f)}{plot_link(plot)}</li>" for f, plot in b.items) + "</ul>"
    if isinstance(b, Table):
        return html_table(b.head, b.rows)
    if isinstance(b, Plot):
        return plot(b)
    raise TypeError(f"no HTML for {type(b).__name__}")


def render(doc):
    body = "".join(block(b) for b in [Heading(1, doc.title)] + doc.blocks if b.only in (None, "html"))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(doc.title)}</title>"
            f"<style>{CSS}</style></head><body>{body}</body></html>\n")
