"""make bisect GOOD=<commit> BAD=<commit> KEY=<key>: the first commit of
GOOD..BAD at which a key changed as it did from GOOD to BAD.

usage: python3 -m history.bisect --good REV --bad REV --key KEY [--runs N]
                                 [--retries N] [--step-deadline S] [--out DIR]

KEY is a key of the gate (platform/scenario/backend/mode/threads/items/
work_ns, as gate.json names them), e.g. native/forkjoin/spin/warm/2/2/0.
Every measurement is the gate's A/B: scripts/gate_run.sh --base GOOD
--head C --key KEY builds both commits (GOOD in build-base/src, every other
one in build-head/src, a worktree checked out anew for each, so a step
rebuilds what differs), runs the key's scenario of each in turns, and
poolbench_gate judges C against GOOD (its U test and report/gate.conf's
thresholds).

First GOOD against BAD: the gate must find a change of KEY (a regression or
an improvement), else there is nothing to look for (exit 1). Then a binary
search over `git rev-list --first-parent GOOD..BAD`: a commit is
  bad        the gate finds the same change against GOOD, at least half of
             GOOD..BAD's (on a log scale);
  good       the gate finds no change, and it moved less than half;
  undecided  anything else: the gate could not judge (too few samples, a
             noisy machine: its reason), it moved but the gate cannot tell it
             from noise, it is only part of the way (the change may come in
             several commits), it moved the other way, or no verdict came
             within the step's deadline.
A step the gate calls noisy is measured again (--retries). Each step prints
the commit, GOOD's and its median, the change, p and the verdict; the last
line names the first bad commit, or says why there is none. The records and
the gate's verdicts of every step stay in DIR (00-good-vs-bad/, 01-<commit>/,
...), with bisect.json (the steps and the result); each side's records go
into the history (history/store.py) as a run of source "bisect" (HISTORY=
says where; HISTORY=none or NOHISTORY=1: not at all).

options:
  --good REV, --bad REV  the commits; GOOD must be an ancestor of BAD
  --key KEY              the key to follow
  --runs N               runs of each side per step (default 5, as the gate)
  --retries N            measurements again of a step the gate calls noisy
                         (default 1)
  --step-deadline S      seconds for one measurement, builds included
                         (default 1800)
  --out DIR              where the steps go (default results/bisect-<time>/;
                         an existing DIR must be empty)

exit: 0 the first bad commit named, 1 GOOD and BAD do not differ on KEY,
2 bad input (one line: an unknown commit, GOOD not an ancestor of BAD, an
unknown KEY, a worktree with local changes, a build of GOOD or BAD that
failed), 3 undecided.
"""
import argparse
import datetime
import json
import math
import os
import subprocess
import sys

from history import ab, gate_key
from records.quote import quoted, where

sys.path.insert(0, os.path.join(ab.ROOT, "report"))
import vocab  # noqa: E402  (report/ is a folder of modules, not a package)

FOUND, NO_CHANGE, USAGE, UNDECIDED = 0, 1, 2, 3
BAD, GOOD, UNSURE = "bad", "good", "undecided"
CHANGES = ("regression", "improvement")  # the gate's verdicts of a change
HISTORY_ADD = os.path.join(ab.ROOT, "scripts", "history_add.sh")


def die(msg, code=USAGE):
    print(f"bisect: {msg}", file=sys.stderr)
    sys.exit(code)


def say(line):
    """Progress: stderr, at once."""
    print(line, file=sys.stderr, flush=True)


def show(line):
    """A step or the result: stdout, at once."""
    print(line, flush=True)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        die(f"{message} (try --help)")

    def print_help(self, file=None):
        (file or sys.stdout).write(__doc__)


