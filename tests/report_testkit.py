"""What the report's tests (test_report*.py) share: the paths, a fresh
directory per case, running the report's programs, and the checks on what
they write (SVG series, error bars, interactive plots, a run called noisy)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REPORT_DIR = os.path.join(ROOT, "report")
REPORT = os.path.join(REPORT_DIR, "report.py")
TARGETS = os.path.join(REPORT_DIR, "targets.py")
PLATFORMS = os.path.join(REPORT_DIR, "platforms.py")
FIXTURE = os.path.join(HERE, "fixtures", "run")
FIXTURE_FJ = os.path.join(HERE, "fixtures", "run_forkjoin")
FIXTURE_BUSY = os.path.join(HERE, "fixtures", "run_busy")
# The second fixture's native and Chromium records on another machine (an
# EPYC 7B13 named bench-b), the Chromium run on a Grid node of 8 cores.
FIXTURE_B = os.path.join(HERE, "fixtures", "run_machine_b")
sys.path.insert(0, REPORT_DIR)
sys.path.insert(0, HERE)
from summary_md import read as unmd  # noqa: E402  (summary.md as shown)

# The report's programs see the tests' helpers too (summary_md, test_targets).
ENV = dict(os.environ, PYTHONPATH=HERE + (":" + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""))

# Whether a report calls anything noisy: the banner, the trust line, a cell,
# a verdict row, a finding, or a non-zero count of noisy jobs (the trust
# line always counts them, "0 of N").
NOISY = re.compile(r"\*\*noisy run\*\*|\*\*Noisy\*\*|\(noisy|no verdict: noisy|not ranked, noisy"
                   r"| [1-9][0-9]* of [0-9]+ (jobs|figures) noisy|<b>noisy run</b>")

ANY = object()  # a shell glob's '*' in like()


def like(text, *parts):
    """text matches the shell pattern made of literal parts and ANY."""
    rx = "".join(".*" if p is ANY else re.escape(p) for p in parts)
    return re.fullmatch(rx, text, re.S) is not None


def lines(text, pattern):
    """The lines of text that match pattern (grep)."""
    return [l for l in text.splitlines() if re.search(pattern, l)]


def section(md, heading):
    """The text of summary.md's section '## heading', up to the next '## '."""
    parts = md.split(f"\n## {heading}\n")
    return parts[1].split("\n## ")[0] if len(parts) > 1 else ""


def cells(text):
    """The body rows of the Markdown tables in text, each a list of cells
    (head rows, those after which a |---| line comes, left out)."""
    ls = text.splitlines()
    return [[c.strip() for c in l.split("|")[1:-1]] for i, l in enumerate(ls)
            if l.startswith("| ") and not (i + 1 < len(ls) and ls[i + 1].startswith("|---"))]


