#!/usr/bin/env bash
# The engines' floor (bench/js_floor/, make engine-floor).
# usage: test_floor.sh CASE
#   node    floor_node.js --reps 3 --json: one line per variant, in order,
#           each a positive median within its interval (check_floor.py);
#           --variant picks one; run as `node --V8-flag floor_node.js`;
#           a bad option, a bad variant and --reps 1 exit 2 with one line
#   chrome  the same through floor_browser.js in headless Chromium (with
#           --js-flags passed through); --js-flags for firefox and a bad
#           --browser exit 2 with one line
set -u
case=$1
here=$(cd "$(dirname "$0")" && pwd)
floor=$here/../bench/js_floor
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
source "$here/require.sh"
fail=0
all=$(node -p "require('$floor/floor_kernel.js').VARIANTS.join(',')") || { echo "FAIL: no variant list"; exit 1; }
# expect_usage PROGRAM ARGS...: exit 2, one stderr line, nothing on stdout.
expect_usage() {
  local prog=$1 rc lines
  shift
  timeout 30 node "$floor/$prog" "$@" >"$dir/out" 2>"$dir/err"; rc=$?
  lines=$(grep -c '' "$dir/err")
  if [[ $rc -ne 2 || $lines -ne 1 || -s $dir/out ]]; then
    echo "FAIL: $prog ${*@Q}: exit $rc, $lines stderr lines, $(wc -c <"$dir/out") bytes out"; cat "$dir/err"; fail=1
  else
    echo "ok: $prog ${*@Q} -> $(cat "$dir/err")"
  fi
}
# check ENGINE VARIANTS COMMAND...: runs it, checks its JSON lines.
check() {
  local engine=$1 variants=$2
  shift 2
  if ! timeout 90 "$@" >"$dir/lines" 2>"$dir/err"; then
    echo "FAIL: ${*@Q} exited non-zero"; cat "$dir/err"; fail=1; return
  fi
  python3 "$here/check_floor.py" "$engine" "$variants" "$dir/lines" || { cat "$dir/lines"; fail=1; return; }
  echo "ok: ${*@Q}"; cat "$dir/lines"
}
case $case in
node)
  check node "$all" node "$floor/floor_node.js" --reps 3 --json
  check node rt_plain node --max-lazy "$floor/floor_node.js" --reps 3 --json --variant rt_plain
  expect_usage floor_node.js --bogus
  expect_usage floor_node.js --variant rt_bogus
  expect_usage floor_node.js --reps 1
  ;;
chrome)
  [[ -x /usr/bin/chromium ]] || missing "/usr/bin/chromium missing (scripts/setup.sh installs chromium)"
  check chrome "$all" node "$floor/floor_browser.js" --browser chrome --reps 3 --json --deadline 60
  check chrome rt_seqcst,forkjoin node "$floor/floor_browser.js" --js-flags=--max-lazy --reps 3 --json \
    --variant rt_seqcst,forkjoin --deadline 60
  expect_usage floor_browser.js --browser firefox --js-flags=--max-lazy
  expect_usage floor_browser.js --browser safari
  expect_usage floor_browser.js --bogus
  ;;
*) echo "usage: test_floor.sh node|chrome" >&2; exit 2 ;;
esac
exit $fail
