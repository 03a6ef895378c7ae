"""One A/B measurement of one key, the gate's way: scripts/gate_run.sh
builds two commits (each in its own worktree, reused from one call to the
next), runs their suites for the key in turns, and poolbench_gate judges
them (its U test and thresholds); this reads the key's row of gate.json.
gate_run's progress lines pass through, a heartbeat fills long silences,
and a deadline ends the whole process group."""
import glob
import json
import os
import queue
import signal
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GATE_RUN = os.path.join(ROOT, "scripts", "gate_run.sh")
HEARTBEAT_S = 30  # a line after this long without one from gate_run
KILL_GRACE_S = 10  # between SIGTERM and SIGKILL at the deadline


class Outcome:
    """What one measurement gave: row (the key's gate.json row) or error
    (one line: why there is none; no_key: the runs lack the key, timed_out:
    the deadline passed); the records of each side, for the store."""

    def __init__(self, out):
        self.out = out
        self.row = None
        self.error = None
        self.no_key = self.timed_out = False
        self.base_files = self.head_files = []

    def collect(self):
        """The records gate_run left: base/<platform>-<i>.ndjson, <platform>-<i>.ndjson."""
        self.base_files = sorted(glob.glob(os.path.join(self.out, "base", "*.ndjson")))
        self.head_files = sorted(glob.glob(os.path.join(self.out, "*.ndjson")))


def _why_missing(doc, key):
    """Why gate.json has no row for key (the lists it is in instead)."""
    for field, why in (("skipped", "its unit is not a time: the gate does not compare it"),
                       ("only_baseline", "only GOOD's runs measured it"),
                       ("only_current", "only the other commit's runs measured it")):
        if key in (doc.get(field) or []):
            return why
    same = sorted({r.get("key") for r in doc.get("keys", [])
                   if str(r.get("key", "")).rsplit("/", 3)[0] == key.rsplit("/", 3)[0]})
    hint = f" (measured: {', '.join(same[:6])})" if same else ""
    return f"no record of the runs has this key{hint}"


def _read_verdicts(o, key):
    path = os.path.join(o.out, "gate.json")
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        o.error = f"{path}: no verdicts ({e.__class__.__name__})"
        return
    if not isinstance(doc, dict):
        o.error = f"{path}: not the gate's verdicts"
    elif doc.get("verdict") == "unusable":
        o.error = f"the gate could not compare the runs: {doc.get('error')}"
    else:
        rows = [r for r in doc.get("keys", []) if isinstance(r, dict) and r.get("key") == key]
        if rows:
            o.row = rows[0]
        else:
            o.no_key = True
            o.error = f"{key}: {_why_missing(doc, key)}"


def _stop(proc):
    """Ends gate_run and everything it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def measure(base, head, key, *, runs, out, deadline_s, say):
    """gate_run.sh --base BASE --head HEAD --key KEY into OUT (a fresh
    directory); say(line) gets the progress. Returns an Outcome."""
    os.makedirs(out, exist_ok=True)
    cmd = ["bash", GATE_RUN, "--base", base, "--head", head, "--key", key,
           "--runs", str(runs), "--out", out]
    log_path = os.path.join(out, "gate_run.log")
    # The caller stores the two sides itself (gate_run would as "gate").
    env = dict(os.environ, NOHISTORY="1")
    o = Outcome(out)
    last = None
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.PIPE, text=True, errors="replace",
                                start_new_session=True)
        lines = queue.Queue()

        def pump():
            for line in proc.stderr:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        start = time.monotonic()
        try:
            while True:
                left = deadline_s - (time.monotonic() - start)
                if left <= 0:
                    _stop(proc)
                    o.timed_out = True
                    o.error = f"no verdict within the step's deadline of {deadline_s:.0f} s (log: {log_path})"
                    break
                try:
                    line = lines.get(timeout=min(left, HEARTBEAT_S))
                except queue.Empty:
                    if time.monotonic() - start >= deadline_s:
                        continue  # the deadline's turn, above
                    say(f"  ... still at it ({time.monotonic() - start:.0f} s of at most {deadline_s:.0f} s)")
                    continue
                if line is None:
                    break
                log.write(line + "\n")
                log.flush()
                say("  " + line)
                last = line or last
        except BaseException:
            _stop(proc)
            raise
        rc = proc.wait()
    o.collect()
    if o.error:
        return o
    if not os.path.exists(os.path.join(out, "gate.json")):
        # gate_run said why on its last line (exit 2): a bad commit or key,
        # a build or a run that failed.
        o.error = (last or f"gate_run exit {rc}").removeprefix("gate_run: ")
        o.error += "" if "log:" in o.error else f" (log: {log_path})"
        return o
    _read_verdicts(o, key)
    return o
