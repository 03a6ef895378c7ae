"""The regression gate's verdicts for a report's baseline comparison: the
same U test and thresholds as `make gate` (poolbench_gate with
report/gate.conf), so a report compared with a baseline says what the gate
would, not only new/old. The gate is the C binary of the build; without it
the comparison keeps its ratios and says why there is no verdict."""
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "report", "gate.conf")


def gate_binary():
    """The gate to run: $POOLBENCH_GATE, else the default build's; None if absent."""
    path = os.environ.get("POOLBENCH_GATE") or os.path.join(ROOT, "build", "poolbench_gate")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def verdicts(baseline, current):
    """({gate key: {"verdict", "p", "change"}}, note): the gate's verdict per
    key comparing the run directories (or files) `baseline` and `current`,
    or ({}, why not) when the gate is missing or refuses the pair (another
    machine, an unusable file: its one-line reason)."""
    gate = gate_binary()
    if not gate:
        return {}, "no gate verdicts: build/poolbench_gate is missing (make build)"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "gate.json")
        try:
            r = subprocess.run([gate, "--config", CONFIG, "--json", out, baseline, "--", current],
                               capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            return {}, f"no gate verdicts: {e}"
        try:
            with open(out) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            why = (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
            return {}, f"no gate verdicts: {why}"
    if doc.get("error"):
        return {}, f"no gate verdicts: {doc['error']}"
    keys = {k["key"]: {"verdict": k["verdict"], "p": k.get("p"), "change": k.get("change")}
            for k in doc.get("keys", []) if isinstance(k, dict) and isinstance(k.get("key"), str)}
    return keys, f"gate: {doc.get('verdict', '?')} (exit {doc.get('exit_code', '?')})"


def gate_key(platform, m):
    """The gate's key of measurement m: platform/scenario/backend/mode/threads/items/work_ns."""
    w = m["work_ns"]
    w = int(w) if float(w).is_integer() else w
    return f"{platform}/{m['scenario']}/{m['backend']}/{m['mode']}/{m['threads']}/{m['items']}/{w}"
