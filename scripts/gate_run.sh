#!/usr/bin/env bash
# The regression gate's own suite: a few short runs per platform, then either
# compared with results/baseline/ (exit: the gate's 0 clean, 1 regression,
# 2 unusable) or copied there (--refresh-baseline, what `make baseline` does).
set -u
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
usage: scripts/gate_run.sh [--platforms native,node] [--refresh-baseline]
                           [--runs N] [--baseline DIR] [--base REV] [--head REV]
                           [--key KEY] [--out DIR]

Runs the gate's suite (poolbench run --scenario
forkjoin,forkjoin_spaced,dispatch,grain --threads 2 --reps 21 --deadline 60, N times per
platform) into a fresh
results/gate-<time>/ (<platform>-<i>.ndjson), then
  without --refresh-baseline: compares it with the baseline using
    poolbench_gate --config report/gate.conf; writes gate.md and gate.json
    next to the records; exits with the gate's code (0 clean, 1 regression,
    2 unusable input or undecided);
  with --refresh-baseline: replaces the baseline's runs of these platforms;
  with --base REV: builds commit REV in build-base/src (a git worktree) and runs
    its suite and this checkout's alternately, run by run, on this machine,
    then compares REV (baseline) with this checkout: the way to gate on a
    machine the committed baseline was not measured on (the gate refuses
    to compare two machines); REV's records of an older schema version
    are relabelled where the schema allows it (records/upgrade.py);
  with --head REV: the current side is commit REV, built in build-head/src
    (a git worktree), not this checkout: with --base, two given commits.
  The worktrees stay and are only checked out anew: the next commit rebuilds
  only what differs (make bisect's steps); one with local changes is refused.
Several runs per side because on a shared machine most of the variance is
between runs; the gate pools them (see report/gate/compare.c).

  --platforms LIST  native and/or node (default native,node)
  --runs N          runs per platform and side (default 5; the baseline's
                    count may differ)
  --baseline DIR    the baseline (default results/baseline)
  --base REV        measure the baseline now, from commit REV (see above)
  --head REV        measure commit REV as the current side (see above)
  --key KEY         only what the key platform/scenario/backend/mode/threads/
                    items/work_ns (as gate.json names keys) needs: its
                    platform (instead of --platforms), scenario, backend
                    (and serial, the reference of grain at W > 0), mode and
                    P; the gate then compares those keys and the references
  --out DIR         where this run's records go (default results/gate-<time>)
Environment: BUILD (default build), BUILD_NODE (default build-node);
POOLBENCH_INJECT_DELAY_NS/POOLBENCH_INJECT_BACKEND reach the runs (tests);
HISTORY: where both sides' records are added at the end (scripts/history_add.sh;
none: not).
EOF
}

die() { echo "gate_run: $*" >&2; exit 2; }

