#!/usr/bin/env bash
# poolbench_gate on synthetic runs with known answers: the records are drawn
# from seeded distributions (2% noise), so every expectation is deterministic.
# usage: test_gate_synthetic.sh POOLBENCH_GATE
set -u
gate=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# gen OUT [--seed S] [--scale F] [--n N] [--set KEY=NS]... [--shift KEY=F]... [--drop KEY]...
#     [--ref-names SPIN,FUTEX] [--beside CORES] [--demand CORES]
#   writes one run: header, references, dispatch/forkjoin/grain/idle_cpu
#   records. KEY is the gate's key; --set gives that key's typical value,
#   --shift multiplies that key only, --scale all; --ref-names names the
#   round-trip references' backends (header and records); --beside follows
#   every record with a reference_check saying other processes used CORES
#   beside its job (--demand: and used or waited for CORES). Warm and serial
#   records count interference, as natively.
gen() {
  python3 - "$(dirname "$0")/.." "$@" <<'EOF'
import argparse, json, random, sys
sys.path.insert(0, sys.argv.pop(1))
from complete_record import SCHEMA, complete
ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--scale", type=float, default=1.0)
ap.add_argument("--n", type=int, default=9)
ap.add_argument("--set", action="append", default=[])
ap.add_argument("--shift", action="append", default=[])
ap.add_argument("--drop", action="append", default=[])
ap.add_argument("--platform", default="native")
ap.add_argument("--cpu", default="Test CPU")  # a header that names its machine
ap.add_argument("--no-pin", action="store_true")
ap.add_argument("--ref-names", default="spin_pingpong,futex_pingpong")
ap.add_argument("--cut", action="store_true", help="no end record: a run killed after its last key")
ap.add_argument("--beside", type=float)
ap.add_argument("--demand", type=float)
a = ap.parse_args()
rnd = random.Random(a.seed)
shift = {k: float(v) for k, v in (s.split("=") for s in a.shift)}
value = {k: float(v) for k, v in (s.split("=") for s in a.set)}
P = a.platform
spin_ref, futex_ref = a.ref_names.split(",")
recs = [  # scenario, backend, mode, threads, items, work_ns, unit, typical value
    ("pingpong", spin_ref, "default", 2, 1, 0, "ns", 260),
    ("pingpong", futex_ref, "default", 2, 1, 0, "ns", 60000),
    ("dispatch", "serial", "default", 2, 2, 0, "ns", 20),
    ("dispatch", "spin", "warm", 2, 2, 0, "ns", 350),
    ("dispatch", "spin", "cold", 2, 2, 0, "ns", 600),
    ("dispatch", "futex", "warm", 2, 2, 0, "ns", 340),
    ("dispatch", "futex", "cold", 2, 2, 0, "ns", 550),
    ("forkjoin", "condvar", "cold", 2, 2, 0, "ns", 50000),
    ("idle_cpu", "spin", "warm", 2, 0, 0, "cores", 0.9),
    ("capacity", "threads", "default", 2, 2, 20000000, "cores", 1.95),
]
for w in (0, 1000, 10000):
    recs.append(("grain", "serial", "default", 2, 16, w, "ns", 30 + 16 * w))
    recs.append(("grain", "spin", "warm", 2, 16, w, "ns", 1300 + 8 * w))
with open(a.out, "w") as f:
    f.write(json.dumps(complete({"type": "header", "platform": P, "schema": SCHEMA,
        "start_time": "2026-01-01T00:00:00Z", "git_commit": "synthetic", "compiler": None,
        "timer_step_ns": 20, "kernel_iters_per_ns": 0.75, "min_batch_ns": 200000,
        "cpu_model": a.cpu, "logical_cores": 2, "kernel": None, "governor": None,
        "references": {"spin": spin_ref, "futex": futex_ref},
        "options": {"threads": 2, "reps": a.n + 1, "quick": True, "no_pin": a.no_pin, "command": "gen"}})) + "\n")
    for sc, be, mode, t, items, w, unit, v in recs:
        key = f"{P}/{sc}/{be}/{mode}/{t}/{items}/{w}"
        if key in a.drop:
            continue
        v = value.get(key, v) * shift.get(key, 1.0) * (a.scale if unit == "ns" else 1.0)
        s = [v * rnd.lognormvariate(0, 0.02) for _ in range(a.n)]
        med = sorted(s)[len(s) // 2]
        f.write(json.dumps(complete({"type": "measurement", "platform": P, "scenario": sc, "backend": be,
            "mode": mode, "threads": t, "items": items, "work_ns": w, "unit": unit,
            "median": med, "mad": 0, "min": min(s), "max": max(s), "mean": sum(s) / len(s),
            "n": a.n, "inner": 100, "spin_rt_units": None, "futex_rt_units": None,
            "samples": s, "flags": [],
            **({"interfered": 0, "reruns": 0} if mode == "warm" or be == "serial" else {})})) + "\n")
        if a.beside is not None:
            f.write(json.dumps(complete({"type": "reference_check", "platform": P, "scenario": "pingpong",
                "backend": spin_ref, "job": 2, "median": 260, "ci_lo": 250, "ci_hi": 270, "n": 9,
                "others_cores": a.beside,
                **({"others_demand": a.demand} if a.demand is not None else {})})) + "\n")
    if not a.cut:
        f.write(json.dumps({"type": "end", "platform": P, "jobs": len(recs), "failed": 0, "elapsed_s": 1}) + "\n")
EOF
}

# check NAME WANT_EXIT [grep -E patterns the output must contain, or !PATTERN
#   it must not]... -- GATE ARGS...
check() {
  local name=$1 want=$2 pats=() out rc
  shift 2
  while [[ $1 != -- ]]; do pats+=("$1"); shift; done
  shift
  # stderr after stdout: 2>&1 into a pipe can cut a stdout line with it
  out=$(timeout 20 "$gate" "$@" 2>"$tmp/stderr"); rc=$?
  out+=$'\n'$(<"$tmp/stderr")
  local ok=1
  [[ $rc -eq $want ]] || ok=0
  for p in "${pats[@]}"; do
    if [[ $p == '!'* ]]; then
      ! grep -qE -- "${p#!}" <<<"$out" || { ok=0; echo "  unwanted /${p#!}/"; }
    else
      grep -qE -- "$p" <<<"$out" || { ok=0; echo "  missing /$p/"; }
    fi
  done
  if [[ $ok -eq 1 ]]; then
    echo "ok: $name (exit $rc)"
  else
    echo "FAIL: $name: exit $rc (want $want)"; echo "$out" | sed 's/^/  | /'; fail=1
  fi
}

# jq-free JSON probe: KEY's FIELD from a verdict file.
field() { # FILE KEY FIELD
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(next(k[sys.argv[3]] for k in d["keys"] if k["key"]==sys.argv[2]))' "$@"
}

K=native/dispatch/spin/warm/2/2/0
gen "$tmp/base.ndjson" --seed 1

gen "$tmp/same.ndjson" --seed 2
check "same distribution: clean" 0 'gate: 0 regressions' 'skipped.*native/idle_cpu/spin/warm' \
  -- "$tmp/base.ndjson" "$tmp/same.ndjson"

gen "$tmp/slow.ndjson" --seed 3 --shift "$K=1.40"
check "+40% on one key: regression, named" 1 "$K .*REGRESSION" "REGRESSION: $K \+[0-9]+" \
  -- --json "$tmp/slow.json" --markdown "$tmp/slow.md" "$tmp/base.ndjson" "$tmp/slow.ndjson"
grep -q "$K" "$tmp/slow.md" && grep -q REGRESSION "$tmp/slow.md" ||
  { echo "FAIL: the Markdown file lacks the regression"; fail=1; }
[[ $(field "$tmp/slow.json" "$K" verdict) == regression ]] ||
  { echo "FAIL: the JSON verdict of $K is not regression"; fail=1; }

# A run cut short (killed: no end record) is incomplete: the keys it holds
# are judged, but without a regression the verdict is undecided, not clean.
gen "$tmp/cut.ndjson" --seed 2 --cut
check "current run cut short: undecided, exit 2, says so" 2 \
  "cut short: the current run .*cut.ndjson ends after grain spin warm P=2" "current side is incomplete" \
  -- --json "$tmp/cut.json" --markdown "$tmp/cut.md" "$tmp/base.ndjson" "$tmp/cut.ndjson"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(not (d["verdict"] == "undecided" and d["current"][0]["complete"] is False
              and d["baseline"][0]["complete"] is True))' "$tmp/cut.json" ||
  { echo "FAIL: the JSON verdict file does not say the current run is incomplete"; fail=1; }
grep -q "cut short" "$tmp/cut.md" || { echo "FAIL: the Markdown lacks the cut-short line"; fail=1; }
check "baseline cut short: undecided too" 2 "baseline side is incomplete" \
  -- "$tmp/cut.ndjson" "$tmp/base.ndjson"
gen "$tmp/cut_slow.ndjson" --seed 3 --shift "$K=1.40" --cut
check "a regression in a run cut short is still a regression" 1 "REGRESSION: $K" \
  -- "$tmp/base.ndjson" "$tmp/cut_slow.ndjson"

gen "$tmp/small.ndjson" --seed 4 --shift "$K=1.08"
check "+8% (significant, below 15%): clean" 0 "$K .* ok" \
  -- --json "$tmp/small.json" "$tmp/base.ndjson" "$tmp/small.ndjson"
python3 -c "import sys; sys.exit(not float('$(field "$tmp/small.json" "$K" p)') < 0.01)" ||
  { echo "FAIL: +8% should be significant (the threshold, not p, must clear it)"; fail=1; }

gen "$tmp/few.ndjson" --seed 5 --n 5
check "5 samples: insufficient, not a pass" 2 "insufficient \(9 baseline and 5 current samples" \
  -- "$tmp/base.ndjson" "$tmp/few.ndjson"

gen "$tmp/slower_machine.ndjson" --seed 6 --scale 1.3
check "everything x1.3, references too: clean" 0 'gate: 0 regressions' \
  -- --json "$tmp/scale.json" "$tmp/base.ndjson" "$tmp/slower_machine.ndjson"
python3 -c "import sys; sys.exit(not float('$(field "$tmp/scale.json" "$K" raw_change)') > 0.2)" ||
  { echo "FAIL: the raw change should be ~+30% (normalization must be what clears it)"; fail=1; }

gen "$tmp/slower_grain.ndjson" --seed 7 --scale 1.3 --shift native/grain/spin/warm/2/16/10000=1.3
check "x1.3 machine plus +30% on one grain key: that key only" 1 \
  'REGRESSION: native/grain/spin/warm/2/16/10000' 'gate: 1 regression,' \
  -- "$tmp/base.ndjson" "$tmp/slower_grain.ndjson"

gen "$tmp/refjump.ndjson" --seed 8 --shift native/pingpong/spin_pingpong/default/2/1/0=0.75
check "only the spin reference dropped 25%: clean (raw unchanged)" 0 'gate: 0 regressions' \
  -- "$tmp/base.ndjson" "$tmp/refjump.ndjson"

gen "$tmp/fast.ndjson" --seed 9 --shift "$K=0.6"
check "-40%: improvement, exit 0" 0 "$K .*improvement" 'gate: 0 regressions, 1 improvement,' \
  -- "$tmp/base.ndjson" "$tmp/fast.ndjson"

gen "$tmp/dropped.ndjson" --seed 10 --drop native/dispatch/futex/cold/2/2/0
check "a key only in the baseline: listed, not failed" 0 \
  'only in baseline: native/dispatch/futex/cold/2/2/0' -- "$tmp/base.ndjson" "$tmp/dropped.ndjson"
check "a key only in the current run: listed, not failed" 0 \
  'only in current: native/dispatch/futex/cold/2/2/0' -- "$tmp/dropped.ndjson" "$tmp/base.ndjson"

gen "$tmp/cpu_a.ndjson" --seed 12 --cpu "CPU A"
gen "$tmp/cpu_b.ndjson" --seed 13 --cpu "CPU B"
check "runs from two machines: refused, exit 2" 2 "cpu_a.ndjson was measured on 'CPU A', 2 logical cores, .*cpu_b.ndjson on 'CPU B'.*different machines" \
  -- "$tmp/cpu_a.ndjson" "$tmp/cpu_b.ndjson"
check "runs from two machines with --any-machine: a warning, then compared" 0 'warning: .*CPU A.*CPU B' 'gate: 0 regressions' \
  -- --any-machine "$tmp/cpu_a.ndjson" "$tmp/cpu_b.ndjson"
gen "$tmp/cpu_a2.ndjson" --seed 14 --cpu "CPU A"
check "two runs on one machine: compared" 0 'gate: 0 regressions' -- "$tmp/cpu_a.ndjson" "$tmp/cpu_a2.ndjson"
gen "$tmp/cpu_a_nopin.ndjson" --seed 15 --cpu "CPU A" --no-pin
check "pinned against unpinned workers (--no-pin): refused, exit 2" 2 "'CPU A', 2 logical cores, .*'CPU A', 2 logical cores, workers unpinned.*different machines" \
  -- "$tmp/cpu_a.ndjson" "$tmp/cpu_a_nopin.ndjson"

printf '# test\nnative/dispatch/*   50%%\nnative/*/*/cold/*  off\n' >"$tmp/gate.conf"
check "+40% under a 50% rule: clean" 0 "$K .* ok" \
  -- --config "$tmp/gate.conf" "$tmp/base.ndjson" "$tmp/slow.ndjson"
gen "$tmp/slow_cold.ndjson" --seed 11 --shift native/dispatch/spin/cold/2/2/0=2
check "x2 on a key whose last matching rule is off: ignored" 0 \
  'native/dispatch/spin/cold/2/2/0 .* ignored' \
  -- --config "$tmp/gate.conf" "$tmp/base.ndjson" "$tmp/slow_cold.ndjson"
check "--threshold 50% on the command line" 0 'gate: 0 regressions' \
  -- --threshold 50% "$tmp/base.ndjson" "$tmp/slow.ndjson"

# Several runs per side pool their samples: two runs of 5 samples each are
# enough together, and a shift in both current runs is found.
mkdir "$tmp/b2" "$tmp/c2"
gen "$tmp/b2/native-1.ndjson" --seed 12 --n 5
gen "$tmp/b2/native-2.ndjson" --seed 13 --n 5
gen "$tmp/c2/native-1.ndjson" --seed 14 --n 5 --shift "$K=1.5"
gen "$tmp/c2/native-2.ndjson" --seed 15 --n 5 --shift "$K=1.5"
check "two runs of 5 samples a side: pooled, regression found" 1 "REGRESSION: $K" \
  'b2 \(synthetic, 2 runs\) to .*c2 \(synthetic, 2 runs\)' -- "$tmp/b2" "$tmp/c2"
check "files listed with --" 1 "REGRESSION: $K" \
  -- "$tmp/b2/native-1.ndjson" "$tmp/b2/native-2.ndjson" -- "$tmp/c2"

# A noisy run is undecided, never a regression: the spin reference moved
# x3 between the sides, or the current runs' references spread x2.
R=native/pingpong/spin_pingpong/default/2/1/0
gen "$tmp/drift.ndjson" --seed 20 --shift "$R=3" --shift "$K=1.40"
check "spin reference x3 and +40% on a key: undecided (noisy), exit 2" 2 "$K .*insufficient" \
  'gate: 0 regressions' -- --json "$tmp/drift.json" "$tmp/base.ndjson" "$tmp/drift.ndjson"
field "$tmp/drift.json" "$K" reason | grep -q 'noisy: native spin round trip' ||
  { echo "FAIL: the noisy key does not say why"; fail=1; }
mkdir "$tmp/c3"
gen "$tmp/c3/native-1.ndjson" --seed 21 --n 5 --shift "$K=1.5"
gen "$tmp/c3/native-2.ndjson" --seed 22 --n 5 --shift "$K=1.5" --shift "$R=2"
check "current runs' references spread x2 (baseline x1): undecided, exit 2" 2 \
  'gate: 0 regressions' -- --json "$tmp/spread.json" "$tmp/b2" "$tmp/c3"
field "$tmp/spread.json" "$K" reason | grep -q 'spread' ||
  { echo "FAIL: the spread key does not say why"; fail=1; }

# Each key is normalized by the reference that governs it: a cold pool's
# call is a futex wake-up, so it moves with the futex round trip, not the
# spin one.
F=native/pingpong/futex_pingpong/default/2/1/0
FJ=native/forkjoin/condvar/cold/2/2/0
gen "$tmp/futex_slow.ndjson" --seed 24 --shift "$F=1.8" --shift "$FJ=1.8"
check "futex reference and a cold key both x1.8: ok (normalized by the futex round trip)" 0 \
  "$FJ .* ok" 'gate: 0 regressions' -- "$tmp/base.ndjson" "$tmp/futex_slow.ndjson"
# The references are the backends the header names.
gen "$tmp/named.ndjson" --seed 28 --ref-names spin_rt,futex_rt
gen "$tmp/named_slow.ndjson" --seed 29 --ref-names spin_rt,futex_rt \
  --shift native/pingpong/futex_rt/default/2/1/0=1.8 --shift "$FJ=1.8"
check "references under the names the header gives: found" 0 "$FJ .* ok" 'gate: 0 regressions' \
  -- --json "$tmp/named.json" "$tmp/named.ndjson" "$tmp/named_slow.ndjson"
[[ $(field "$tmp/named.json" "$FJ" normalized_by) == futex_rt ]] ||
  { echo "FAIL: $FJ is not normalized by the header's futex reference"; fail=1; }
sed '1s/"futex": "futex_pingpong"/"futex": "fu\\u0001tex"/' "$tmp/base.ndjson" >"$tmp/odd.ndjson"
check "a header naming a futex reference the run lacks: its cold keys insufficient, quoted" 2 \
  "$FJ .*insufficient \(no usable 'fu\\\\x01tex' reference in .*odd.ndjson" \
  -- "$tmp/odd.ndjson" "$tmp/same.ndjson"
gen "$tmp/cold_slow.ndjson" --seed 25 --shift "$FJ=6.8"
check "steady references and a cold key x6.8: regression" 1 "REGRESSION: $FJ " \
  -- "$tmp/base.ndjson" "$tmp/cold_slow.ndjson"

# The machine moved (issue 27: the host placed the vCPUs differently): spin
# round trip 99 -> 372 ns, futex 39 -> 24 us, a cold fork-join x6.8. Past
# x2 no normalization is trusted: every key of the platform is undecided,
# with the reference that moved and the way out.
gen "$tmp/placed.ndjson" --seed 26 --set "$R=99" --set "$F=39000"
gen "$tmp/moved.ndjson" --seed 27 --set "$R=372" --set "$F=24000" --shift "$FJ=6.8"
check "references moved x3.8, a cold key x6.8: undecided, not a regression" 2 \
  "$FJ .*insufficient \(noisy: native spin round trip (99|10[0-9]) ns -> 3[67][0-9] ns \(x3\.[0-9]+\) between" \
  'in turns .*make gate BASE=<commit>' 'gate: 0 regressions, 0 improvements, 0 ok' '!REGRESSION' \
  -- "$tmp/placed.ndjson" "$tmp/moved.ndjson"
out=$(timeout 20 "$gate" "$tmp/placed.ndjson" "$tmp/moved.ndjson" 2>&1 >/dev/null)
[[ $(wc -l <<<"$out") == 1 && $out == *' undecided, e.g. '*'BASE=<commit>'* ]] ||
  { echo "FAIL: the one line on stderr lacks the advice: $out"; fail=1; }
gen "$tmp/futex_moved.ndjson" --seed 30 --shift "$F=0.4"
check "only the futex round trip moved (x0.4), no key: every key undecided" 2 \
  'noisy: native futex round trip [0-9.]+ us -> [0-9.]+ us \(x0\.[34][0-9]\) between' \
  'gate: 0 regressions, 0 improvements, 0 ok' -- "$tmp/base.ndjson" "$tmp/futex_moved.ndjson"

# A run that got a core less (another process busy beside it: capacity 1.0
# of 2) is undecided whatever moved, even x3: a thread that waited a time
# slice for its core can move any key any amount.
C=native/capacity/threads/default/2/2/20000000
gen "$tmp/loaded.ndjson" --seed 23 --shift "$C=0.51" --shift "$K=3"
check "a run with a core less and x3 on a key: undecided (noisy), exit 2" 2 "$K .*insufficient" \
  'gate: 0 regressions' -- --json "$tmp/loaded.json" "$tmp/base.ndjson" "$tmp/loaded.ndjson"
field "$tmp/loaded.json" "$K" reason | grep -Eq 'current side got (0.9[0-9]|1.0[0-9]) cores where the baseline.s got 1.9' ||
  { echo "FAIL: the loaded key does not say why: $(field "$tmp/loaded.json" "$K" reason)"; fail=1; }
check "a loaded baseline: undecided too" 2 "$K .*insufficient" \
  -- "$tmp/loaded.ndjson" "$tmp/base.ndjson"

# A key measured beside other processes' work (its job's check: 0.6 cores)
# that no counter judged (a cold pool's threads slept) is undecided when it
# moved; a warm one, judged repetition by repetition, keeps its verdict, and
# so does a key that did not move. 0.2 cores is no one's business.
G=native/grain/spin/warm/2/16/1000
gen "$tmp/beside.ndjson" --seed 31 --beside 0.6 --shift "$FJ=1.5" --shift "$G=1.5"
check "beside 0.6 cores: a moved cold key undecided, a moved warm one a regression" 1 \
  "$FJ .*insufficient \(noisy: a current side run measured it beside 0.60 cores of other processes' work" \
  "REGRESSION: $G " 'gate: 1 regression, 0 improvements, [1-9][0-9]* ok' \
  -- "$tmp/base.ndjson" "$tmp/beside.ndjson"
gen "$tmp/beside_low.ndjson" --seed 32 --beside 0.2 --shift "$FJ=1.5"
check "beside 0.2 cores: the moved cold key is a regression" 1 "REGRESSION: $FJ " \
  -- "$tmp/base.ndjson" "$tmp/beside_low.ndjson"
# A busy process the job starved: 0.05 cores used, 1.0 wanted.
gen "$tmp/starved.ndjson" --seed 33 --beside 0.05 --demand 1.0 --shift "$FJ=1.5"
check "beside a starved busy process (1.0 cores wanted): the moved cold key undecided" 2 \
  "$FJ .*insufficient \(noisy: a current side run measured it beside 1.00 cores of other processes' work, done or wanted" \
  -- "$tmp/base.ndjson" "$tmp/starved.ndjson"
check "a baseline measured beside 0.6 cores: the moved cold key undecided" 2 \
  "$FJ .*insufficient \(noisy: a baseline run measured it beside 0.60" \
  -- "$tmp/beside.ndjson" "$tmp/base.ndjson"

# Platforms are part of the key: a node run next to a native one.
gen "$tmp/node.ndjson" --seed 16 --platform node
gen "$tmp/node_slow.ndjson" --seed 17 --platform node --shift node/dispatch/spin/warm/2/2/0=1.5
check "native and node files together" 1 'REGRESSION: node/dispatch/spin/warm/2/2/0' \
  'gate: 1 regression,' -- "$tmp/base.ndjson" "$tmp/node.ndjson" -- "$tmp/same.ndjson" "$tmp/node_slow.ndjson"

exit $fail
