#!/usr/bin/env bash
# bench/engine_experiments.py: a real round natively (and under Node where
# its build is there) gives a row per variant with each fork-join in native
# round trips; a Wasm row's unit is the native round trip measured around it,
# never its own pingpong. Usage errors exit 2 in one line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tool="$root/bench/engine_experiments.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[[ -x $root/build/poolbench ]] || fail "no native build at $root/build (make build)"

only=native
[[ -f $root/build-node/poolbench.js ]] && only=node
timeout 300 python3 "$tool" --only "$only" --rounds 2 --out "$tmp/run" >"$tmp/table" 2>"$tmp/err" ||
  fail "exit $?: $(tail -1 "$tmp/err")"
python3 - "$tmp/table" "$only" <<'PY' || exit 1
import re, sys
rows = [[c.strip() for c in l.split("|")[1:-1]] for l in open(sys.argv[1]) if l.startswith("| ") and not l.startswith("| round")]
want = ["native"] + ([sys.argv[2]] if sys.argv[2] != "native" else [])
got = [(r[0], r[1]) for r in rows]
assert got == [(str(k), v) for k in (1, 2) for v in want], f"FAIL: rows {got}"
for r in rows:
    ratios = re.findall(r"= ([0-9.]+)x", r[2] + r[3])
    moved = "vCPUs moved" in r[6]
    assert len(ratios) == 2 or moved, f"FAIL: no ratio in {r}"
    if r[1] == "native":
        assert r[4] == r[5], f"FAIL: native's unit is not its own round trip: {r}"
    elif not moved:
        assert r[4] != r[5], f"FAIL: a Wasm row in its own pingpong: {r}"
print(f"ok: {len(rows)} rows")
PY
[[ -s $tmp/run/round1/rt0/native.ndjson ]] || fail "the native round trip before the first variant was not kept"

for args in "--rounds 0" "--rounds x" "--only nosuch" "--bogus" "--out $tmp/run"; do
  # shellcheck disable=SC2086
  timeout 60 python3 "$tool" $args >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [[ $rc == 2 ]] || fail "'$args' exited $rc, want 2"
  [[ $(wc -l <"$tmp/err") == 1 ]] || fail "'$args': not one line: $(cat "$tmp/err")"
done
echo "ok: engine experiments ($only), usage errors exit 2"
