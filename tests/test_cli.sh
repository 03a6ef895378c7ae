#!/usr/bin/env bash
# Every bad option: exit 2 and exactly one line on stderr, no control bytes
# (arguments are quoted). Good ones: exit 0.
# usage: test_cli.sh CMD...   (CMD runs poolbench)
set -u
fail=0
expect_usage() {
  local err rc lines
  err=$(timeout 20 "${cmd[@]}" "$@" 2>&1 >/dev/null); rc=$?
  lines=$(printf '%s' "$err" | grep -c '')
  # No control byte either: an argument's ESC would act on the terminal.
  if [[ $rc -ne 2 || $lines -ne 1 || $err == *[$'\x01'-$'\x1f\x7f']* ]]; then
    echo "FAIL: poolbench ${*@Q} -> exit $rc, $lines stderr lines: ${err@Q}"; fail=1
  else
    echo "ok: poolbench ${*@Q} -> $err"
  fi
}
cmd=("$@")
expect_usage
expect_usage frobnicate
expect_usage run --backend nosuch
expect_usage run --backend spin,nosuch
expect_usage run --backend
expect_usage run --scenario nosuch
expect_usage run --threads 0
expect_usage run --threads 257
expect_usage run --threads -1
expect_usage run --threads 2x
expect_usage run --threads
expect_usage run --threads 2,2
expect_usage run --threads 1,,2
expect_usage run --threads 1,2,0
expect_usage run --threads 1,2,3,4,5,6,7,8,1
expect_usage run --clock sundial
expect_usage run --reps 2
expect_usage run --reps abc
expect_usage run --out
expect_usage run --test-fault nosuch
expect_usage run --bogus
# Arguments holding terminal codes and newlines are quoted, not echoed.
expect_usage run $'--bogus\e]0;x\a\e[2J\nline2'
expect_usage $'frob\e[2J\nx'
expect_usage run --backend $'spin,\e]0;x\a\nx'
expect_usage run --clock $'\e[2J\n'
expect_usage run --threads $'2\n\e[2J'
expect_usage run --threads 100000
expect_usage run --threads ''
expect_usage run --threads ' 2'
# An empty list item is an error, never "all" (`--backend ,` ran the whole suite).
expect_usage run --backend ,
expect_usage run --backend spin,
expect_usage run --backend ,spin
expect_usage run --backend spin,,futex
expect_usage run --scenario ,
expect_usage run --scenario dispatch,
expect_usage diagnose --hazard ,
expect_usage diagnose --bogus
expect_usage list --bogus
expect_usage list --json --bogus
expect_usage --help --bogus
timeout 20 "${cmd[@]}" --help | grep 'usage: poolbench run' >/dev/null || { echo "FAIL: --help"; fail=1; }
# --no-pin reaches the run's header (a pinned run records false).
out=$(mktemp -d)
for pin in "" --no-pin; do
  timeout 120 "${cmd[@]}" run --quick --backend serial --scenario dispatch --deadline 60 $pin --out "$out/r$pin" >/dev/null 2>&1 ||
    { echo "FAIL: run $pin exited $?"; fail=1; }
  want=$([[ -n $pin ]] && echo true || echo false)
  head -n 1 "$out/r$pin"/*.ndjson | grep -q "\"no_pin\":$want" ||
    { echo "FAIL: run $pin: header lacks \"no_pin\":$want"; fail=1; }
done

# A second run into the same --out is refused (exit 2, one line), the file
# untouched; --append adds its records to that run, under its one header.
quick=(run --quick --backend serial --scenario dispatch --deadline 60)
first=$(ls "$out/r"/*.ndjson)
cp "$first" "$out/before"
expect_usage "${quick[@]}" --out "$out/r"
cmp -s "$first" "$out/before" || { echo "FAIL: a refused second run changed $first"; fail=1; }
timeout 120 "${cmd[@]}" "${quick[@]}" --out "$out/r" --append >/dev/null 2>&1 ||
  { echo "FAIL: run --append exited $?"; fail=1; }
[[ $(grep -c '"type":"header"' "$first") -eq 1 && $(wc -l <"$first") -gt $(wc -l <"$out/before") &&
   $(head -c "$(wc -c <"$out/before")" "$first" | cmp -s - "$out/before"; echo $?) -eq 0 ]] &&
  python3 "$(dirname "$0")/../records/check.py" check "$first" &&
  echo "ok: --append added its records after the first run's, one header, the contract kept" ||
  { echo "FAIL: --append should keep the first run and add its records under the one header"; fail=1; }

# The header records the command line as given: it splits back into argv
# (argv[0] differs under Node), also with a list option and a space in a path.
args=(run --quick --backend serial,spin --scenario pingpong,dispatch --warm --deadline 60 --out "$out/with space")
timeout 120 "${cmd[@]}" "${args[@]}" >/dev/null 2>&1 || { echo "FAIL: run ${args[*]} exited $?"; fail=1; }
if head -n 1 "$out/with space"/*.ndjson | python3 -c '
import json, shlex, sys
got = shlex.split(json.load(sys.stdin)["options"]["command"])[1:]
want = sys.argv[1:]
sys.exit(0 if got == want else print("recorded", got, "ran", want) or 1)' "${args[@]}"; then
  echo "ok: options.command is the command line as given"
else
  echo "FAIL: options.command differs from the command line"; fail=1
fi

# A long --out (600 characters) is used exactly, never cut short.
long=$out/L
while (( ${#long} < 600 )); do long+=/$(printf 'd%.0s' {1..99}); done
long=${long:0:600}
timeout 120 "${cmd[@]}" "${quick[@]}" --out "$long" >/dev/null 2>&1; rc=$?
written=$(find "$out/L" -name '*.ndjson')
if [[ $rc -eq 0 && -n $written && $(dirname "$written") == "$long" ]]; then
  echo "ok: a 600-character --out is used as given"
else
  echo "FAIL: --out of 600 characters: exit $rc, records at ${written:-nowhere} (${#written} chars)"; fail=1
fi
rm -rf "$out"
timeout 20 "${cmd[@]}" list | grep -q '^  spin' || { echo "FAIL: list"; fail=1; }
# `list --json` is one JSON object naming what the text form names, in the
# same order, with the records' vocabulary.
text=$(timeout 20 "${cmd[@]}" list) && as_json=$(timeout 20 "${cmd[@]}" list --json) \
  && python3 - "$text" "$as_json" <<'PY' || { echo "FAIL: list --json"; fail=1; }
import json, sys
text, d = sys.argv[1], json.loads(sys.argv[2])
section, names = None, {"backends": [], "scenarios": []}
for line in text.splitlines():
    if line.endswith(":"): section = line[:-1]
    else: names[section].append(line.split()[0])
for key in names:
    got = [e["name"] for e in d[key]]
    assert got == names[key] and got, (key, got, names[key])
    assert all(e["description"] for e in d[key]), key
assert [b["name"] for b in d["backends"] if b["runs_on_caller"]] == ["serial"], d["backends"]
assert d["grain_work_ns"] == sorted(d["grain_work_ns"]) and len(d["grain_work_ns"]) > 1
assert set(d["references"]) == {"spin", "futex"}, d["references"]
print(f"ok: list --json names {len(d['backends'])} backends, {len(d['scenarios'])} scenarios")
PY
# A directory that cannot be made: one line naming it, exit 1, within seconds
# (Node's recursive mkdirSync used to spin forever under /proc).
err=$(timeout 20 "${cmd[@]}" run --quick --out /proc/nosuch/dir 2>&1 >/dev/null); rc=$?
if [[ $rc -ne 1 || $(printf '%s' "$err" | grep -c '') -ne 1 ]] || ! grep -q "^poolbench: cannot create '/proc/nosuch" <<<"$err"; then
  echo "FAIL: run --out /proc/nosuch/dir -> exit $rc (124: timed out), stderr: $err"; fail=1
else
  echo "ok: run --out /proc/nosuch/dir -> $err"
fi
exit $fail
