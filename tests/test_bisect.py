#!/usr/bin/env python3
"""make bisect (history/bisect.py) on a repository made for the test: this
working tree as commit 0, then 8 commits, of which commit 5 turns the
harness's delay injection on by default (harness/scenario_util.c: a parallel
call busy-waits DELAY_NS more unless POOLBENCH_INJECT_DELAY_NS says
otherwise), a change of the code, built and measured like any other.
Cases:
  usage   bad input is one line and exit 2, before anything is built: an
          unknown commit, GOOD not an ancestor of BAD, an unknown key, a
          mode gate_run does not know, a worktree with local changes; a
          step past its deadline ends at once, undecided (exit 3); and
          how a step is judged from the gate's row (history.bisect.judge);
  search  GOOD = commit 0 and BAD = commit 4 (neither delayed) do not
          differ (exit 1); GOOD = 0, BAD = 8: the bisection names commit 5,
          having judged commit 4 good and commit 6 bad (exit 0), and the
          commits after the first were built in one reused worktree, which
          rebuilt a few files a step.
The two worktrees are built first, at the test's own priority; the
bisections then measure as make bisect does, at nice -20 where the user may
(PRIORITY=0: not), and rebuild only what a step changes. A machine too
noisy for the gate to judge (exit 3, "noisy: ...", after the bisection's
own retries) skips the search (77), as gate.e2e does.
usage: test_bisect.py usage|search BUILD_DIR   (BUILD_DIR: the native build,
       with poolbench_gate)"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "native/forkjoin/spin/warm/2/2/0"
DELAY_NS = 20000  # ~30x a warm fork-join of 2 threads (~0.7 us): beyond any noise
SLOWED = 5  # the commit that turns the delay on
RUNS = 2  # per side and step: 40 samples a side, the gate needs 9
failures = []


def fail(msg):
    print(f"FAIL: {msg}")
    failures.append(msg)


def run(cmd, cwd, timeout=120, env=None):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=timeout, env=env)


def git(repo, *args):
    r = run(["git", *args], repo)
    if r.returncode:
        sys.exit(f"FAIL: git {' '.join(args)}: {(r.stderr or r.stdout).strip()}")
    return r.stdout.strip()


def snapshot(to):
    """This working tree (tracked and untracked files, not ignored ones) as
    commit 0 of a new repository at `to`, then commits 1..8; their shas."""
    tracked = run(["git", "ls-files", "-z"], SRC).stdout.split("\0")
    untracked = run(["git", "ls-files", "-z", "-o", "--exclude-standard"], SRC).stdout.split("\0")
    for rel in filter(None, tracked + untracked):
        src, dst = os.path.join(SRC, rel), os.path.join(to, rel)
        if not os.path.lexists(src) or (os.path.islink(src) and rel not in tracked):
            continue  # deleted, or a link of this checkout (node_modules)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    git(to, "init", "-q")
    git(to, "config", "user.name", "poolbench test")
    git(to, "config", "user.email", "bisect@poolbench.test")
    git(to, "add", "-A")
    git(to, "commit", "-q", "-m", "commit 0: the tree under test")
    shas = [git(to, "rev-parse", "HEAD")]
    util = os.path.join(to, "harness", "scenario_util.c")
    for i in range(1, 9):
        with open(os.path.join(to, "bisect-test.txt"), "a") as f:
            f.write(f"commit {i}\n")
        if i == SLOWED:
            text = open(util).read()
            # The knob's default when the variable is unset: 0 -> DELAY_NS.
            new, n = re.subn(r"(strtoull\(ns, NULL, 10\) : )0;", rf"\g<1>{DELAY_NS};", text)
            if n != 1:
                sys.exit(f"FAIL: {util}: the injection's default (strtoull(ns, NULL, 10) : 0;) "
                         "is not there to change: update this test")
            open(util, "w").write(new)
        git(to, "add", "-A")
        git(to, "commit", "-q", "-m", f"commit {i}" + (": parallel calls slower" if i == SLOWED else ""))
        shas.append(git(to, "rev-parse", "HEAD"))
    return shas


def measuring_priority():
    """make's AT_PRIORITY: nice -n -20 where it lowers the niceness."""
    if os.environ.get("PRIORITY") == "0":
        return []
    r = run(["nice", "-n", "-20", "nice"], SRC)
    return ["nice", "-n", "-20"] if r.returncode == 0 and int(r.stdout) < os.nice(0) else []


