"""summary.md as its reader sees it: the Markdown escapes undone (headings
and table cells escape every character that could start Markdown syntax), so
tests compare the text the report shows."""
import re
import sys

ESCAPED = re.compile(r"\\([][()!<>*_`|\\#])")


def read(path):
    with open(path, encoding="utf-8") as f:
        return ESCAPED.sub(r"\1", f.read())


if __name__ == "__main__":
    sys.stdout.write(read(sys.argv[1]))
