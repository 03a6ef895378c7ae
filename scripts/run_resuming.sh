#!/usr/bin/env bash
# Runs a poolbench program (natively, under Node, or through the browser
# driver) so that one hung job never costs the rest of the stage: when it
# exits 3 (the watchdog: a job made no progress), the job's number is read
# from the watchdog record it wrote, and the same command goes on in a fresh
# process with `--append --skip-jobs N` (the hung process's threads die with
# it). The stage still exits 3 at the end, naming the hung jobs.
# usage: run_resuming.sh RECORDS -- COMMAND [ARGS...]
#   RECORDS  the records file the command writes (DIR/<platform>.ndjson)
set -u
usage() { echo "usage: run_resuming.sh RECORDS -- COMMAND [ARGS...]" >&2; exit 2; }
[[ $# -ge 3 && $2 == -- ]] || usage
records=$1
shift 2
MAX_RESUMES=5

# The job number in the file's last watchdog record, or nothing.
hung_job() {
  python3 - "$records" <<'PY'
import json, sys
job = None
try:
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if isinstance(r, dict) and r.get("type") == "watchdog":
                j = r.get("job")
                job = j if isinstance(j, int) and not isinstance(j, bool) and 0 < j < 10**6 else None
except OSError:
    pass
if job is not None:
    print(job)
PY
}

"$@"
rc=$?
hung=()
for ((i = 0; rc == 3 && i < MAX_RESUMES; i++)); do
  job=$(hung_job)
  [[ -n $job ]] || break
  # The same job twice: the watchdog record is an old one, nothing resumed.
  [[ ${#hung[@]} -gt 0 && ${hung[-1]} == "$job" ]] && break
  hung+=("$job")
  echo "run_resuming: job $job made no progress (its watchdog record is in $records); going on after it in a fresh process" >&2
  "$@" --append --skip-jobs "$job"
  rc=$?
done
if [[ ${#hung[@]} -gt 0 ]]; then
  echo "run_resuming: hung job(s) ${hung[*]} of $records were cut short (watchdog records); the rest ran" >&2
  [[ $rc -eq 0 ]] && rc=3
fi
exit $rc