def bisect(repo, build, good, bad, key=KEY, timeout=900, extra=(), priority=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith("POOLBENCH_INJECT_")}
    env.update(BUILD=build, HISTORY=os.path.join(os.path.dirname(repo), "history.sqlite"))
    out = os.path.join(os.path.dirname(repo), f"out-{good[:7]}-{bad[:7]}-{len(os.listdir(os.path.dirname(repo)))}")
    cmd = [*priority, sys.executable, "-m", "history.bisect", "--good", good, "--bad", bad, "--key", key,
           "--runs", str(RUNS), "--retries", "3", "--step-deadline", "400", "--out", out, *extra]
    r = run(cmd, repo, timeout=timeout, env=env)
    doc = None
    if os.path.exists(os.path.join(out, "bisect.json")):
        with open(os.path.join(out, "bisect.json")) as f:
            doc = json.load(f)
    return r, doc


def refused(what, r, want):
    """Exit 2 and the last line on stderr one line naming the problem."""
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    if r.returncode != 2 or want not in last or not last.startswith("bisect: "):
        fail(f"{what}: exit {r.returncode}, last line {last!r} (want exit 2 and {want!r})\n{r.stderr[-800:]}")
    elif "Traceback" in r.stderr:
        fail(f"{what}: a traceback\n{r.stderr}")


def case_usage(repo, build, shas):
    refused("unknown commit", bisect(repo, build, "no-such-commit", shas[8])[0], "not a commit")
    refused("GOOD after BAD", bisect(repo, build, shas[8], shas[0])[0], "not an ancestor")
    refused("unknown backend", bisect(repo, build, shas[0], shas[8], key="native/forkjoin/nope/warm/2/2/0")[0],
            "unknown backend")
    refused("short key", bisect(repo, build, shas[0], shas[8], key="native/forkjoin")[0], "expected platform/")
    refused("unknown mode", bisect(repo, build, shas[0], shas[8], key="native/forkjoin/spin/tepid/2/2/0")[0],
            "mode must be")
    wt = os.path.join(repo, "build-head", "src")
    git(repo, "worktree", "add", "-q", "--detach", wt, shas[0])
    with open(os.path.join(wt, "README.md"), "a") as f:
        f.write("a local change\n")
    refused("dirty worktree", bisect(repo, build, shas[0], shas[8])[0], "has local changes")
    if os.path.exists(os.path.join(repo, "build-base", "src")):
        fail("the baseline was checked out although the input was refused")
    git(wt, "checkout", "--", "README.md")

    # A step past its deadline (here: the first build) ends gate_run and its
    # build at once: undecided, exit 3, saying so.
    t0 = time.monotonic()
    r, doc = bisect(repo, build, shas[0], shas[8], extra=("--step-deadline", "3"))
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    if r.returncode != 3 or "deadline of 3 s" not in last or time.monotonic() - t0 > 40:
        fail(f"deadline: exit {r.returncode} after {time.monotonic() - t0:.0f} s, last line {last!r}"
             f" (want exit 3 and the deadline within 40 s)\n{r.stderr[-800:]}")
    elif not doc or doc.get("result") != "undecided":
        fail(f"deadline: bisect.json says {doc and doc.get('result')!r}, want undecided")

    sys.path.insert(0, repo)
    from history.bisect import BAD, GOOD, UNSURE, judge

    def row(verdict, change, **more):
        return {"verdict": verdict, "change": change, **more}
    for r, want in ((row("regression", 1.0), BAD), (row("regression", 0.5), BAD), (row("ok", 0.02), GOOD),
                    (row("ok", -0.1), GOOD), (row("regression", 0.2), UNSURE), (row("ok", 0.6), UNSURE),
                    (row("improvement", -0.3), UNSURE),
                    (row("insufficient", None, reason="noisy: x"), UNSURE)):
        got = judge(r, "regression", 1.0)
        if got[0] != want:
            fail(f"judge({r}) against a +100% regression: {got}, want {want}")
    if judge(row("insufficient", None, reason="noisy: x"), "regression", 1.0)[1] != "noisy: x":
        fail("an insufficient step does not carry the gate's reason")
    if judge(row("improvement", -0.5), "improvement", -0.6)[0] != BAD:
        fail("an improvement most of the way is not like BAD")


def noisy_skip(r, doc):
    if r.returncode == 3 and doc and any(str(s.get("reason") or "").startswith("noisy:") for s in doc["steps"]):
        print(f"SKIP: the machine was too noisy for the gate to judge a step: {r.stdout.strip().splitlines()[-1]}")
        sys.exit(77)


