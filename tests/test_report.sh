#!/usr/bin/env bash
# The report from a committed fixture run (real records, trimmed): every file
# is written, every SVG is XML with the expected series; a one-platform run
# still gives a report; bad input gives one line naming file and line, exit 2.
# usage: test_report.sh CASE   (files | one_platform | bad_input | compare)
set -u
here=$(cd "$(dirname "$0")" && pwd)
report=$here/../report/report.py
fixture=$here/fixtures/run
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

svg_has() { # file, series names...
  python3 - "$@" <<'PY' || exit 1
import sys, xml.etree.ElementTree as ET
path, names = sys.argv[1], sys.argv[2:]
try:
    root = ET.parse(path).getroot()
except ET.ParseError as e:
    sys.exit(f"FAIL: {path} is not XML: {e}")
text = " ".join(t for t in root.itertext())
missing = [n for n in names if n not in text]
if missing:
    sys.exit(f"FAIL: {path} lacks series {missing}")
PY
}

case $1 in
files)
  cp "$fixture"/*.ndjson "$dir/"
  python3 "$report" "$dir" >"$dir/out.txt" 2>&1 || { cat "$dir/out.txt"; fail "report exited $?"; }
  r=$dir/report
  for f in index.html summary.md; do [[ -s $r/$f ]] || fail "$f missing"; done
  for p in overhead speedup latency wasm_ratio startup idle_cpu python; do
    for ext in svg png; do [[ -s $r/plots/$p.$ext ]] || fail "plots/$p.$ext missing"; done
  done
  svg_has "$r/plots/overhead.svg" spin/warm futex/cold openmp "spin round trip" native node chrome python
  svg_has "$r/plots/speedup.svg" spin/warm "break-even"
  svg_has "$r/plots/latency.svg" p50 p99 p99.9 "timer-limited" chrome
  svg_has "$r/plots/wasm_ratio.svg" node chrome dispatch
  svg_has "$r/plots/startup.svg" spin/warm "worker ready"
  svg_has "$r/plots/idle_cpu.svg" warm cold
  svg_has "$r/plots/python.svg" "python: py_threads" "python: py_to_pool.spin" "pyodide-node: py_per_item" "pyodide-chrome: py_serial"
  python3 - "$r/summary.md" <<'PY' || exit 1
import sys
md = open(sys.argv[1]).read()
assert "## Python: native CPython vs Pyodide" in md, "FAIL: no Python section"
row = [l for l in md.splitlines() if l.startswith("| ctypes call into C |")]
assert row and len(row[0].split("|")) == 6 and all(c.strip() not in ("", "-") for c in row[0].split("|")[2:5]), \
    f"FAIL: the ctypes row lacks a platform: {row}"
assert "| python_threads | RuntimeError: can't start new thread |" in md, "FAIL: no capability probe"
PY
  grep -q '## Findings' "$r/summary.md" || fail "summary.md has no findings"
  grep -q 'cheapest empty' "$r/summary.md" || fail "no dispatch finding"
  grep -q 'cross_origin_isolated' "$r/summary.md" || fail "environment table lacks the browser probe"
  echo "ok: every report file, SVGs valid with their series, the Python panel" ;;
one_platform)
  cp "$fixture/native.ndjson" "$dir/"
  python3 "$report" "$dir" >/dev/null 2>&1 || fail "report of a native-only run failed"
  [[ -s $dir/report/plots/overhead.svg ]] || fail "no overhead plot"
  [[ ! -e $dir/report/plots/wasm_ratio.svg ]] || fail "wasm ratio plot without wasm records"
  echo "ok: native-only run reported, wasm panels omitted" ;;
compare)
  mkdir "$dir/old" "$dir/new"
  cp "$fixture"/*.ndjson "$dir/old/"; cp "$fixture"/*.ndjson "$dir/new/"
  python3 "$report" "$dir/new" --baseline "$dir/old" >/dev/null 2>&1 || fail "comparison report failed"
  svg_has "$dir/new/report/plots/comparison.svg" "new / old"
  grep -q 'Compared with the baseline' "$dir/new/report/summary.md" || fail "no comparison table"
  echo "ok: comparison mode" ;;
bad_input)
  expect2() { # name, file content command
    local name=$1; mkdir -p "$dir/$name"
    cat >"$dir/$name/native.ndjson"
    local err rc
    err=$(python3 "$report" "$dir/$name" 2>&1 >/dev/null); rc=$?
    [[ $rc -eq 2 ]] || fail "$name: exit $rc, want 2 ($err)"
    [[ $(printf '%s\n' "$err" | grep -c .) -eq 1 ]] || fail "$name: not one line: $err"
    [[ $err == *native.ndjson:* ]] || fail "$name: file not named: $err"
    echo "ok: $name -> $err"
  }
  : | expect2 empty
  head -c 700 "$fixture/native.ndjson" | expect2 truncated
  { head -3 "$fixture/native.ndjson"; echo '{"type":"measurement","oops":'; } | expect2 broken_line
  printf 'hello world\nthis is not json\n' | expect2 garbage
  printf '{"name":"a foreign JSON file"}\n' | expect2 foreign
  { head -1 "$fixture/native.ndjson"; sed -n 2p "$fixture/native.ndjson" | sed 's/"median":[0-9.e+-]*/"median":"fast"/'; } | expect2 wrong_type
  err=$(python3 "$report" "$dir/nonexistent" 2>&1 >/dev/null); [[ $? -eq 2 ]] || fail "missing dir"
  echo "ok: bad input" ;;
*) echo "usage: test_report.sh files|one_platform|compare|bad_input"; exit 2 ;;
esac
