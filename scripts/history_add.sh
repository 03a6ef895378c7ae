#!/usr/bin/env bash
# Adds a finished measurement to the performance history (history/): what
# `make bench`, `make bench-*` and scripts/gate_run.sh run when they end.
# It never changes its caller's outcome: a run not stored is a warning and
# exit 0, the measurement's own exit status stands.
# usage: scripts/history_add.sh SOURCE PATH...
#   SOURCE  what measured it (bench, gate)
#   PATH    a run directory (its *.ndjson are one run), or files: one run
# Off with HISTORY=none or NOHISTORY=1; off too when POOLBENCH_INJECT_DELAY_NS
# slowed the runs on purpose (a test of the gate, not the code's figures).
set -u
cd "$(dirname "$0")/.." || exit 0
[[ $# -ge 2 ]] || { echo "usage: scripts/history_add.sh SOURCE PATH..." >&2; exit 2; }
source=$1
shift
[[ ${HISTORY:-} == none || ${NOHISTORY:-0} != 0 ]] && exit 0
if [[ -n ${POOLBENCH_INJECT_DELAY_NS:-} && ${POOLBENCH_INJECT_DELAY_NS} != 0 ]]; then
  echo "history: not stored: POOLBENCH_INJECT_DELAY_NS slowed these runs on purpose" >&2
  exit 0
fi
paths=()
for p in "$@"; do
  if [[ -d $p ]]; then
    compgen -G "$p/*.ndjson" >/dev/null && paths+=("$p")
  elif [[ -f $p ]]; then
    paths+=("$p")
  fi
done
# A stage that failed before its first record left nothing to store.
((${#paths[@]})) || exit 0
# The store waits 30 s at most for a locked database or a server; the
# timeout backs that up, so the caller never hangs here.
if ! timeout -k 5 300 python3 -m history.cli add --source "$source" -- "${paths[@]}"; then
  echo "history: warning: this run is not in the history (the line above says why); make history-add RUN=... adds it later" >&2
fi
exit 0