def prebuild(repo, shas):
    """GOOD's worktree and the one of the other commits, as gate_run makes
    them, built once: the bisections reuse them."""
    for tree, sha in (("build-base/src", shas[0]), ("build-head/src", shas[4])):
        git(repo, "worktree", "add", "-q", "--detach", tree, sha)
        r = run(["make", "-C", tree, "--no-print-directory", "BUILD=build", "BUILD_TARGETS=poolbench", "build"],
                repo, timeout=600)
        if r.returncode:
            sys.exit(f"FAIL: make build in {tree}: {(r.stderr or r.stdout)[-1500:]}")


def case_search(repo, build, shas):
    prebuild(repo, shas)
    priority = measuring_priority()
    # Two commits without the delay: nothing to look for.
    r, doc = bisect(repo, build, shas[0], shas[4], priority=priority)
    noisy_skip(r, doc)
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    if r.returncode != 1 or "GOOD and BAD do not differ on " + KEY not in last:
        fail(f"flat history: exit {r.returncode}, last line {last!r}\n{r.stdout}{r.stderr[-1500:]}")

    r, doc = bisect(repo, build, shas[0], shas[8], priority=priority)
    noisy_skip(r, doc)
    print(r.stdout)
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    names = {sha: f"commit {i}" for i, sha in enumerate(shas)}
    if r.returncode != 0 or doc is None or doc.get("first_bad") != shas[SLOWED] \
            or not last.startswith(f"bisect: first bad commit: {shas[SLOWED]} "):
        got = names.get((doc or {}).get("first_bad"), (doc or {}).get("first_bad"))
        fail(f"the bisection named {got!r} (exit {r.returncode}), want commit {SLOWED}\n{r.stderr[-3000:]}")
        return
    judged = {names[s["commit"]]: s["verdict"] for s in doc["steps"]}
    want = {"commit 8": "bad", "commit 4": "good", "commit 6": "bad", "commit 5": "bad"}
    if judged != want:
        fail(f"the steps judged {judged}, want {want}")
    steps = [line for line in r.stdout.splitlines() if line.startswith("bisect: step ")]
    if len(steps) != 3 or not all(" -> " in s and ", p = " in s for s in steps):
        fail(f"want 3 step lines with the medians and p: {steps}")
    # One worktree for every commit after GOOD, checked out anew each step:
    # the last build (commit 5 after commit 6) recompiled a few files.
    trees = [line.split()[1] for line in git(repo, "worktree", "list", "--porcelain").splitlines()
             if line.startswith("worktree ")]
    if sorted(os.path.relpath(t, repo) for t in trees[1:]) != ["build-base/src", "build-head/src"]:
        fail(f"want the two worktrees build-base/src and build-head/src: {trees}")
    with open(os.path.join(repo, "build-head", "src.build.log")) as f:
        compiled = [line for line in f if re.search(r"Building C(XX)? object", line)]
    if not 1 <= len(compiled) <= 4:
        fail(f"the last step's build compiled {len(compiled)} files, want 1..4 (scenario_util.c, harness.c):"
             f" {compiled[:8]}")
    # Each side of each measurement went into the history, as the bisection's.
    r = run([sys.executable, "-m", "history.cli", "list"], repo,
            env=dict(os.environ, HISTORY=os.path.join(os.path.dirname(repo), "history.sqlite")))
    sources = [line.split()[2] for line in r.stdout.splitlines() if re.match(r"\s*\d+\s", line)]
    if r.returncode or len(sources) < 2 * 5 or set(sources) != {"bisect"}:
        fail(f"the history holds runs of {sorted(set(sources))} ({len(sources)}), want >= 10, all bisect:"
             f" {(r.stdout + r.stderr)[-800:]}")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("usage", "search"):
        sys.exit("usage: test_bisect.py usage|search BUILD_DIR")
    case, build = sys.argv[1], os.path.abspath(sys.argv[2])
    if not os.access(os.path.join(build, "poolbench_gate"), os.X_OK):
        # As tests/require.sh's `missing`: make test builds it, so there it fails.
        if os.environ.get("POOLBENCH_REQUIRE_ALL") == "1":
            sys.exit(f"FAIL: {build}/poolbench_gate is missing (make test provides it: POOLBENCH_REQUIRE_ALL=1)")
        print(f"SKIP: {build}/poolbench_gate is missing (make build)")
        sys.exit(77)
    if shutil.which("git") is None or run(["git", "rev-parse", "--git-dir"], SRC).returncode:
        print("SKIP: not a git checkout, or no git")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="bisect-test-")
    try:
        repo = os.path.join(tmp, "repo")
        os.makedirs(repo)
        shas = snapshot(repo)
        (case_usage if case == "usage" else case_search)(repo, build, shas)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        sys.exit(1)
    print(f"ok: bisect {case}")


if __name__ == "__main__":
    main()