platforms=native,node
refresh=0
runs=5
baseline=results/baseline
out=
base_rev=
head_rev=
key=
while [[ $# -gt 0 ]]; do
  case $1 in
    --platforms) [[ $# -ge 2 ]] || die "--platforms needs a value"; platforms=$2; shift 2 ;;
    --runs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive integer"; runs=$2; shift 2 ;;
    --baseline) [[ $# -ge 2 ]] || die "--baseline needs a directory"; baseline=${2%/}; shift 2 ;;
    --out) [[ $# -ge 2 ]] || die "--out needs a directory"; out=${2%/}; shift 2 ;;
    --base) [[ $# -ge 2 && -n $2 ]] || die "--base needs a commit"; base_rev=$2; shift 2 ;;
    --head) [[ $# -ge 2 && -n $2 ]] || die "--head needs a commit"; head_rev=$2; shift 2 ;;
    --key) [[ $# -ge 2 && -n $2 ]] || die "--key needs a key"; key=$2; shift 2 ;;
    --refresh-baseline) refresh=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done

build=${BUILD:-build}
build_node=${BUILD_NODE:-build-node}
# A minute per job, not the default 10 s: on a loaded machine a job runs
# long, and the gate must then answer "undecided", not die on the watchdog.
suite=(run --scenario forkjoin,forkjoin_spaced,dispatch,grain --threads 2 --reps 21 --deadline 60)
if [[ -n $key ]]; then
  IFS=/ read -r k_plat k_scen k_back k_mode k_threads k_items k_work k_more <<<"$key"
  [[ -n $k_work && -z $k_more ]] || die "--key $key: expected platform/scenario/backend/mode/threads/items/work_ns"
  [[ $k_threads =~ ^[1-9][0-9]*$ ]] || die "--key $key: threads must be a positive integer"
  platforms=$k_plat backends=$k_back
  # grain at W > 0 is normalized by the serial backend's record of that W
  # (report/gate/compare.c): its run must measure it too.
  [[ $k_scen == grain && $k_back != serial && $k_work != 0 ]] && backends+=,serial
  case $k_mode in
    warm|cold) mode_flag=(--"$k_mode") ;;
    default) mode_flag=() ;; # a backend without modes
    *) die "--key $key: mode must be warm, cold or default" ;;
  esac
  suite=(run --scenario "$k_scen" --backend "$backends" --threads "$k_threads" "${mode_flag[@]}"
    --reps 21 --deadline 60)
fi
IFS=, read -r -a plats <<<"$platforms"
[[ ${#plats[@]} -gt 0 ]] || die "--platforms is empty"
for p in "${plats[@]}"; do
  case $p in
    native) [[ -n $head_rev || -x $build/poolbench ]] || die "$build/poolbench is missing: run make build" ;;
    node) [[ -n $head_rev || -f $build_node/poolbench.js ]] || die "$build_node/poolbench.js is missing: run make build-node"
          command -v node >/dev/null || die "node is not installed: run make setup" ;;
    *) die "unknown platform '$p' (native, node)" ;;
  esac
done
gate=$build/poolbench_gate
[[ $refresh -eq 1 || -x $gate ]] || die "$gate is missing: run make build"
[[ -z $base_rev || $refresh -eq 0 ]] || die "--base and --refresh-baseline exclude each other"

# Whether DIR is the top of a worktree of this repository.
is_worktree() {
  [[ -e $1/.git && $(git -C "$1" rev-parse --show-toplevel 2>/dev/null) == "$(cd "$1" && pwd -P)" &&
     $(git -C "$1" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) == \
       "$(git rev-parse --path-format=absolute --git-common-dir)" ]]
}

# A commit's tree: REV checked out in the worktree WT. WT stays from one call
# to the next and is only checked out anew, so the next commit rebuilds what
# differs; local changes in it are refused, not lost. Both sides' trees are
# checked before either is built.
wt=build-base/src head_wt=build-head/src
for side in base head; do
  [[ $side == base ]] && rev=$base_rev tree=$wt || rev=$head_rev tree=$head_wt
  [[ -n $rev ]] || continue
  git rev-parse --verify --quiet "$rev^{commit}" >/dev/null || die "--$side $rev: not a commit of this repository"
  ! is_worktree "$tree" || [[ -z $(git -C "$tree" status --porcelain --untracked-files=no 2>/dev/null) ]] ||
    die "$tree has local changes: save what you need, then: git worktree remove --force $tree"
done
# ... then built there by REV's own Makefile (any commit builds as it did
# then), its poolbench alone.
build_commit() { # REV WT WHAT
  local sha t0=$SECONDS targets=(build)
  sha=$(git rev-parse --verify --quiet "$1^{commit}")
  if is_worktree "$2"; then
    git -C "$2" checkout --quiet --detach "$sha" >"$2.build.log" 2>&1 ||
      die "cannot check out $1 in $2 (log: $2.build.log)"
  else
    git worktree remove --force "$2" >/dev/null 2>&1; rm -rf "$2"; git worktree prune
    git worktree add --detach "$2" "$sha" >/dev/null 2>&1 || die "cannot check out $1 in $2"
    : >"$2.build.log"
  fi
  [[ ,$platforms, == *,node,* ]] && targets+=(build-node)
  echo "gate_run: building $3 $1$([[ $1 == "$sha" ]] || echo " (${sha:0:12})") in $2 ..." >&2
  # Its own build directories, whatever BUILD/BUILD_NODE say for this checkout.
  env -u BUILD -u BUILD_NODE make -C "$2" --no-print-directory BUILD=build BUILD_NODE=build-node \
    BUILD_TARGETS=poolbench "${targets[@]}" >>"$2.build.log" 2>&1 ||
    die "building $1 failed (log: $2.build.log)"
  echo "gate_run: built ${sha:0:12} ($((SECONDS - t0)) s)" >&2
}
if [[ -n $base_rev ]]; then
  build_commit "$base_rev" "$wt" "the baseline"
  baseline=
fi
if [[ -n $head_rev ]]; then
  build_commit "$head_rev" "$head_wt" "the current side"
  build=$head_wt/build build_node=$head_wt/build-node
fi
if [[ $refresh -eq 0 && -z $base_rev ]]; then
  [[ -d $baseline ]] || die "$baseline/ is missing: run make baseline"
  for p in "${plats[@]}"; do
    compgen -G "$baseline/$p-*.ndjson" >/dev/null ||
      die "$baseline/ has no $p runs ($p-*.ndjson): run make baseline"
  done
fi

[[ -n $out ]] || out=results/gate-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out" || die "cannot create $out"
[[ -z $(compgen -G "$out/*.ndjson") ]] || die "$out already holds records: use a fresh --out"

# One run: its own directory (the CLI names the file after the platform),
# then renamed to <platform>-<i>.ndjson. A run gets 5 minutes at most.
run_one() { # PLATFORM I DEST_DIR NATIVE_BUILD NODE_BUILD
  local p=$1 i=$2 to=$3 dir="$3/.run-$1-$2" cmd
  if [[ $p == native ]]; then cmd=("$4/poolbench"); else cmd=(node "$5/poolbench.js"); fi
  rm -rf "$dir"
  if ! timeout 300 "${cmd[@]}" "${suite[@]}" --out "$dir" >"$to/$p-$i.log" 2>&1; then
    die "the $p run $i failed or timed out (log: $to/$p-$i.log)"
  fi
  [[ -s $dir/$p.ndjson ]] || die "the $p run $i wrote no $dir/$p.ndjson (log: $to/$p-$i.log)"
  mv "$dir/$p.ndjson" "$to/$p-$i.ndjson" && rm -rf "$dir"
}

# With --base, the two builds take turns, so drifting machine load hits both.
[[ -z $base_rev ]] || { baseline=$out/base; mkdir -p "$baseline" || die "cannot create $baseline"; }
start=$SECONDS
for p in "${plats[@]}"; do
  for ((i = 1; i <= runs; i++)); do
    if [[ -n $base_rev ]]; then
      echo "gate_run: $p run $i/$runs of $base_rev ..." >&2
      run_one "$p" "$i" "$baseline" "$wt/build" "$wt/build-node"
    fi
    echo "gate_run: $p run $i/$runs${head_rev:+ of $head_rev} ..." >&2
    run_one "$p" "$i" "$out" "$build" "$build_node"
  done
done
echo "gate_run: records in $out/ ($((SECONDS - start)) s)" >&2

if [[ $refresh -eq 1 ]]; then
  # A baseline measured while another process held a core would make every
  # later loaded run look normal (the gate compares capacity between sides):
  # refuse it, with the report's own rule (references.capacity_shortfall).
  busy=$(python3 - "$out"/*.ndjson <<'EOF'
import sys
sys.path.insert(0, "report")
import run_model, references
for path in sys.argv[1:]:
    for p in run_model.load_run(path).values():
        why = references.capacity_shortfall(p)
        if why:
            print(f"{path}: {why}")
            sys.exit(0)
EOF
  ) || die "cannot read the new runs' records"
  [[ -z $busy ]] || die "the machine was busy, the baseline is not refreshed ($busy); measure it on a quiet machine"
  # Replace only the platforms just run; build the new set aside first, so a
  # failure never leaves a half-written baseline.
  next=$baseline.new.$$
  rm -rf "$next" && mkdir -p "$next" || die "cannot create $next"
  if [[ -d $baseline ]]; then
    for f in "$baseline"/*.ndjson; do
      [[ -e $f ]] || continue
      keep=1
      for p in "${plats[@]}"; do [[ $(basename "$f") == "$p"-*.ndjson ]] && keep=0; done
      [[ $keep -eq 0 ]] || cp "$f" "$next/"
    done
  fi
  cp "$out"/*.ndjson "$next/" || die "cannot copy the records into $next"
  rm -rf "$baseline" && mv "$next" "$baseline" || die "cannot replace $baseline"
  echo "gate_run: baseline refreshed: $baseline/ ($(cd "$baseline" && echo *.ndjson))"
  bash scripts/history_add.sh gate "$out"/*.ndjson
  exit 0
fi

# A baseline commit from before a schema bump writes the older version:
# relabelled where the schema allows it, after a full check of every file.
if [[ -n $base_rev ]]; then
  python3 records/upgrade.py "$baseline"/*.ndjson || die "the baseline's records cannot be read by this gate"
fi

base_files=() cur_files=()
for p in "${plats[@]}"; do
  base_files+=("$baseline/$p"-*.ndjson)
  cur_files+=("$out/$p"-*.ndjson)
done
"$gate" --config report/gate.conf --markdown "$out/gate.md" --json "$out/gate.json" \
  "${base_files[@]}" -- "${cur_files[@]}"
rc=$?
echo "gate_run: records $out/, Markdown $out/gate.md, verdicts $out/gate.json; exit $rc" >&2
# Both sides go into the performance history, each a run of its own (the
# committed baseline once: stored already after that); the gate's exit
# status stands whatever happens there.
bash scripts/history_add.sh gate "${base_files[@]}"
bash scripts/history_add.sh gate "${cur_files[@]}"
exit $rc
