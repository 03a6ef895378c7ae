#!/usr/bin/env python3
"""The hazard catalogue's verdict table, from `poolbench diagnose` records.

usage: diagnose.py DIAGNOSE_DIR [--node-stdout FILE]
Reads DIAGNOSE_DIR/<platform>.ndjson. With --node-stdout (what the Node run
printed), decides the console_loss hazard: the lines a pthread wrote with
console.log that reached stdout vs the same lines through the synchronous
sink, and appends that verdict to node.ndjson. Prints one row per platform
and hazard. Exit 2 on unusable input.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_model  # noqa: E402
from vocab import CONTROL  # noqa: E402


def console_verdict(node_file, stdout_file):
    """The console_loss record, or None when the Node run did not probe."""
    recs, _ = run_model.read_file(node_file, run_model.load_schema())
    sent = sum(1 for r in recs if r["type"] == "console_probe")
    if not sent:
        return None
    with open(stdout_file, encoding="utf-8", errors="replace") as f:
        seen = sum(1 for line in f if line.startswith("poolbench console line "))
    lost = sent - seen
    return {"type": "hazard", "platform": "node", "hazard": "console_loss",
            "verdict": "reproduced" if lost > 0 else "not reproduced",
            "evidence": f"a pthread wrote {sent} lines each way, then the program exited: "
                        f"{seen} of {sent} console.log lines reached stdout, {sent} of {sent} "
                        f"synchronous-sink lines reached the file",
            "console_lines": seen, "sink_lines": sent}


def main():
    args = sys.argv[1:]
    stdout_file = None
    if "--node-stdout" in args:
        i = args.index("--node-stdout")
        if i + 1 >= len(args):
            print("diagnose: --node-stdout needs a file", file=sys.stderr)
            return 2
        stdout_file = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1 or not os.path.isdir(args[0]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    d = args[0]
    node = os.path.join(d, "node.ndjson")
    try:
        rec = console_verdict(node, stdout_file) if stdout_file and os.path.exists(node) else None
        if rec:
            with open(node, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")
        run = run_model.load_run(d)
    except run_model.RecordError as e:
        print(f"diagnose: {e}", file=sys.stderr)
        return 2
    for p in run.values():
        decided = {h["hazard"] for h in p.hazards}
        for w in p.watchdogs:
            if w.get("scenario") == "hazard" and w.get("backend") not in decided:
                # The hazard hung the program; the watchdog's dump is the evidence.
                p.hazards.append({"hazard": w["backend"], "verdict": "reproduced",
                                  "evidence": f"no progress for {w['elapsed_s']:.1f} s: the watchdog "
                                              f"fired (deadline {w['deadline_s']:g} s, caller: "
                                              f"{w.get('caller') or 'not in a pool'}) and ended the run"})
    rows = [(p, r) for p in run for r in run[p].hazards]
    if not rows:
        print(f"diagnose: no hazard verdicts in {d}", file=sys.stderr)
        return 2
    print(f"\n{'platform':<14} {'hazard':<17} {'verdict':<15} evidence")
    for p, r in rows:
        evidence = CONTROL.sub("?", r["evidence"])  # free text: no terminal control codes
        print(f"{p:<14} {r['hazard']:<17} {r['verdict']:<15} {evidence}")
    return 1 if any(r["verdict"] == "error" for _, r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
