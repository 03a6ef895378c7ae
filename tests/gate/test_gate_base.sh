#!/usr/bin/env bash
# make gate BASE=<commit>: gate_run.sh --base builds that commit in a git
# worktree and runs its suite and this checkout's alternately. Checked here
# with BASE=HEAD, one run a side: both sides' records exist, the baseline's
# came from the worktree's binary, the gate gave a verdict (0 or 1: one run
# against one run can flag noise; 2 when it calls the run noisy); a bad
# commit is a one-line usage error.
# usage: test_gate_base.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
fail=0

msg=$(BUILD=$build bash scripts/gate_run.sh --platforms native --base no-such-commit-x --out "$tmp/bad" 2>&1); rc=$?
[[ $rc == 2 && $msg == *"not a commit"* && $(wc -l <<<"$msg") == 1 ]] ||
  { echo "FAIL: --base no-such-commit-x: exit $rc, '$msg' (want exit 2, one line)"; fail=1; }

BUILD=$build timeout 600 bash scripts/gate_run.sh --platforms native --runs 1 --base HEAD \
  --out "$tmp/ab" >"$tmp/out" 2>&1
rc=$?
# 2 only as the gate's own "undecided" (a noisy run on a busy machine)
[[ $rc == 0 || $rc == 1 || ($rc == 2 && $(grep -c 'undecided' "$tmp/out") -gt 0) ]] ||
  { echo "FAIL: gate_run --base HEAD exit $rc"; tail -5 "$tmp/out"; fail=1; }
for f in "$tmp/ab/base/native-1.ndjson" "$tmp/ab/native-1.ndjson" "$tmp/ab/gate.json"; do
  [[ -s $f ]] || { echo "FAIL: $f missing"; fail=1; }
done
head -1 "$tmp/ab/base/native-1.ndjson" 2>/dev/null | grep -q 'build-base/src/build/poolbench run' ||
  { echo "FAIL: the baseline run did not come from the worktree's build"; fail=1; }
grep -q "native run 1/1 of HEAD" "$tmp/out" || { echo "FAIL: no progress line for the baseline run"; fail=1; }
[[ $fail == 0 ]] && echo "ok: gate --base HEAD (exit $rc), bad commit refused"
exit $fail
