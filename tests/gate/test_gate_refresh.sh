#!/usr/bin/env bash
# make baseline refuses runs measured on a busy machine: gate_run.sh
# --refresh-baseline with a stand-in poolbench that writes a fixture run,
# once with the capacity of a quiet machine (refreshed) and once with a core
# taken (exit 2, one line, the old baseline untouched).
# usage: test_gate_refresh.sh SOURCE_DIR
set -u
export HISTORY=none # stand-in runs never reach the history
src=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$dir/bin"
# The stand-in: `poolbench run ... --out DIR` writes DIR/native.ndjson from
# the second fixture with capacity CAPACITY (cores, of 2).
cat >"$dir/bin/poolbench" <<'SH'
#!/usr/bin/env bash
out=; while [[ $# -gt 0 ]]; do [[ $1 == --out ]] && out=$2; shift; done
mkdir -p "$out"
python3 - "$FIXTURE" "$CAPACITY" >"$out/native.ndjson" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
fj = next(r for r in recs if r.get("scenario") == "forkjoin")
v = float(sys.argv[2])
cap = dict(fj, scenario="capacity", backend="threads", mode="default", unit="cores", work_ns=2e7,
           median=v, min=v, max=v, mean=v, mad=0, ci_lo=v, ci_hi=v, samples=[v] * fj["n"],
           spin_rt_units=None, futex_rt_units=None)
for k in ("fork_ns", "join_ns", "worker_share"):
    cap.pop(k, None)
print("".join(json.dumps(r) + "\n" for r in recs[:1] + [cap] + recs[1:]), end="")
PY
SH
chmod +x "$dir/bin/poolbench"
export FIXTURE=$src/tests/fixtures/run_forkjoin/native.ndjson
cd "$src" || fail "no $src"
run() { BUILD=$dir/bin bash scripts/gate_run.sh --platforms native --runs 2 --refresh-baseline \
          --baseline "$dir/baseline" --out "$dir/out-$1" 2>&1; }
msg=$(CAPACITY=1.95 run quiet) || fail "a quiet baseline was refused: $msg"
[[ $(ls "$dir/baseline") == $'native-1.ndjson\nnative-2.ndjson' ]] || fail "no baseline written: $(ls "$dir/baseline")"
before=$(cat "$dir/baseline"/*.ndjson | md5sum)
msg=$(CAPACITY=1.0 run busy); rc=$?
[[ $rc == 2 ]] || fail "a busy baseline: exit $rc, want 2 ($msg)"
err=$(grep '^gate_run: the machine was busy' <<<"$msg")
[[ -n $err && $(wc -l <<<"$err") == 1 && $err == *"1.00 cores"* ]] || fail "no one-line reason: $msg"
[[ $(cat "$dir/baseline"/*.ndjson | md5sum) == "$before" ]] || fail "the old baseline was touched"
echo "ok: a quiet baseline refreshed; a busy one refused: ${err#gate_run: }"