def parse_args(argv):
    p = Parser(prog="history.bisect", add_help=True)
    p.add_argument("--good", required=True)
    p.add_argument("--bad", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--retries", type=int, default=1)
    p.add_argument("--step-deadline", type=float, default=1800)
    p.add_argument("--out")
    a = p.parse_args(argv)
    if a.runs < 1:
        die("--runs must be 1 or more")
    if a.retries < 0:
        die("--retries must be 0 or more")
    if not a.step_deadline > 0:
        die("--step-deadline must be a number of seconds > 0")
    return a


def git(*args):
    r = subprocess.run(["git", *args], cwd=ab.ROOT, capture_output=True, text=True,
                       errors="replace", timeout=120)
    return r.returncode, r.stdout.strip()


def commit(rev, name):
    if not rev:
        die(f"{name} is empty: make bisect GOOD=<commit> BAD=<commit> KEY=<key>")
    rc, sha = git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if rc:
        die(f"{name} {quoted(rev)}: not a commit of this repository")
    return sha


def subject(sha):
    """The commit's subject, as a terminal line may show it."""
    return vocab.CONTROL.sub("?", git("log", "-1", "--format=%s", sha)[1])[:72]


def number(row, field):
    v = row.get(field)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def figures(row):
    """GOOD's and C's medians, the change and p, as a step line shows them."""
    change, p = number(row, "change"), number(row, "p")
    text = f"{vocab.ns(number(row, 'old_median'))} -> {vocab.ns(number(row, 'new_median'))}"
    text += f" ({change:+.1%})" if change is not None else ""
    return text + (f", p = {p:.2g}" if p is not None else ", p = -")


def judge(row, want, delta):
    """(BAD, GOOD or UNSURE, why) of a commit whose gate row against GOOD is
    row, when GOOD..BAD gave the gate verdict want with the change delta."""
    v, change = row.get("verdict"), number(row, "change")
    if v == "insufficient":
        return UNSURE, row.get("reason") or "the gate could not judge it"
    if v not in CHANGES + ("ok",) or change is None or change <= -1:
        return UNSURE, f"the gate's verdict is {v} without a change it can judge"
    half = math.log1p(delta) / 2  # GOOD..BAD's change halfway, on a log scale
    share = math.log1p(change) / half if half else math.inf
    if v == want and share >= 1:
        return BAD, f"like BAD ({want})"
    if v == "ok" and abs(share) < 1:
        return GOOD, "like GOOD"
    if v == want:
        return UNSURE, (f"it changed {change:+.1%}, less than half of GOOD..BAD's {delta:+.1%}: "
                        "the change may come in several commits")
    if v == "ok":
        return UNSURE, (f"it moved {change:+.1%}, over half of GOOD..BAD's {delta:+.1%}, "
                        "but the gate cannot tell that from noise")
    return UNSURE, f"it moved the other way ({v}, {change:+.1%})"


class History:
    """The run store: each measured side goes in with source "bisect",
    through scripts/history_add.sh, where make's targets store theirs (its
    switches: HISTORY=none, NOHISTORY=1, runs slowed on purpose; its
    deadline). Storing is a side effect, never the verdict: a store that
    fails is that script's one warning, and the search goes on."""

    def ingest(self, files):
        if not files:
            return
        try:
            subprocess.run(["bash", HISTORY_ADD, "bisect", *files], stdin=subprocess.DEVNULL, timeout=330)
        except (OSError, subprocess.TimeoutExpired) as e:
            say(f"bisect: warning: the runs are not kept in the history ({e.__class__.__name__}); going on")

    def close(self):
        pass


class Bisection:
    def __init__(self, args, good, bad, key, out):
        self.args, self.good, self.bad, self.key, self.out = args, good, bad, key, out
        self.history = History()
        self.steps = []

    def measure(self, sha, name):
        """GOOD against sha, again while the gate calls it noisy (--retries)."""
        for attempt in range(self.args.retries + 1):
            d = os.path.join(self.out, name + (f"-again{attempt}" if attempt else ""))
            o = ab.measure(self.good, sha, self.key, runs=self.args.runs, out=d,
                           deadline_s=self.args.step_deadline, say=say)
            self.history.ingest(o.base_files)
            self.history.ingest(o.head_files)
            if not (o.row and o.row.get("verdict") == "insufficient") or attempt == self.args.retries:
                return o
            say(f"bisect: {sha[:12]}: the gate could not judge it ({o.row.get('reason')}); measuring again")

    def note(self, sha, o, verdict, why):
        row = o.row or {}
        self.steps.append({"commit": sha, "dir": o.out, "gate_verdict": row.get("verdict"),
                           "old_median": number(row, "old_median"),
                           "new_median": number(row, "new_median"),
                           "change": number(row, "change"), "p": number(row, "p"),
                           "verdict": verdict, "reason": why})

    def finish(self, result, line, code, **extra):
        """The last line, bisect.json (written whole or not at all), the exit."""
        doc = {"type": "bisect", "key": self.key, "good": self.good, "bad": self.bad,
               "result": result, **extra, "steps": self.steps}
        path = os.path.join(self.out, "bisect.json")
        try:
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=1)
            os.replace(path + ".tmp", path)
        except OSError as e:
            say(f"bisect: cannot write {where(path)}: {e.strerror}")
        self.history.close()
        (say if code == USAGE else show)(line)  # bad input: stderr, as die() says it
        return code

    def run(self, cands):
        good12, bad12, key = self.good[:12], self.bad[:12], self.key
        steps = math.ceil(math.log2(len(cands))) if len(cands) > 1 else 0
        count = len(cands)
        show(f"bisect: {key}: {count} commit{'s' * (count != 1)} after GOOD {good12} up to BAD {bad12}; "
             f"GOOD vs BAD first, then about {steps} step{'s' * (steps != 1)} of "
             f"{self.args.runs} run{'s' * (self.args.runs != 1)} a side")
        o = self.measure(self.bad, "00-good-vs-bad")
        if o.row is None:
            self.note(self.bad, o, UNSURE, o.error)
            # The runs lack the key, or nothing ran: gate_run refused the key,
            # a commit or a worktree, or a build of GOOD or BAD failed.
            unusable = o.no_key or not (o.timed_out or o.base_files or o.head_files)
            if unusable:
                return self.finish("refused", f"bisect: GOOD vs BAD: {o.error}", USAGE)
            return self.finish(UNSURE, f"bisect: undecided: GOOD vs BAD: {o.error}", UNDECIDED)
        v, delta = o.row.get("verdict"), number(o.row, "change")
        show(f"bisect: GOOD {good12} vs BAD {bad12}: {figures(o.row)}: {v}")
        if v == "ok":
            self.note(self.bad, o, GOOD, "the gate finds no change")
            return self.finish("no_change", f"bisect: GOOD and BAD do not differ on {key} ({figures(o.row)})",
                               NO_CHANGE)
        if v in ("reference", "ignored"):
            why = ("a same-run reference, never judged" if v == "reference" else
                   f"the gate does not judge it (threshold off: {o.row.get('threshold_from')})")
            self.note(self.bad, o, UNSURE, why)
            return self.finish("refused", f"bisect: {key}: {why}: choose a key the gate judges", USAGE)
        if v not in CHANGES or delta is None or delta <= -1:
            why = o.row.get("reason") or f"the gate's verdict is {v}"
            self.note(self.bad, o, UNSURE, why)
            return self.finish(UNSURE, f"bisect: undecided: GOOD vs BAD cannot be judged: {why}", UNDECIDED)
        self.note(self.bad, o, BAD, f"the gate finds a {v}")

        lo, hi = -1, len(cands) - 1  # cands[lo] is like GOOD (-1: GOOD), cands[hi] like BAD
        n = 0
        while hi - lo > 1:
            mid, n = (lo + hi) // 2, n + 1
            sha = cands[mid]
            o = self.measure(sha, f"{n:02d}-{sha[:12]}")
            if o.row is None:
                verdict, why = UNSURE, o.error
            else:
                verdict, why = judge(o.row, v, delta)
            self.note(sha, o, verdict, why)
            if verdict == BAD:
                hi = mid
            elif verdict == GOOD:
                lo = mid
            left = hi - lo - 1
            shown = figures(o.row) if o.row else "no verdict"
            show(f"bisect: step {n}: {sha[:12]} {subject(sha)}: {shown}: {verdict}"
                 + (f" ({why})" if verdict == UNSURE else "")
                 + (f"; {left} commit{'s' * (left != 1)} left" if verdict != UNSURE else ""))
            if verdict == UNSURE:
                first, last = cands[lo + 1], cands[hi]
                return self.finish(UNSURE, f"bisect: undecided at {sha[:12]}: {why}; the first bad commit "
                                   f"is one of the {hi - lo} from {first[:12]} to {last[:12]}", UNDECIDED,
                                   range=[first, last])
        first = cands[hi]
        return self.finish("first_bad", f"bisect: first bad commit: {first} {subject(first)}", FOUND,
                           first_bad=first)


