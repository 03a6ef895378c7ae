#!/usr/bin/env bash
# Every bad option: exit 2 and exactly one line on stderr. Good ones: exit 0.
# usage: test_cli.sh CMD...   (CMD runs poolbench)
set -u
fail=0
expect_usage() {
  local err rc lines
  err=$("${cmd[@]}" "$@" 2>&1 >/dev/null); rc=$?
  lines=$(printf '%s' "$err" | grep -c '')
  if [[ $rc -ne 2 || $lines -ne 1 ]]; then
    echo "FAIL: poolbench $* -> exit $rc, $lines stderr lines: $err"; fail=1
  else
    echo "ok: poolbench $* -> $err"
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
expect_usage run --reps 2
expect_usage run --reps abc
expect_usage run --out
expect_usage run --test-fault nosuch
expect_usage run --bogus
"${cmd[@]}" --help | grep -q 'usage: poolbench run' || { echo "FAIL: --help"; fail=1; }
# --no-pin reaches the run's header (a pinned run records false).
out=$(mktemp -d)
for pin in "" --no-pin; do
  "${cmd[@]}" run --quick --backend serial --scenario dispatch --deadline 60 $pin --out "$out/r$pin" >/dev/null 2>&1 ||
    { echo "FAIL: run $pin exited $?"; fail=1; }
  want=$([[ -n $pin ]] && echo true || echo false)
  head -n 1 "$out/r$pin"/*.ndjson | grep -q "\"no_pin\":$want" ||
    { echo "FAIL: run $pin: header lacks \"no_pin\":$want"; fail=1; }
done
rm -rf "$out"
"${cmd[@]}" list | grep -q '^  spin' || { echo "FAIL: list"; fail=1; }
# A directory that cannot be made: one line naming it, exit 1, within seconds
# (Node's recursive mkdirSync used to spin forever under /proc).
err=$(timeout 20 "${cmd[@]}" run --quick --out /proc/nosuch/dir 2>&1 >/dev/null); rc=$?
if [[ $rc -ne 1 || $(printf '%s' "$err" | grep -c '') -ne 1 ]] || ! grep -q '^poolbench: cannot create /proc/nosuch' <<<"$err"; then
  echo "FAIL: run --out /proc/nosuch/dir -> exit $rc (124: timed out), stderr: $err"; fail=1
else
  echo "ok: run --out /proc/nosuch/dir -> $err"
fi
exit $fail
