#!/usr/bin/env bash
# The JS programs' usage errors (browser driver, page server, Pyodide host,
# the engine-floor runners):
# exit 2 and one line on stderr that quotes the bad argument, with no
# control byte (an argument's ESC would retitle or clear the terminal).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
fail=0
evil=$'\e]0;x\a\e[2J\nz'
expect_usage() { # program, its arguments...
  local prog=$1 err rc lines
  shift
  err=$(timeout 20 node "$root/$prog" "$@" 2>&1 >/dev/null); rc=$?
  lines=$(printf '%s' "$err" | grep -c '')
  if [[ $rc -ne 2 || $lines -ne 1 || $err == *[$'\x01'-$'\x1f\x7f']* || $err != *"\\x1b"* ]]; then
    echo "FAIL: $prog ${*@Q} -> exit $rc, $lines stderr lines: ${err@Q}"; fail=1
  else
    echo "ok: $prog ${*@Q} -> $err"
  fi
}
expect_usage bench/browser/driver.js "--bogus$evil"
expect_usage bench/browser/driver.js --browser "chrome$evil" --out "$root/none" -- run
expect_usage bench/browser/driver.js --host "$evil" --out "$root/none" -- run
expect_usage bench/browser/driver.js --browser-ws "$evil" --out "$root/none" -- run
expect_usage bench/browser/grid.js "--bogus$evil"
expect_usage bench/browser/grid.js --grid http://127.0.0.1:9 --browsers "$evil" --out "$root/none" -- run
expect_usage bench/browser/serve.js "--bogus$evil"
expect_usage bench/browser/serve.js --host "$evil"
expect_usage bench/pyodide/node_host.mjs "--bogus$evil"
expect_usage bench/js_floor/floor_node.js "--bogus$evil"
expect_usage bench/js_floor/floor_node.js --variant "rt_plain$evil"
expect_usage bench/js_floor/floor_browser.js --browser "chrome$evil"
expect_usage bench/js_floor/floor_table.js "--bogus$evil"
exit $fail