def out_dir(arg):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    out = os.path.abspath(arg) if arg else os.path.join(ab.ROOT, "results", f"bisect-{stamp}")
    try:
        if os.path.isdir(out) and os.listdir(out):
            die(f"{where(out)} is not empty: give --out a fresh directory")
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        die(f"cannot create {where(out)}: {e.strerror}")
    return out


def main(argv=None):
    args = parse_args(argv)
    good, bad = commit(args.good, "GOOD"), commit(args.bad, "BAD")
    if good == bad:
        die(f"GOOD and BAD are the same commit ({good[:12]})")
    if git("merge-base", "--is-ancestor", good, bad)[0]:
        die(f"GOOD {good[:12]} is not an ancestor of BAD {bad[:12]}")
    if not args.key:
        die("KEY is empty: make bisect GOOD=<commit> BAD=<commit> KEY=<key of the gate>")
    try:
        key = gate_key.parse(args.key)
    except gate_key.BadKey as e:
        die(str(e))
    rc, text = git("rev-list", "--first-parent", "--reverse", f"{good}..{bad}")
    cands = text.split()
    if rc or not cands or cands[-1] != bad:
        die(f"cannot list the commits of {good[:12]}..{bad[:12]}")
    b = Bisection(args, good, bad, key, out_dir(args.out))
    try:
        return b.run(cands)
    except KeyboardInterrupt:
        b.history.close()
        die("interrupted", 130)


if __name__ == "__main__":
    sys.exit(main())
