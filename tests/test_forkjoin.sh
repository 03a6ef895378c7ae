#!/usr/bin/env bash
# forkjoin brings every thread into every call: a --quick run of spin and
# futex (warm and cold) at P = 2 and at P = 3 (more threads than this
# machine's CPUs: a waiting item must give its CPU away) writes, per target,
# a forkjoin record whose worker share is (P-1)/P, with fork_ns and join_ns
# where the threads share a clock (natively, Node) and null where they do
# not (Chromium); forkjoin_spaced only for the cold targets, with p90 and p99;
# no error records. Only structural facts: no timing is compared.
# usage: test_forkjoin.sh PLATFORM CMD...   (CMD runs poolbench)
set -u
platform=$1; shift
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for p in 2 3; do
  "$@" run --quick --backend spin,futex --scenario forkjoin,forkjoin_spaced --threads $p \
    --out "$dir/p$p" >"$dir/p$p.txt" 2>&1 || { echo "FAIL: P = $p: exit $?"; tail -5 "$dir/p$p.txt"; exit 1; }
  python3 "$here/check_records.py" "$dir/p$p/$platform.ndjson" --scenarios forkjoin,forkjoin_spaced || exit 1
  grep -Eq "^spin +warm +$p +[0-9.]+ [num]?s +(50|67)%" "$dir/p$p.txt" \
    || { echo "FAIL: the summary has no forkjoin and workers columns"; cat "$dir/p$p.txt"; exit 1; }
  python3 - "$dir/p$p/$platform.ndjson" "$p" "$platform" <<'EOF' || exit 1
import json, sys
path, P, platform = sys.argv[1], int(sys.argv[2]), sys.argv[3]
recs = [json.loads(l) for l in open(path)][1:]
errors = [r for r in recs if r["type"] == "error"]
assert not errors, f"error records: {errors}"
fj = {(r["backend"], r["mode"]): r for r in recs if r.get("scenario") == "forkjoin"}
sp = {(r["backend"], r["mode"]): r for r in recs if r.get("scenario") == "forkjoin_spaced"}
targets = {(b, m) for b in ("spin", "futex") for m in ("warm", "cold")}
assert set(fj) == targets, f"forkjoin targets {sorted(fj)}"
assert set(sp) == {t for t in targets if t[1] == "cold"}, f"forkjoin_spaced targets {sorted(sp)}"
shared = platform != "chrome"
for r in list(fj.values()) + list(sp.values()):
    what = f"{r['scenario']} {r['backend']} {r['mode']} P={P}"
    assert r["threads"] == P and r["items"] == P and r["work_ns"] == 0, what
    assert r["worker_share"] >= 0.99 * (P - 1) / P, f"{what}: worker_share {r['worker_share']}"
    for f in ("fork_ns", "join_ns"):
        assert f in r, f"{what}: no {f}"
        assert (r[f] is not None) == shared, f"{what}: {f} = {r[f]} on {platform}"
        assert r[f] is None or r[f] >= 0, f"{what}: {f} = {r[f]}"
    if r["scenario"] == "forkjoin_spaced":
        assert r["p90"] <= r["p99"] and r["inner"] == 1, what
print(f"ok: P = {P}: {len(fj)} forkjoin, {len(sp)} forkjoin_spaced records, every thread joined")
EOF
done

# A sweep (--threads 1,2): one run, each P in turn, the records keyed by it.
"$@" run --quick --backend spin --warm --scenario forkjoin --threads 1,2 \
  --out "$dir/sweep" >"$dir/sweep.txt" 2>&1 || { echo "FAIL: --threads 1,2: exit $?"; tail -5 "$dir/sweep.txt"; exit 1; }
python3 - "$dir/sweep/$platform.ndjson" <<'EOF' || exit 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])][1:]
ps = sorted(r["threads"] for r in recs if r.get("scenario") == "forkjoin")
assert ps == [1, 2], f"forkjoin records at P = {ps}, want [1, 2]"
print("ok: --threads 1,2 wrote forkjoin at P = 1 and 2")
EOF