def slurp(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def ndjson(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def write_ndjson(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(r) + "\n" for r in recs))


def called_noisy(*texts):
    return any(NOISY.search(t) for t in texts)


def one_line(err):
    """An error message of exactly one non-empty line (grep -c . == 1)."""
    return sum(1 for l in err.split("\n") if l) == 1


class TempDirCase(unittest.TestCase):
    """One case: a fresh directory self.d, removed afterwards (the report's
    and the history's tests alike)."""
    maxDiff = None
    prefix = "poolbench-test-"

    def setUp(self):
        self.d = tempfile.mkdtemp(prefix=self.prefix)
        self.addCleanup(shutil.rmtree, self.d, True)

    def path(self, *parts):
        return os.path.join(self.d, *parts)

    def mkdir(self, *parts):
        p = self.path(*parts)
        os.makedirs(p, exist_ok=True)
        return p


class ReportCase(TempDirCase):
    prefix = "poolbench-report-"

    def py(self, *args, merge=False):
        """python3 ARGS: the completed process (stdout, stderr as text)."""
        return subprocess.run([sys.executable, *args], env=ENV, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge else subprocess.PIPE,
                              encoding="utf-8", errors="surrogateescape", timeout=300)

    def report_ok(self, *args, what="report failed", env=None):
        """report.py ARGS, which must exit 0 (else its stderr is the failure)."""
        if env:
            p = subprocess.run([sys.executable, REPORT, *args], env=dict(ENV, **env), stdin=subprocess.DEVNULL,
                               capture_output=True, encoding="utf-8", errors="surrogateescape", timeout=300)
        else:
            p = self.py(REPORT, *args)
        if p.returncode != 0:
            self.fail(f"{what}: exit {p.returncode}\n{p.stdout}{p.stderr}")
        return p

    def assertNonEmpty(self, path, msg):
        self.assertTrue(os.path.isfile(path) and os.path.getsize(path) > 0, msg)

    def assertGrep(self, pattern, text, msg=None, flags=0):
        self.assertRegex(text, re.compile(pattern, re.M | flags), msg)

    def assertNoGrep(self, pattern, text, msg=None, flags=0):
        self.assertNotRegex(text, re.compile(pattern, re.M | flags), msg)

    def svg_has(self, path, *names):
        """The SVG is XML and its text names every series."""
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as e:
            self.fail(f"{path} is not XML: {e}")
        text = " ".join(t for t in root.itertext())
        missing = [n for n in names if n not in text]
        self.assertFalse(missing, f"{path} lacks series {missing}")

    def svg_errorbars(self, path, least):
        """Error bars drawn in an SVG: a vertical stroke with a cap at each end
        (gnuplot's yerrorbars/yerrorlines); an axis tic or a grid line has no caps."""
        segs = [tuple(map(float, m)) for m in re.findall(
            r"M([-0-9.]+),([-0-9.]+) L([-0-9.]+),([-0-9.]+)", slurp(path))]
        bars = sum(1 for i in range(len(segs) - 2)
                   if segs[i][0] == segs[i][2] and segs[i][1] != segs[i][3]
                   and {segs[i + 1][1], segs[i + 2][1]} == {segs[i][1], segs[i][3]}
                   and all(c[1] == c[3] and c[0] < segs[i][0] < c[2] for c in segs[i + 1:i + 3]))
        self.assertGreaterEqual(bars, least, f"{path} has {bars} error bars, want >= {least}")

    def plots_interactive(self, d, *names):
        """Plots at their fixed names (DIR/NAME.svg, .png, .gp), each SVG with
        gnuplot's mouse script (a click on a legend entry hides the series),
        every panel's legend outside its graph (set in the script, so no data
        point can sit under it) and at most 7 series a panel."""
        for n in names:
            for ext in ("svg", "png", "gp"):
                self.assertNonEmpty(os.path.join(d, f"{n}.{ext}"), f"plots/{n}.{ext} missing")
            svg = slurp(os.path.join(d, n + ".svg"))
            ET.fromstring(svg.encode())
            self.assertTrue("gnuplot_svg" in svg and "toggleVisibility" in svg and "<script" in svg,
                            f"{n}.svg has no mouse script")
            gp = slurp(os.path.join(d, n + ".gp"))
            self.assertNotIn("set key inside", gp, f"{n}.gp puts a legend inside the graph")
            key, plots = None, 0
            gl = gp.split("\n")
            for i, line in enumerate(gl):
                if line.startswith(("set key", "unset key")):
                    key = line
                if line.startswith("plot "):
                    plots += 1
                    self.assertTrue(key and ("outside" in key or key.startswith("unset")),
                                    f"{n}.gp panel {plots}: legend not outside ({key})")
                    cmd, j = line, i
                    while cmd.endswith("\\"):
                        j += 1
                        cmd = cmd[:-1] + gl[j]
                    titled = len(re.findall(r"(?<!no)title '", cmd))
                    self.assertLessEqual(titled, 7, f"{n}.gp panel {plots}: {titled} series")
            self.assertTrue(plots, f"{n}.gp plots nothing")


def main(cases):
    """usage: PROGRAM CASE: runs that case's tests (a ctest case each);
    without CASE, every case."""
    names = sys.argv[1:]
    unknown = [n for n in names if n not in cases]
    if unknown or len(names) > 1:
        print(f"usage: {os.path.basename(sys.argv[0])} [{'|'.join(cases)}]", file=sys.stderr)
        sys.exit(2)
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite(loader.loadTestsFromTestCase(cases[n]) for n in (names or cases))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
