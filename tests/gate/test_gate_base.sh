#!/usr/bin/env bash
# make gate BASE=<commit>: gate_run.sh --base checks commit REV out in a git
# worktree (build-base/src, reused), builds it with REV's own Makefile, runs
# REV's suite and this checkout's in turns and gates the one on the other. Real
# runs on a shared machine may give any verdict, so both sides here are
# stand-ins writing a fixed run (tests/fixtures/run_forkjoin): REV is a
# commit made for the test (on no branch) whose Makefile builds a poolbench
# that writes the fixture; this checkout's writes it too, as it is (exit 0,
# clean) or with one key 2x slower in every sample (exit 1, that key alone
# named). Checked besides: the runs alternate, the baseline's records come
# from the worktree's build, both sides' records and gate.json are written;
# a bad commit is a one-line usage error.
# usage: test_gate_base.sh SOURCE_DIR BUILD_DIR
set -u
export HISTORY=none # stand-in runs never reach the history
src=$1 build=$2
tmp=$(mktemp -d)
wt=build-base/src
cd "$src" || exit 1
sha=
# The worktree of the test's commit goes with the test; anyone else's stays.
trap '[[ -n $sha && $(git -C "$wt" rev-parse HEAD 2>/dev/null) == "$sha" ]] &&
  { git worktree remove --force "$wt"; rm -f "$wt.build.log"; }; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

msg=$(BUILD=$build bash scripts/gate_run.sh --platforms native --base no-such-commit-x --out "$tmp/bad" 2>&1); rc=$?
[[ $rc == 2 && $msg == *"not a commit"* && $(wc -l <<<"$msg") == 1 ]] ||
  bad "--base no-such-commit-x: exit $rc, '$msg' (want exit 2, one line)"

# The stand-in: `poolbench run ... --out DIR` writes DIR/native.ndjson from
# the records.ndjson beside it, and logs how it was called.
standin='#!/usr/bin/env bash
here=$(dirname "$0") out=
echo "$0 $*" >>"$here/ran.log"
while [[ $# -gt 0 ]]; do [[ $1 == --out ]] && out=$2; shift; done
mkdir -p "$out" && cp "$here/records.ndjson" "$out/native.ndjson"
'
# build is phony: the worktree is reused, and may hold a build/ already.
makefile='.PHONY: build
build:
	mkdir -p $(BUILD) && cp poolbench records.ndjson $(BUILD)/ && chmod +x $(BUILD)/poolbench
'
fixture=tests/fixtures/run_forkjoin/native.ndjson
tree=$(printf '100644 blob %s\tMakefile\n100755 blob %s\tpoolbench\n100644 blob %s\trecords.ndjson\n' \
  "$(git hash-object -w --stdin <<<"$makefile")" "$(git hash-object -w --stdin <<<"$standin")" \
  "$(git hash-object -w "$fixture")" | git mktree) || { echo "FAIL: git mktree"; exit 1; }
# Fixed names and dates: the same commit every time, so its worktree is reused.
sha=$(GIT_AUTHOR_NAME=poolbench GIT_AUTHOR_EMAIL=gate.base@poolbench.test GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' \
  GIT_COMMITTER_NAME=poolbench GIT_COMMITTER_EMAIL=gate.base@poolbench.test GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
  git commit-tree "$tree" -m "gate.base: a stand-in baseline") || { echo "FAIL: git commit-tree"; exit 1; }

# This checkout's side: the same stand-in, the real gate.
mkdir "$tmp/cur"
printf '%s' "$standin" >"$tmp/cur/poolbench" && chmod +x "$tmp/cur/poolbench"
ln -s "$(cd "$build" && pwd)/poolbench_gate" "$tmp/cur/poolbench_gate"
cp "$fixture" "$tmp/cur/records.ndjson"

gate_base() { # CASE WANT_EXIT: two runs a side against $sha
  rm -f "$tmp/cur/ran.log" "$src/$wt/build/ran.log"
  BUILD=$tmp/cur timeout 120 bash scripts/gate_run.sh --platforms native --runs 2 --base "$sha" \
    --out "$tmp/$1" >"$tmp/$1.out" 2>&1
  rc=$?
  [[ $rc == "$2" ]] || { bad "$1: gate_run --base exit $rc, want $2"; tail -5 "$tmp/$1.out"; }
  for f in base/native-1.ndjson base/native-2.ndjson native-1.ndjson native-2.ndjson gate.json; do
    [[ -s $tmp/$1/$f ]] || bad "$1: $f missing"
  done
  # In turns, the baseline first: REV's run i, then this checkout's.
  local turns
  turns=$(grep -o 'native run [0-9]/2[^.]*' "$tmp/$1.out" | tr '\n' ,)
  [[ $turns == "native run 1/2 of $sha ,native run 1/2 ,native run 2/2 of $sha ,native run 2/2 ," ]] ||
    bad "$1: the runs are not in turns: $turns"
  # The baseline's runs came from the worktree's build, into the baseline's place.
  [[ $(grep -c "^$wt/build/poolbench run .*--out $tmp/$1/base/.run-native-[12]\$" "$src/$wt/build/ran.log" 2>/dev/null) == 2 &&
     $(grep -c -- "--out $tmp/$1/.run-native-[12]\$" "$tmp/cur/ran.log" 2>/dev/null) == 2 ]] ||
    bad "$1: the baseline's runs did not come from $wt/build: $(cat "$src/$wt/build/ran.log" 2>&1)"
}

gate_base clean 0
grep -q '"verdict":[[:space:]]*"clean"' "$tmp/clean/gate.json" || bad "clean: the JSON verdict is not clean"
grep -q '^REGRESSION' "$tmp/clean.out" && bad "clean: a regression between identical runs"

# One key 2x slower in every sample: the gate's U test and threshold cannot
# miss it, and nothing else moved.
python3 - "$fixture" "$tmp/cur/records.ndjson" <<'PY' || exit 1
import json, sys
out = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if (r.get("type"), r.get("scenario"), r.get("backend"), r.get("mode"), r.get("threads")) == \
            ("measurement", "forkjoin", "spin", "warm", 2):
        for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi"):
            r[k] *= 2
        r["samples"] = [v * 2 for v in r["samples"]]
    out.append(json.dumps(r) + "\n")
open(sys.argv[2], "w").write("".join(out))
PY
gate_base slow 1
regs=$(grep '^REGRESSION: ' "$tmp/slow.out")
[[ $regs == "REGRESSION: native/forkjoin/spin/warm/2/2/0 "* && $(wc -l <<<"$regs") == 1 ]] ||
  bad "slow: want native/forkjoin/spin/warm/2/2/0 alone as the regression: $regs"
grep -q '"verdict":[[:space:]]*"regression"' "$tmp/slow/gate.json" || bad "slow: the JSON verdict is not regression"

[[ $fail == 0 ]] && echo "ok: gate --base: identical sides clean (exit 0), a planted 2x key the one regression (exit 1)," \
  "the runs in turns, the baseline's from the worktree's build; a bad commit refused"
exit $fail
