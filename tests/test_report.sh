#!/usr/bin/env bash
# The report from a committed fixture run (real records, trimmed): every file
# is written, every SVG is XML with the expected series; a one-platform run
# still gives a report; bad input gives one line naming file and line, exit 2.
# Records are untrusted: a crafted file never runs a command (gnuplot, shell)
# and every hostile input is one line, exit 2, never a traceback. A run with
# a noisy reference says so first (summary.md and index.html) and gives no
# figure in its units; a clean one says neither. Fork-join findings rank
# pools whose intervals overlap as tied; an empty dispatch is said as such.
# A busy run (fixtures/run_busy) flags the figures that cannot be true, per
# job, and the verdict gives none where it cannot judge.
# usage: test_report.sh CASE   (files | one_platform | bad_input | compare |
#                               injection | hostile | platforms_alone | verdict |
#                               plots | runs | threads | busy | markdown |
#                               escapes)
set -u
here=$(cd "$(dirname "$0")" && pwd)
report=$here/../report/report.py
fixture=$here/fixtures/run
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export PYTHONPATH=$here${PYTHONPATH:+:$PYTHONPATH}
unmd() { python3 "$here/summary_md.py" "$1"; }  # summary.md as shown
# Whether a report calls anything noisy: the banner, the trust line, a cell,
# a verdict row, a finding, or a non-zero count of noisy jobs (the trust
# line always counts them, "0 of N").
called_noisy() { # files...
  grep -qE '\*\*noisy run\*\*|\*\*Noisy\*\*|\(noisy|no verdict: noisy|not ranked, noisy| [1-9][0-9]* of [0-9]+ (jobs|figures) noisy|<b>noisy run</b>' "$@"
}

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

# Error bars drawn in an SVG: a vertical stroke with a cap at each end
# (gnuplot's yerrorbars/yerrorlines); an axis tic or a grid line has no caps.
svg_errorbars() { # file, least count
  python3 - "$@" <<'PY' || exit 1
import re, sys
path, least = sys.argv[1], int(sys.argv[2])
segs = [tuple(map(float, m)) for m in re.findall(
    r"M([-0-9.]+),([-0-9.]+) L([-0-9.]+),([-0-9.]+)", open(path).read())]
bars = sum(1 for i in range(len(segs) - 2)
           if segs[i][0] == segs[i][2] and segs[i][1] != segs[i][3]
           and {segs[i + 1][1], segs[i + 2][1]} == {segs[i][1], segs[i][3]}
           and all(c[1] == c[3] and c[0] < segs[i][0] < c[2] for c in segs[i + 1:i + 3]))
if bars < least:
    sys.exit(f"FAIL: {path} has {bars} error bars, want >= {least}")
PY
}

# Plots at their fixed names (DIR/NAME.svg, .png, .gp), each SVG with
# gnuplot's mouse script (a click on a legend entry hides the series), every
# panel's legend outside its graph (set in the script, so no data point can
# sit under it) and at most 7 series a panel.
plots_interactive() { # dir, plot names...
  python3 - "$@" <<'PY' || exit 1
import os, re, sys
import xml.etree.ElementTree as ET
d, names = sys.argv[1], sys.argv[2:]
for n in names:
    for ext in ("svg", "png", "gp"):
        assert os.path.getsize(os.path.join(d, f"{n}.{ext}")) > 0, f"FAIL: plots/{n}.{ext} missing"
    svg = open(os.path.join(d, n + ".svg"), encoding="utf-8").read()
    ET.fromstring(svg.encode())
    assert "gnuplot_svg" in svg and "toggleVisibility" in svg and "<script" in svg, f"FAIL: {n}.svg has no mouse script"
    gp = open(os.path.join(d, n + ".gp"), encoding="utf-8").read()
    assert "set key inside" not in gp, f"FAIL: {n}.gp puts a legend inside the graph"
    key, plots = None, 0
    lines = gp.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(("set key", "unset key")):
            key = line
        if line.startswith("plot "):
            plots += 1
            assert key and ("outside" in key or key.startswith("unset")), f"FAIL: {n}.gp panel {plots}: legend not outside ({key})"
            cmd = line
            j = i
            while cmd.endswith("\\"):
                j += 1
                cmd = cmd[:-1] + lines[j]
            titled = len(re.findall(r"(?<!no)title '", cmd))
            assert titled <= 7, f"FAIL: {n}.gp panel {plots}: {titled} series"
    assert plots, f"FAIL: {n}.gp plots nothing"
PY
}

case $1 in
files)
  cp "$fixture"/*.ndjson "$dir/"
  python3 "$report" "$dir" >"$dir/out.txt" 2>&1 || { cat "$dir/out.txt"; fail "report exited $?"; }
  r=$dir/report
  for f in index.html summary.md; do [[ -s $r/$f ]] || fail "$f missing"; done
  for p in speedup tradeoff latency wasm_ratio startup python; do
    for ext in svg png; do [[ -s $r/plots/$p.$ext ]] || fail "plots/$p.$ext missing"; done
  done
  # A run older than the forkjoin scenarios has no fork-join plot.
  [[ ! -e $r/plots/forkjoin.svg ]] || fail "a fork-join plot without forkjoin records"
  svg_has "$r/plots/speedup.svg" spin/warm futex/cold openmp "break-even" "native: warm pools" "chrome: cold pools"
  grep -q '| dispatch (caller may run it alone) | dispatch: workers ran |' <(unmd "$r/summary.md") ||
    fail "the summary table does not say what a dispatch is and how much the workers ran"
  svg_has "$r/plots/latency.svg" p50 p90 p99 p99.9 "clock steps" "chrome: warm pools"
  svg_has "$r/plots/wasm_ratio.svg" node chrome dispatch
  svg_has "$r/plots/startup.svg" spin/warm "worker ready"
  svg_has "$r/plots/tradeoff.svg" native node "chrome: no CPU clock"
  svg_has "$r/plots/python.svg" "python: py_threads" "python: py_to_pool.spin" "pyodide-node: py_per_item" "pyodide-chrome: py_serial"
  # Every median drawn with its interval: one bar per point.
  for p in speedup python; do svg_errorbars "$r/plots/$p.svg" 8; done
  grep -q '^## native: median \[95% interval\]' <(unmd "$r/summary.md") || fail "no interval in the table's title"
  grep -qE '^\| spin/warm \| [0-9.]+ (ns|us) \[[0-9.]+ (ns|us), [0-9.]+ (ns|us)\] \|' <(unmd "$r/summary.md") \
    || fail "the native table has no 'median [lo, hi]' cell"
  grep -q ' ‡ |' <(unmd "$r/summary.md") || fail "no figure marked for an interval below 95%"
  # Findings link the plot that shows them, only plots the report drew.
  grep -q '^- \*\*native\*\*: parallelism pays off.*(\[plot\](plots/speedup.svg))$' <(unmd "$r/summary.md") \
    || fail "the break-even finding does not link its plot"
  ! grep -q 'plots/forkjoin.svg' <(unmd "$r/summary.md") || fail "a finding links a plot that was not drawn"
  grep -q "<li><b>native</b>: parallelism pays off.*(<a href='#plot-speedup'>plot</a>)</li>" "$r/index.html" \
    && grep -q "<h3 id='plot-speedup'>" "$r/index.html" || fail "index.html findings do not link the plots"
  python3 - "$r/summary.md" <<'PY' || exit 1
import sys
from summary_md import read
md = read(sys.argv[1])
assert "## Python: native CPython vs Pyodide" in md, "FAIL: no Python section"
row = [l for l in md.splitlines() if l.startswith("| ctypes call into C |")]
assert row and len(row[0].split("|")) == 6 and all(c.strip() not in ("", "-") for c in row[0].split("|")[2:5]), \
    f"FAIL: the ctypes row lacks a platform: {row}"
assert "| python_threads | RuntimeError: can't start new thread |" in md, "FAIL: no capability probe"
PY
  grep -q '## Findings' <(unmd "$r/summary.md") || fail "summary.md has no findings"
  grep -q 'empty call that the caller may run alone' <(unmd "$r/summary.md") || fail "no dispatch finding"
  grep -q 'no `forkjoin` records' <(unmd "$r/summary.md") || fail "a run without forkjoin records does not say so"
  ! grep -qi 'cheapest empty' <(unmd "$r/summary.md") || fail "dispatch still named the cheapest parallel_for"
  # The fixture's chrome spin round trip (763 us, above its futex one) is noisy: said first.
  [[ $(sed -n 3p "$r/summary.md") == '**noisy run**'*'chrome: spin round trip 763.12 us'* ]] \
    || fail "summary.md does not open with the noisy banner: $(sed -n 3p "$r/summary.md")"
  grep -q "<body><h1>[^<]*</h1><p class='note'><b>noisy run</b>[^<]*chrome: spin round trip" "$r/index.html" \
    || fail "index.html does not open with the noisy banner"
  # A noisy platform gets no verdict, and its findings say so first.
  grep -q '^| chrome | bursts with idle gaps (frames, input) | no verdict: noisy (spin round trip 763.12 us above' \
    <(unmd "$r/summary.md") || fail "the noisy chrome still ranks: $(grep '^| chrome' <(unmd "$r/summary.md"))"
  ! grep '^- \*\*chrome\*\*' <(unmd "$r/summary.md") | grep -qv '^- \*\*chrome\*\* (noisy: spin round trip): ' \
    || fail "a chrome finding does not open with noisy: $(grep '^- \*\*chrome' <(unmd "$r/summary.md"))"
  grep -q 'cross_origin_isolated' <(unmd "$r/summary.md") || fail "environment table lacks the browser probe"
  echo "ok: every report file, SVGs valid with their series, the Python panel" ;;
one_platform)
  cp "$fixture/native.ndjson" "$dir/"
  python3 "$report" "$dir" >/dev/null 2>&1 || fail "report of a native-only run failed"
  [[ -s $dir/report/plots/speedup.svg ]] || fail "no speedup plot"
  [[ ! -e $dir/report/plots/wasm_ratio.svg ]] || fail "wasm ratio plot without wasm records"
  mkdir "$dir/calls"
  { head -1 "$fixture/python.ndjson"; grep '"scenario":"call"' "$fixture/python.ndjson"; } >"$dir/calls/python.ndjson"
  python3 "$report" "$dir/calls" >/dev/null 2>"$dir/calls.err" || { cat "$dir/calls.err"; fail "report of a calls-only Python run failed"; }
  ! called_noisy "$dir/report/summary.md" "$dir/report/index.html" || fail "a clean run called noisy"
  # The spin reference measured again at the end of the run moved x5 (a load
  # that started mid-run): noisy, though each measurement was steady.
  mkdir "$dir/drift"
  { grep -v '"type":"end"' "$fixture/native.ndjson"
    echo '{"type":"reference_drift","platform":"native","scenario":"pingpong","backend":"spin_pingpong","start_ns":100,"end_ns":500}'
    grep '"type":"end"' "$fixture/native.ndjson"
  } >"$dir/drift/native.ndjson"
  python3 "$report" "$dir/drift" >/dev/null 2>&1 || fail "report of a run with a reference drift failed"
  grep -q 'noisy.*at the start.*at the end of the run' <(unmd "$dir/drift/report/summary.md") ||
    fail "a spin reference that moved x5 during the run is not called noisy"
  # Synthetic fork-joins on the native fixture: the headline ranks them,
  # ties within overlapping intervals; a spin round trip of 11 ms is noisy.
  for case in clean tie noisy; do
    mkdir "$dir/$case"
    TESTS=$here python3 - "$fixture/native.ndjson" "$case" >"$dir/$case/native.ndjson" <<'PY' || exit 1
import json, os, sys
sys.path.insert(0, os.environ["TESTS"])
from test_targets import SPIN_RT, find, forkjoin, scale
recs = [json.loads(line) for line in open(sys.argv[1])]
case = sys.argv[2]
recs += [forkjoin("native", "spin", "warm", 2 * SPIN_RT),
         forkjoin("native", "adaptive", "warm", (2.05 if case == "tie" else 3) * SPIN_RT),
         forkjoin("native", "futex", "warm", 10 * SPIN_RT)]
if case == "noisy":
    scale(find(recs, "pingpong", "spin_pingpong"), 11e6 / find(recs, "pingpong", "spin_pingpong")["median"])
recs.sort(key=lambda r: r["type"] == "end")  # records added above go before the run's end
print("".join(json.dumps(r) + "\n" for r in recs), end="")
PY
    python3 "$report" "$dir/$case" >/dev/null 2>"$dir/$case.err" || { cat "$dir/$case.err"; fail "$case: report failed"; }
  done
  md() { cat "$dir/$1/report/summary.md"; }
  [[ $(md clean) == *'cheapest fork-join (every thread joins): `spin/warm` at 600 ns ['*' spin round trips; then `adaptive/warm`'* ]] \
    || fail "clean: no fork-join headline: $(grep -m1 'fork-join' <(unmd "$dir/clean/report/summary.md"))"
  ! called_noisy <(unmd "$dir/clean/report/summary.md") && [[ $(grep '^- .*fork-join' <<<"$(md clean)") != *tied* ]] \
    || fail "clean: noisy or tied"
  [[ $(md tie) == *'`spin/warm` at 600 ns ['*'; tied with `adaptive/warm` at 615 ns ['*'(intervals overlap)'* ]] \
    || fail "tie: overlapping intervals not called tied: $(grep -m1 'fork-join' <(unmd "$dir/tie/report/summary.md"))"
  [[ $(sed -n 3p "$dir/noisy/report/summary.md") == '**noisy run**'*'native: spin round trip 11.00 ms above 10.00 us'* ]] \
    || fail "noisy: no banner first: $(sed -n 3p "$dir/noisy/report/summary.md")"
  grep -q "<p class='note'><b>noisy run</b>" "$dir/noisy/report/index.html" || fail "noisy: no banner in index.html"
  [[ $(md noisy) == *'(in spin round trips: N/A, reference noisy: spin round trip 11.00 ms'* ]] \
    || fail "noisy: a figure still in spin round trips"
  out=$(python3 "$here/../report/targets.py" "$dir/noisy"); [[ $? -le 1 ]] || fail "noisy: targets failed"
  row=$(grep '^native *1\. forkjoin warm.*spin/warm' <<<"$out")
  [[ $row == *' N/A '*'reference noisy: spin round trip 11.00 ms'* ]] || fail "noisy: target 1 not N/A: $row"
  ! python3 "$here/../report/targets.py" "$dir/clean" | grep -q noisy || fail "clean: targets say noisy"
  echo "ok: native-only run reported, wasm panels omitted, no banner; a calls-only Python run reported;" \
       "fork-join headline (tied within overlapping intervals); an 11 ms spin round trip is a noisy banner and N/A" ;;
compare)
  mkdir "$dir/old" "$dir/new"
  cp "$fixture"/*.ndjson "$dir/old/"; cp "$fixture"/*.ndjson "$dir/new/"
  python3 "$report" "$dir/new" --baseline "$dir/old" >/dev/null 2>&1 || fail "comparison report failed"
  svg_has "$dir/new/report/plots/comparison.svg" "new / old"
  grep -q 'Compared with the baseline' <(unmd "$dir/new/report/summary.md") || fail "no comparison table"
  # The gate's verdicts beside the ratios (its U test, report/gate.conf): one
  # key made 1.6x slower in every sample of the new run is a regression, an
  # unchanged one is not; without the gate binary the note says why.
  gate=$here/../build/poolbench_gate
  if [[ -x $gate ]]; then
    python3 - "$dir/new/native.ndjson" <<'PY' || exit 1
import json, sys
path = sys.argv[1]
out = []
for line in open(path):
    r = json.loads(line)
    if (r.get("scenario") == "grain" and r.get("backend") == "spin" and r.get("mode") == "warm"
            and r.get("work_ns") == 1000):
        for f in ("median", "mad", "min", "max", "mean", "ci_lo", "ci_hi"):
            r[f] *= 1.6
        r["samples"] = [v * 1.6 for v in r["samples"]]
    out.append(json.dumps(r))
open(path, "w").write("\n".join(out) + "\n")
PY
    POOLBENCH_GATE=$gate python3 "$report" "$dir/new" --baseline "$dir/old" >/dev/null 2>&1 || fail "comparison report failed"
    grep -Eq '^\| native \| grain spin/warm W=1000 \|.*\| 1\.60 \| regression \| 0\.0' <(unmd "$dir/new/report/summary.md") \
      || fail "the slowed key is not the gate's regression: $(grep 'grain spin/warm W=1000' <(unmd "$dir/new/report/summary.md"))"
    grep -Eq '^\| native \| grain futex/warm W=1000 \|.*\| 1\.00 \| ok \|' <(unmd "$dir/new/report/summary.md") \
      || fail "an unchanged key: $(grep 'grain futex/warm W=1000' <(unmd "$dir/new/report/summary.md"))"
    grep -q 'The regression gate on the same pair.*gate: regression' <(unmd "$dir/new/report/summary.md") \
      || fail "no gate note"
  fi
  POOLBENCH_GATE=/nonexistent python3 "$report" "$dir/new" --baseline "$dir/old" >/dev/null 2>&1 || fail "without the gate"
  grep -q 'no gate verdicts: build/poolbench_gate is missing' <(unmd "$dir/new/report/summary.md") || fail "no note without the gate"
  echo "ok: comparison mode, with the gate's verdicts" ;;
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
injection)
  # A newline in a name starts a gnuplot line ('!' runs a shell command); a
  # backquote inside a double-quoted gnuplot string is run by the shell too.
  mkdir "$dir/run"
  cp "$fixture/native.ndjson" "$dir/run/"
  payload="condvar\n!touch $dir/PWNED1\nset label 1 'x'#"
  grep -m1 '"scenario":"grain",' "$fixture/native.ndjson" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read()); r["backend"] = sys.argv[1]
print(json.dumps(r))' "$(printf "$payload")" >>"$dir/run/native.ndjson"
  err=$(python3 "$report" "$dir/run" 2>&1 >/dev/null); rc=$?
  [[ $rc -eq 2 && $err == *native.ndjson:* ]] || fail "injection file: exit $rc ($err)"
  python3 "$here/../report/targets.py" "$dir/run" >/dev/null 2>&1; [[ $? -eq 2 ]] || fail "targets took it"
  # The plot layer on its own: any text in a title or a series name stays text.
  PLOTS_DIR=$here/../report OUT=$dir/plots python3 - "$dir" <<'PY' || exit 1
import os, sys
sys.path.insert(0, os.environ["PLOTS_DIR"])
import plots
d = sys.argv[1]
evil = [f"a\n!touch {d}/PWNED2\n#", f"b`touch {d}/PWNED3`", f"c'\n!touch {d}/PWNED4", "d\\\"'@x"]
s = plots.Script()
s += "plot " + ", ".join(f"{s.data([(1, i), (2, i + 1)])} using 1:2 with lines title {plots.q(e)}"
                         for i, e in enumerate(evil))
plots.render(s, os.environ["OUT"], "evil", evil[0])
try:
    plots.num("1\nEOD")
    sys.exit("FAIL: text taken as a number for a datablock")
except ValueError:
    pass
PY
  for i in 1 2 3 4; do [[ ! -e $dir/PWNED$i ]] || fail "a record ran a command (PWNED$i)"; done
  svg_has "$dir/plots/evil.svg" "touch" "d\\\"'@x"
  echo "ok: no command from records or names" ;;
markdown)
  # Record text and the folder's name are text in summary.md: no link, image
  # or HTML of theirs is live there (index.html escapes them as HTML).
  run=$dir/'x<img src=x onerror=alert(1)>'
  mkdir "$run"
  python3 - "$fixture/native.ndjson" >"$run/native.ndjson" <<'PY' || exit 1
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    if i == 0:
        r["cpu_model"] = "[click me](https://evil.example) ![t](https://evil.example/t.png) <b>x</b> | # *y*"
    print(json.dumps(r))
PY
  python3 "$report" "$run" >/dev/null 2>"$dir/err" || fail "report failed: $(cat "$dir/err")"
  python3 - "$run/report/summary.md" <<'PY' || exit 1
import re, sys
md = open(sys.argv[1], encoding="utf-8").read()
# The report's own links (a finding's plot) aside, nothing may open a link,
# an image or a tag, nor end a table cell early.
text = re.sub(r"\(\[plot\]\(plots/[a-z_]+\.svg\)\)", "", md)
live = re.findall(r"(?<!\\)(?:\]\(|!\[|<[A-Za-z/!?])", text)
assert not live, f"FAIL: live Markdown from records or names: {live}"
title = md.splitlines()[0]
assert title == r"# poolbench report: x\<img src=x onerror=alert\(1\)\>", f"FAIL: title {title}"
row = [l for l in md.splitlines() if l.startswith(r"| cpu\_model |")]
assert row == [r"| cpu\_model | \[click me\]\(https://evil.example\) \!\[t\]\(https://evil.example/t.png\) "
               r"\<b\>x\</b\> \| # \*y\* |"], f"FAIL: cpu_model row {row}"
PY
  echo "ok: summary.md shows record text and names as text" ;;
escapes)
  # Messages quote their input: an argument, a path or a record's cpu_model
  # holding terminal codes (ESC]0;..BEL retitles, ESC[2J clears) and a newline
  # reaches no output raw, and an error stays one line.
  mkdir "$dir/run"
  python3 - "$fixture/native.ndjson" >"$dir/run/native.ndjson" <<'PY' || exit 1
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    if i == 0:
        r["cpu_model"] = "CPU\x1b]0;x\x07\x1b[2J\nB"
    print(json.dumps(r))
PY
  evil=$'\e]0;x\a\e[2J\nz'
  quiet() { # exit wanted, command...: no ESC on stdout or stderr; errors one line
    local want=$1 rc; shift
    "$@" >"$dir/out" 2>"$dir/err"; rc=$?
    [[ $rc -eq $want ]] || fail "${*@Q}: exit $rc, want $want: $(cat -v "$dir/err")"
    ! grep -q $'\e' "$dir/out" "$dir/err" || fail "${*@Q}: a raw ESC in its output: $(cat -v "$dir/out" "$dir/err")"
    [[ $want -eq 0 || $(grep -c . "$dir/err") -eq 1 ]] || fail "${*@Q}: not one line: $(cat -v "$dir/err")"
  }
  quiet 2 python3 "$report" "$dir/run" "--bogus$evil"
  quiet 2 python3 "$report" "$dir/none$evil"
  quiet 2 python3 "$report" "$dir/run" --baseline "$dir/none$evil"
  quiet 2 python3 "$here/../report/platforms.py" "$dir/none$evil"
  # Usage errors of every Python program: one line, the argument quoted.
  quiet 2 python3 "$here/../report/platforms.py"
  quiet 2 python3 "$here/../report/platforms.py" "$dir/run" "--bogus$evil"
  quiet 2 python3 "$here/../report/targets.py"
  quiet 2 python3 "$here/../report/targets.py" "$dir/run" "--bogus$evil"
  quiet 2 python3 "$here/../bench/py_baselines.py" --out "$dir/py" "--bogus$evil"
  # A run's error record in the findings: plain words, no live link or mark.
  { grep -v '"type":"end"' "$fixture/native.ndjson"
    echo '{"type":"error","platform":"native","scenario":"forkjoin","backend":"spin","mode":"warm","message":"[click](https://evil.example) ![t](https://evil.example/t.png) <img src=x onerror=alert(1)>"}'
    grep '"type":"end"' "$fixture/native.ndjson"; } >"$dir/run/native.ndjson.new"
  mkdir "$dir/err_run" && mv "$dir/run/native.ndjson.new" "$dir/err_run/native.ndjson"
  quiet 0 python3 "$report" "$dir/err_run"
  ! grep -qE '\]\(https://evil|<img src=x' "$dir/err_run/report/summary.md" "$dir/err_run/report/index.html" ||
    fail "an error record's message became a link or HTML: $(grep -hE 'evil' "$dir/err_run/report/summary.md" | head -2)"
  # Against another machine's run: the gate (when built) refuses, its reason
  # quoted into the report.
  quiet 0 python3 "$report" "$dir/run" --baseline "$fixture"
  ! grep -q $'\e' "$dir/run/report/summary.md" "$dir/run/report/index.html" || fail "a raw ESC in summary.md or index.html"
  echo "ok: no terminal codes from arguments, paths or records" ;;
hostile)
  # Each input once crashed a Python reader with a traceback or was taken.
  hdr=$(head -1 "$fixture/native.ndjson"); rec=$(sed -n 2p "$fixture/native.ndjson")
  edit() { python3 -c "import json,sys; r=json.loads(sys.argv[1]); $2; print(json.dumps(r))" "$1"; }
  refuse() { # name; stdin: the hostile file, read as native.ndjson and as node.ndjson
    local name=$1 err rc tool
    mkdir -p "$dir/$name/nat" "$dir/$name/wasm"; cat >"$dir/$name/nat/native.ndjson"
    cp "$fixture/native.ndjson" "$dir/$name/wasm/native.ndjson"
    cp "$dir/$name/nat/native.ndjson" "$dir/$name/wasm/node.ndjson"
    for tool in report.py:nat targets.py:nat platforms.py:wasm; do
      err=$(python3 "$here/../report/${tool%:*}" "$dir/$name/${tool#*:}" 2>&1 >/dev/null); rc=$?
      [[ $rc -eq 2 ]] || fail "$name: $tool exit $rc, want 2 ($err)"
      [[ $(printf '%s\n' "$err" | grep -c .) -eq 1 && $err != *Traceback* ]] || fail "$name: $tool: $err"
      [[ $err == *.ndjson:[0-9]* ]] || fail "$name: $tool names no FILE:LINE: $err"
    done
    echo "ok: $name -> $err"
  }
  { echo "$hdr"; python3 -c 'print("[" * 200000 + "]" * 200000)'; } | refuse long_line
  { echo "$hdr"; python3 -c 'print("[" * 30000 + "]" * 30000)'; } | refuse deep
  { echo "$hdr"; echo "${rec/\"median\":/\"median\":$(printf '9%.0s' $(seq 5000)),\"x\":}"; } | refuse digits
  { echo "$hdr"; echo "${rec/\"median\":/\"median\":NaN,\"x\":}"; } | refuse nan
  { echo "$hdr"; echo "${rec/\"median\":/\"median\":1e999,\"x\":}"; } | refuse inf
  { echo "$hdr"; edit "$rec" 'r["samples"][0] = -5'; } | refuse negative_sample
  { echo "$hdr"; edit "$rec" 'r["median"] = -1'; } | refuse negative_median
  { edit "$hdr" 'r["schema"] = 2'; echo "$rec"; } | refuse schema2
  { echo "$hdr"; echo "$rec"; echo "$hdr"; echo "$rec"; } | refuse concatenated
  { echo "$hdr"; edit "$rec" 'r["platform"] = "node"'; } | refuse platform_mismatch
  { echo "$hdr"; echo "${rec/\{/\{\"median\":1,}"; } | refuse duplicate_key
  { echo "$hdr"; edit "$rec" 'r["backend"] = "spin\n!id"'; } | refuse control_in_name
  { echo "$hdr"; edit "$rec" 'r["threads"] = 100000'; } | refuse threads_huge
  # Valid but degenerate: every median 0 -> no traceback anywhere.
  mkdir "$dir/zeros"
  python3 - "$fixture/native.ndjson" >"$dir/zeros/native.ndjson" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    for k in ("median", "p50", "p90", "p99", "p999", "min", "max", "mean", "mad", "first_call_ns"):
        if i and isinstance(r.get(k), (int, float)):
            r[k] = 0
    print(json.dumps(r))
PY
  for tool in report.py targets.py; do
    err=$(python3 "$here/../report/$tool" "$dir/zeros" 2>&1 >/dev/null); rc=$?
    [[ $err != *Traceback* && $rc -le 2 ]] || fail "zeros: $tool exit $rc: $err"
  done
  err=$(python3 "$report" "$fixture" --out /proc/nope 2>&1 >/dev/null); rc=$?
  [[ $rc -eq 2 && $err != *Traceback* && $(printf '%s\n' "$err" | grep -c .) -eq 1 ]] \
    || fail "--out /proc/nope: exit $rc: $err"
  echo "ok: hostile inputs refused in one line, zeros and an unwritable --out without a traceback" ;;
platforms_alone)
  # make bench-node / bench-browser into a fresh RUN: no native.ndjson there.
  mkdir -p "$dir/results/wasm"
  cp "$fixture/node.ndjson" "$dir/results/wasm/"
  out=$(python3 "$here/../report/platforms.py" "$dir/results/wasm" 2>&1); rc=$?
  [[ $rc -eq 0 && $out == *skipped* ]] || fail "alone: exit $rc: $out"
  mkdir "$dir/results/nat"; cp "$fixture/native.ndjson" "$dir/results/nat/"
  out=$(python3 "$here/../report/platforms.py" "$dir/results/wasm" 2>&1); rc=$?
  [[ $rc -eq 0 && $out == *results/nat/native.ndjson* && $out == *node/nat* ]] || fail "sibling: exit $rc: $out"
  # After the native stage alone: its line, no ratios, exit 0; nothing to read: exit 2.
  out=$(python3 "$here/../report/platforms.py" "$dir/results/nat" 2>&1); rc=$?
  [[ $rc -eq 0 && $out == 'native: interference not counted (no counters), 0 of '*' figures noisy'*'ratios skipped'* ]] \
    || fail "native alone: exit $rc: $out"
  mkdir "$dir/results/empty"
  python3 "$here/../report/platforms.py" "$dir/results/empty" >/dev/null 2>&1; [[ $? -eq 2 ]] || fail "empty run dir: not exit 2"
  echo "ok: Wasm-only and native-only runs exit 0, ratios from a same-machine native run or skipped with a note" ;;
verdict)
  # The second fixture (forkjoin, forkjoin_spaced, bursts): each row names
  # the pool its figures imply. Natively atomic_wait/warm, spin/warm and
  # adaptive/warm fork-join within one another's intervals: tied, and
  # adaptive/warm's 0.8% of a core between bursts (the others' 12.7%)
  # decides; OpenMP's spaced fork-join is clear of the rest; under Node no
  # pool beats serial in bursts, and the warm pools whose workers ran 1-4%
  # of the items are left out, never named.
  python3 "$report" "$here/fixtures/run_forkjoin" --out "$dir/fj" >/dev/null 2>"$dir/fj.err" || { cat "$dir/fj.err"; fail "report failed"; }
  python3 - "$dir/fj/summary.md" "$dir/fj/index.html" <<'PY' || exit 1
import re, sys
from summary_md import read
md, page = read(sys.argv[1]), open(sys.argv[2]).read()
head = md.split("## Findings")[0]
assert "## Verdict" in head, "FAIL: no verdict before the findings"
trust = [l for l in head.splitlines() if l.startswith("**Machine**")]
assert trust and "AMD EPYC, 2 logical cores" in trust[0] and "chrome 5.00 us" in trust[0] \
    and "References**: steady" in trust[0] and "native 12, node 11, chrome 23" in trust[0], f"FAIL: trust line: {trust}"
assert head.index("**Machine**") < head.index("| platform | work | use |"), "FAIL: the trust line is not above the verdict"
rows = [[c.strip() for c in l.split("|")[1:-1]] for l in head.splitlines()
        if l.startswith("| ") and not l.startswith("| platform")]
def row(plat, work):
    r = next((v for v in rows if v[0] == plat and v[1].startswith(work)), None)
    assert r, f"FAIL: no verdict row for {plat} {work}: {rows}"
    return r
r = row("native", "back-to-back")
assert r[2] == "adaptive/warm" and r[3].startswith("319 ns [314 ns, 326 ns]"), f"FAIL: native back-to-back: {r}"
assert r[5].startswith("tied with atomic_wait/warm, spin/warm"), f"FAIL: no tie said: {r}"
assert r[6].startswith("0.8% between bursts"), f"FAIL: no price: {r}"
r = row("native", "rare calls")
assert r[2] == "openmp" and r[4].startswith("futex/cold 27.61 us") and r[5] == "ahead (intervals apart)", f"FAIL: native rare: {r}"
r = row("node", "bursts")
assert r[2] == "condvar/cold" and "slower than serial (15.95 us" in r[5], f"FAIL: node bursts: {r}"
# Chrome's bursts are all at its 5 us clock's step (†) and it has no CPU
# clock: nothing but a † median could choose, so no verdict.
r = row("chrome", "bursts")
assert r[2].startswith("no verdict: timer-limited (") and "futex/cold †" in r[2] and r[3:] == ["-"] * 4, \
    f"FAIL: chrome bursts ranked on timer-limited figures: {r}"
r = row("node", "bursts")
assert "warm" not in r[2] + r[4] + r[5], f"FAIL: node bursts names a pool whose workers did not take part: {r}"
assert "warm" not in row("chrome", "bursts")[2].split("(")[1], "FAIL: chrome bursts names a pool whose workers did not take part"
assert re.search(r"Left out of the verdict.*node, bursts[^;]*`condvar/warm` \(workers ran 1% of the items\)", head), \
    "FAIL: the pools left out are not said"
assert "<h2>Verdict</h2>" in page and "<b>Machine</b>" in page, "FAIL: no verdict in index.html"
# Findings: every fork-join ranking links its plot; a dispatch whose workers
# ran 0-1% of the items names no pool.
found = [l for l in md.split("## Findings")[1].split("\n## ")[0].splitlines() if l.startswith("- ")]
fj = [l for l in found if "cheapest fork-join" in l]
assert len(fj) == 6 and all(l.endswith("([plot](plots/forkjoin.svg))") for l in fj), f"FAIL: fork-join findings: {fj}"
disp = [l for l in found if "`dispatch` is an empty call" in l]
assert disp and all(": the cheapest at" in l and "/warm" not in l and "/cold" not in l for l in disp), \
    f"FAIL: a dispatch finding names a pool whose workers did not take part: {disp}"
assert not [l for l in found if "grain sweep" in l], "FAIL: the per-W winner list is back"
PY
  # Synthetic fork-joins on the first fixture: 600 ns against 900 ns is a
  # choice, against 615 ns (overlapping intervals) a tie.
  for case in clear tie; do
    mkdir "$dir/$case"
    TESTS=$here python3 - "$fixture/native.ndjson" "$case" >"$dir/$case/native.ndjson" <<'PY' || exit 1
import json, os, sys
sys.path.insert(0, os.environ["TESTS"])
from test_targets import SPIN_RT, forkjoin
recs = [json.loads(line) for line in open(sys.argv[1])]
recs += [forkjoin("native", "spin", "warm", 2 * SPIN_RT),
         forkjoin("native", "adaptive", "warm", (2.05 if sys.argv[2] == "tie" else 3) * SPIN_RT)]
recs.sort(key=lambda r: r["type"] == "end")  # records added above go before the run's end
print("".join(json.dumps(r) + "\n" for r in recs), end="")
PY
    python3 "$report" "$dir/$case" >/dev/null 2>&1 || fail "$case: report failed"
  done
  grep -q '^| native | back-to-back calls | spin/warm | 600 ns \[[^|]*\] | adaptive/warm 900 ns [^|]* | ahead (intervals apart) |' \
    <(unmd "$dir/clear/report/summary.md") || fail "clear: $(grep 'back-to-back calls' <(unmd "$dir/clear/report/summary.md"))"
  grep -q '^| native | back-to-back calls | [a-z]*/warm | [^|]* | [a-z]*/warm [^|]* | tied with [a-z]*/warm (intervals overlap' \
    <(unmd "$dir/tie/report/summary.md") || fail "tie: $(grep 'back-to-back calls' <(unmd "$dir/tie/report/summary.md"))"
  echo "ok: the verdict names the pools the figures imply, ties overlapping intervals, leaves out pools whose workers did not run" ;;
plots)
  # The fixed plots of a run with every scenario (the second fixture): each
  # file at its fixed name, SVG with gnuplot's mouse script (a click on a
  # legend entry hides the series), every panel's legend outside its graph
  # (set in the script, so no data point can sit under it), at most 7
  # series a panel, and the interval bars of every median drawn.
  python3 "$report" "$here/fixtures/run_forkjoin" --out "$dir/fj" >/dev/null 2>"$dir/fj.err" || { cat "$dir/fj.err"; fail "report failed"; }
  r=$dir/fj/plots
  plots_interactive "$r" forkjoin speedup tradeoff latency wasm_ratio startup python
  svg_has "$r/forkjoin.svg" native node chrome "back to back" "1 ms apart" "spin round trip (same run)" \
    "futex round trip (same run)" openmp tbb spin/warm adaptive/cold
  svg_errorbars "$r/forkjoin.svg" 30
  svg_has "$r/speedup.svg" "native: warm pools" "node: cold pools" "native: runtimes' own policy" "break-even W"
  svg_errorbars "$r/speedup.svg" 100
  svg_has "$r/tradeoff.svg" "in-burst p99" "first call of a burst" "native" "node: workers did not take part" \
    "serial: the host's floor" "chrome: no CPU clock"
  svg_has "$r/latency.svg" "p99.9" "< 2 clock steps" "chrome: cold pools" "serial (caller alone)"
  # The log axes hold positive values only: a fork-join drawn at its median
  # with its interval, none at or below 0.
  grep -q 'set logscale y' "$r/forkjoin.gp" || fail "forkjoin is not on a log axis"
  sed -n '/^\$d[0-9]* << EOD/,/^EOD/p' "$r/forkjoin.gp" | grep -v EOD |
    awk '{ for (i = 2; i <= NF; i++) if ($i <= 0) bad = 1 } END { exit bad }' \
    || fail "forkjoin.gp draws a value <= 0 on its log axis"
  echo "ok: forkjoin, speedup, tradeoff and latency at their fixed names, interactive, legends outside" ;;
runs)
  # Three runs of one machine at three commits (the second fixture, figures
  # scaled x1, x1.3, x0.8), given out of order: laid side by side under
  # their commits, and the trend drawn over them oldest first.
  for i in 1 2 3; do
    mkdir -p "$dir/r$i"
    for plat in native node chrome; do
      python3 - "$here/fixtures/run_forkjoin/$plat.ndjson" "$i" >"$dir/r$i/$plat.ndjson" <<'PY' || exit 1
import json, sys
i = int(sys.argv[2])
f = {1: 1.0, 2: 1.3, 3: 0.8}[i]
for n, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    if n == 0:
        r["git_commit"], r["start_time"] = f"c0ffee{i}", f"2026-12-0{i}T10:00:00Z"
    elif r.get("type") == "measurement" and r.get("unit") == "ns" and r.get("scenario") != "pingpong":
        for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi"):
            r[k] *= f
        r["samples"] = [v * f for v in r["samples"]]
    print(json.dumps(r))
PY
    done
  done
  python3 "$report" "$dir/r3,$dir/r1,$dir/r2" --out "$dir/all" >/dev/null 2>"$dir/all.err" || { cat "$dir/all.err"; fail "report of three runs failed"; }
  [[ -s $dir/all/plots/trend.svg && -s $dir/all/plots/trend.png ]] || fail "no trend plot"
  svg_has "$dir/all/plots/trend.svg" c0ffee1 c0ffee2 c0ffee3 native node chrome "back-to-back calls" "rare calls"
  python3 - "$dir/all" <<'PY' || exit 1
import re, sys
d = sys.argv[1]
gp = open(f"{d}/plots/trend.gp").read()
assert re.search(r"set xtics \('c0ffee1' 0, 'c0ffee2' 1, 'c0ffee3' 2\)", gp), "FAIL: the runs are not in the order they were made"
# native back to back: the chosen pool at 319 ns x1, x1.3, x0.8, in that order
pts = re.search(r"\$d0 << EOD\n(.*?)\nEOD", gp, re.S).group(1).splitlines()
meds = [float(l.split()[1]) for l in pts]
assert [round(m / meds[0], 2) for m in meds] == [1.0, 1.3, 0.8], f"FAIL: trend points {meds}"
from summary_md import read
md = read(f"{d}/summary.md")
for plat in ("native", "node"):
    for i in (1, 2, 3):
        assert f"| {plat} @ c0ffee{i} | back-to-back calls |" in md, f"FAIL: no verdict row for {plat} @ c0ffee{i}"
assert "| chrome @ c0ffee1, Chrome/156.0.8078.114 | back-to-back calls |" in md, "FAIL: chrome not labelled with its browser"
assert md.index("native @ c0ffee1") < md.index("native @ c0ffee2") < md.index("native @ c0ffee3"), "FAIL: runs out of order"
PY
  # One run alone draws no trend.
  python3 "$report" "$dir/r1" --out "$dir/one" >/dev/null 2>&1 || fail "one run failed"
  [[ ! -e $dir/one/plots/trend.svg ]] || fail "a trend of one run"
  echo "ok: three runs side by side, labelled by commit and browser, with the trend oldest first" ;;
threads)
  # A forkjoin thread sweep appended to the second fixture's native file (as
  # make bench appends one): its forkjoin records again at P = 1 (medians
  # x0.5) and P = 4 (x3, past the 2 logical cores), the header's P staying 2;
  # at P = 4 condvar/warm at 50.5 ns, far below every pool at P = 2, and
  # futex/cold at 1.5 ms. The verdict, the table and plots/forkjoin read P = 2
  # only; plots/threads draws every P and the findings say the sweep.
  mkdir "$dir/sweep" "$dir/none"
  python3 - "$here/fixtures/run_forkjoin/native.ndjson" "$dir/none/native.ndjson" >"$dir/sweep/native.ndjson" <<'PY' || exit 1
import json, sys
recs = [json.loads(line) for line in open(sys.argv[1])]
def at(r, p, f, median=None):
    x = dict(r, threads=p, items=p, worker_share=(p - 1) / p)
    f = median / r["median"] if median else f
    for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi"):
        x[k] = r[k] * f
    x["samples"] = [v * f for v in r["samples"]]
    return x
fj = [r for r in recs if r.get("scenario") == "forkjoin"]
# The run's own references, steady: capacity 1.95 of 2 cores, no drift.
cap = dict(fj[0], scenario="capacity", backend="threads", mode="default", unit="cores", work_ns=2e7,
           spin_rt_units=None, futex_rt_units=None)
for k in ("fork_ns", "join_ns", "worker_share"):
    cap.pop(k, None)
cap = at(cap, 2, 1.95 / cap["median"])
cap.pop("worker_share")
drift = {"type": "reference_drift", "platform": "native", "scenario": "pingpong",
         "backend": "spin_pingpong", "start_ns": 100.0, "end_ns": 104.0}
recs += [cap, drift]
recs.sort(key=lambda r: r["type"] == "end")
with open(sys.argv[2], "w") as f:  # the run without the sweep
    f.write("".join(json.dumps(r) + "\n" for r in recs))
recs += [at(r, 1, 0.5) for r in fj]
planted = {("condvar", "warm"): 50.5, ("futex", "cold"): 1.5e6}
recs += [at(r, 4, 3, planted.get((r["backend"], r["mode"]))) for r in fj]
# grain at P = 4: every pool pays off from W = 3 us only (P = 2: the fixture's).
recs += [dict(r, threads=4, items=32, speedup=1.2 if r["work_ns"] >= 3000 else 0.5)
         for r in recs if r.get("type") == "measurement" and r.get("scenario") == "grain" and r["threads"] == 2]
# The appended run's own references (run --append measures them again): its
# drift record x5 and its capacity at P = 4 well below 2 cores judge the
# sweep, not the run, which must not be called noisy for them.
recs += [dict(drift, end_ns=drift["start_ns"] * 5), at(cap, 4, 0.55)]
recs.sort(key=lambda r: r["type"] == "end")  # records added above go before the run's end
print("".join(json.dumps(r) + "\n" for r in recs), end="")
PY
  for d in sweep none; do
    python3 "$report" "$dir/$d" >/dev/null 2>"$dir/$d.err" || { cat "$dir/$d.err"; fail "$d: report failed"; }
  done
  r=$dir/sweep/report
  plots_interactive "$r/plots" threads forkjoin
  svg_has "$r/plots/threads.svg" "native: warm pools" "native: cold pools" spin/warm futex/cold openmp "2 logical cores"
  svg_errorbars "$r/plots/threads.svg" 10
  grep -q '^set key outside' "$r/plots/threads.gp" || fail "threads.gp sets no legend outside"
  grep -q '^set arrow from first 2, graph 0 to first 2, graph 1 nohead' "$r/plots/threads.gp" \
    || fail "threads.gp marks no logical cores"
  [[ ! -e $dir/none/report/plots/threads.svg ]] || fail "a threads plot without a sweep"
  ! grep -q 'thread sweep\|oversubscribed' <(unmd "$dir/none/report/summary.md") || fail "a sweep finding without a sweep"
  TESTS=$here REPORT=$here/../report python3 - "$r" "$dir/none/report" "$dir/sweep" <<'PY' || exit 1
import json, os, re, sys
sys.path.insert(0, os.environ["REPORT"])
import records, references
r, none, sweep = sys.argv[1:4]
def blocks(gp):
    return [[[float(v) for v in l.split()] for l in b.splitlines()]
            for b in re.findall(r"<< EOD\n(.*?)\nEOD", open(gp).read(), re.S)]
# Every P of each pool, median and interval: spin/warm at 0.5, 1 and 3 x its P = 2 median.
spin2 = next(m for m in map(json.loads, open(f"{sweep}/native.ndjson"))
             if m.get("scenario") == "forkjoin" and m["backend"] == "spin" and m["mode"] == "warm" and m["threads"] == 2)
want = [[p, spin2["median"] * f] for p, f in ((1, 0.5), (2, 1), (4, 3))]
tb = blocks(f"{r}/plots/threads.gp")
assert any(len(b) == 3 and all(abs(x[0] - w[0]) < 1e-9 and abs(x[1] / w[1] - 1) < 1e-9 and x[2] <= x[1] <= x[3]
                               for x, w in zip(b, want)) for b in tb), f"FAIL: no spin/warm points at P = 1, 2, 4: {tb}"
assert any(50.5 in [x[1] for x in b] for b in tb), "FAIL: the P = 4 condvar/warm point is not in threads.gp"
# plots/forkjoin: only the run's P, the same data as without the sweep.
assert blocks(f"{r}/plots/forkjoin.gp") == blocks(f"{none}/plots/forkjoin.gp"), "FAIL: plots/forkjoin reads the sweep"
from summary_md import read
md, base = read(f"{r}/summary.md"), read(f"{none}/summary.md")
cut = lambda t, a, b: t.split(a)[1].split(b)[0]
# The trust line counts the whole file (jobs noisy of all, the sweep's too);
# the verdict's rows read the run's P only.
assert cut(md, "| platform | work", "## Findings") == cut(base, "| platform | work", "## Findings"), \
    "FAIL: the verdict reads the sweep"
assert "50 ns" not in md.split("## Findings")[0], "FAIL: a P = 4 figure is headlined"
assert "**Noisy**" not in md and "noisy run" not in md, "FAIL: the sweep's own references made the run noisy"
assert cut(md, "## native: median", "\n## ") == cut(base, "## native: median", "\n## "), "FAIL: the table reads the sweep"
found = [l for l in md.splitlines() if l.startswith("- **native**") and "plots/threads.svg" in l]
assert any("thread sweep (P = 1, 2, 4): the warm pool cheapest at P=4, `condvar/warm`" in l and "at P=1 and" in l
           and "50 ns [50 ns, 54 ns] at P=4 (x0.3)" in l for l in found), \
    f"FAIL: no sweep finding: {found}"
assert any("P > 2 logical cores" in l and "`futex/cold` at P=4 (median 1.50 ms)" in l for l in found), \
    f"FAIL: the 1.5 ms fork-join at P = 4 is not said: {found}"
# The sweep's table: every pool a row, a column per P (P = 4 marked past the
# cores), the planted P = 4 figures in it; none without a sweep.
head = "## native: fork-join against P"
assert head in md and head not in base, "FAIL: no sweep table, or one without a sweep"
rows = [l for l in cut(md, head, "\n## ").splitlines() if l.startswith("|")]
assert rows[0].startswith("| pool | P=1 | P=2 | P=4 (oversubscribed) |"), f"FAIL: sweep table head {rows[0]}"
cv = next(l for l in rows if l.startswith("| condvar/warm |"))
assert cv.split("|")[4].strip().startswith("50 ns ["), f"FAIL: condvar/warm at P = 4 not 50 ns: {cv}"
fc = next(l for l in rows if l.startswith("| futex/cold |"))
assert fc.split("|")[4].strip().startswith("1.50 ms ["), f"FAIL: futex/cold at P = 4 not 1.5 ms: {fc}"
assert len(rows) == 2 + 12, f"FAIL: {len(rows) - 2} pools in the sweep table, want 12"
# The break-even table: condvar/warm from 100 ns at P = 2, 3 us at P = 4.
head = "## native: break-even W against P"
assert head in md and head not in base, "FAIL: no break-even table, or one without a sweep"
rows = [l for l in cut(md, head, "\n## ").splitlines() if l.startswith("|")]
assert rows[0].startswith("| pool | P=2 | P=4 (oversubscribed) |"), f"FAIL: break-even table head {rows[0]}"
cv = [c.strip() for c in next(l for l in rows if l.startswith("| condvar/warm |")).strip("|").split("|")]
assert cv[1:] == ["100 ns", "3.00 us"], f"FAIL: condvar/warm break-even {cv}"
# A run at P = 4 still finds its references, measured at two threads.
p = records.load_run(sweep)["native"]
p.header["options"]["threads"] = 4
assert references.round_trip(p, "spin") and references.round_trip(p, "futex"), "FAIL: no reference at P = 4"
assert {m["threads"] for m in p.find("forkjoin")} == {4} and len(p.across_p("forkjoin")) == 36, "FAIL: find/across_p"
PY
  echo "ok: the verdict, table and plots/forkjoin read the run's P; plots/threads draws the sweep (cores marked), the findings and a table per P say it; none without a sweep" ;;
busy)
  # fixtures/run_busy: a native run on a 2-vCPU VM (spin round trip 330 ns,
  # the spin round trip measured again after every job, interference
  # counted: a few repetitions re-run, tbb's fork-join kept 3 interfered
  # ones, its re-run budget spent) and a quiet Node run (a Wasm pingpong of
  # 900 ns, every Wasm atomic store a full fence: warm fork-joins ~0.7x it)
  # whose round trip stepped from ~0.9 to 2.25 us while one bursts job ran
  # and stayed there. Planted: native atomic_wait/warm's fork-join at 250 ns,
  # below one spin round trip.
  busy=$here/fixtures/run_busy
  python3 "$report" "$busy" --out "$dir/busy" >/dev/null 2>"$dir/busy.err" || { cat "$dir/busy.err"; fail "report failed"; }
  # (iv) After each stage and in the trust line: per platform, repetitions
  # interfered with and re-run, and the jobs noisy on their own evidence.
  out=$(python3 "$here/../report/platforms.py" "$busy") || fail "platforms.py exit $?: $out"
  want_native='native: 43 of 250 repetitions interfered with, 40 re-run, 2 of 44 jobs noisy'
  want_node='node: interference not counted (no counters), 1 of 36 jobs noisy'
  [[ $out == *"$want_native"* && $out == *"$want_node"* ]] || fail "platforms.py: $out"
  grep -q "^\*\*Machine\*\*.*\*\*Busy machine\*\*: $want_native; $want_node\. " <(unmd "$dir/busy/summary.md") \
    || fail "trust line: $(grep '^\*\*Machine' <(unmd "$dir/busy/summary.md"))"
  REPORT=$here/../report python3 - "$busy" "$dir/busy/summary.md" <<'PY' || exit 1
import os, sys
sys.path.insert(0, os.environ["REPORT"])
import noisy, records
from summary_md import read
run_dir, md = sys.argv[1], read(sys.argv[2])
run = records.load_run(run_dir)
# Exactly the three planted figures are noisy, each for its reason: no other.
got = {(name, m["scenario"], m["backend"], m["mode"]): noisy.why(p, m)
       for name, p in run.items() for m in p.measurements if noisy.why(p, m)}
want = {("native", "forkjoin", "atomic_wait", "warm"): "below one spin round trip (250 ns < 323 ns): impossible",
        ("native", "forkjoin", "tbb", "default"): "23 of 30 repetitions interfered with",
        ("node", "bursts", "futex", "cold"): "spin round trip 873 ns before the job, 2.25 us after it (x2.6, bound 2x)"}
assert set(got) == set(want) and all(want[k] in got[k] for k in want), f"FAIL: noisy figures {got}"
head = md.split("## Findings")[0]
rows = [[c.strip() for c in l.split("|")[1:-1]] for l in head.splitlines() if l.startswith("| ") and not l.startswith("| platform")]
def row(plat, work):
    return next(r for r in rows if r[0] == plat and r[1].startswith(work))
# (i) The impossible fork-join is marked where it is shown, and the row it
# would have won gives no verdict, saying why.
r = row("native", "back-to-back")
assert r[2].startswith("no verdict: noisy (atomic_wait/warm reads 250 ns") and "impossible" in r[2] \
    and r[3:] == ["-"] * 4, f"FAIL: native back-to-back: {r}"
assert "| atomic_wait/warm | 250 ns [247 ns, 254 ns] (noisy) |" in md, "FAIL: the impossible figure is not marked"
assert "forkjoin `atomic_wait/warm`: below one spin round trip (250 ns < 323 ns): impossible" in md, \
    "FAIL: the table's note does not say why"
assert "- **native**: not ranked, noisy (forkjoin): `atomic_wait/warm` at 250 ns" in md, "FAIL: no finding says it"
# An interfered figure slower than the choice is left out, the row still ranks.
r = row("native", "rare calls")
assert r[2] == "openmp" and r[5] == "ahead (intervals apart)", f"FAIL: native rare calls: {r}"
# (ii) Quiet Wasm fork-joins at 0.7x their own pingpong, above the native
# round trip: not flagged, ranked, in the round trip measured beside them.
r = row("node", "back-to-back")
assert r[2] == "adaptive/warm" and r[5].startswith("tied with atomic_wait/warm"), f"FAIL: node back-to-back: {r}"
assert ("- **node**: cheapest fork-join (every thread joins): `atomic_wait/warm` at 622 ns [617 ns, 647 ns] "
        "= 0.69 spin round trips (the spin round trip measured beside the job)") in md, "FAIL: node's fork-join finding"
# (iii) The job the round trip moved x2.5 around, and only it: left out of
# its row, which ranks the others; the run's drift record (900 ns -> 2.25
# us) does not make every job of the platform noisy, the checks judge each.
r = row("node", "bursts")
assert r[2] == "condvar/cold", f"FAIL: node bursts: {r}"
assert "`futex/cold` (noisy: spin round trip 873 ns before the job, 2.25 us after it (x2.6" in head, \
    "FAIL: the moved job is not left out"
assert "noisy run" not in md and "**Noisy**" not in md and "References**: steady" in md, "FAIL: a platform called noisy"
assert "| spin round trip beside each job (reference_check) | 323 ns - 340 ns (44 checks) | 873 ns - 2.29 us (36 checks) |" \
    in md, "FAIL: the environment table lacks the checks' range"
PY
  # A Wasm fork-join below the native round trip of the same run folder is
  # flagged (native's, not its own pingpong's); without native.ndjson beside
  # it nothing says so. Without reference_check records the run's drift
  # record judges the platform as a whole again.
  mkdir "$dir/wasm_fast" "$dir/wasm_alone" "$dir/wasm_moved" "$dir/no_checks"
  python3 - "$busy" "$dir" <<'PY' || exit 1
import json, shutil, sys
src, d = sys.argv[1:3]
node = [json.loads(l) for l in open(f"{src}/node.ndjson")]
for r in node:
    if r.get("scenario") == "forkjoin" and r["backend"] == "futex" and r["mode"] == "warm":
        f = 300.0 / r["median"]
        for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi", "fork_ns", "join_ns"):
            r[k] *= f
        r["samples"] = [v * f for v in r["samples"]]
text = "".join(json.dumps(r) + "\n" for r in node)
for sub in ("wasm_fast", "wasm_alone"):
    open(f"{d}/{sub}/node.ndjson", "w").write(text)
shutil.copy(f"{src}/native.ndjson", f"{d}/wasm_fast/native.ndjson")
# The host placed the vCPUs closer after the native stage: Node's own spin
# round trips read 250 ns, below native's 323 ns. The 300-ns fork-join is
# then possible; one planted at 200 ns is not.
spin = node[0]["references"]["spin"]
for r in node:
    if r["type"] == "reference_check" or (r.get("scenario") == "pingpong" and r["backend"] == spin):
        r.update(median=250.0, ci_lo=245.0, ci_hi=255.0)
        if "samples" in r:
            r["samples"] = [250.0] * len(r["samples"])
    if r.get("scenario") == "forkjoin" and r["backend"] == "atomic_wait" and r["mode"] == "warm" and r["threads"] == 2:
        f = 200.0 / r["median"]
        for k in ("median", "min", "max", "mean", "mad", "ci_lo", "ci_hi", "fork_ns", "join_ns"):
            r[k] *= f
        r["samples"] = [v * f for v in r["samples"]]
open(f"{d}/wasm_moved/node.ndjson", "w").write("".join(json.dumps(r) + "\n" for r in node))
shutil.copy(f"{src}/native.ndjson", f"{d}/wasm_moved/native.ndjson")
open(f"{d}/no_checks/node.ndjson", "w").write(
    "".join(l for l in open(f"{src}/node.ndjson") if json.loads(l)["type"] != "reference_check"))
PY
  for d in wasm_fast wasm_alone wasm_moved no_checks; do
    python3 "$report" "$dir/$d" >/dev/null 2>"$dir/$d.err" || { cat "$dir/$d.err"; fail "$d: report failed"; }
  done
  grep -q '^| node | back-to-back calls | no verdict: noisy (futex/warm reads 300 ns, .*below one native spin round trip (300 ns < 323 ns): impossible)' \
    <(unmd "$dir/wasm_fast/report/summary.md") || fail "wasm_fast: $(grep '^| node | back' <(unmd "$dir/wasm_fast/report/summary.md"))"
  ! grep -q 'impossible\|^| node | back-to-back calls | no verdict' <(unmd "$dir/wasm_alone/report/summary.md") \
    || fail "wasm_alone: a Wasm figure judged without a native run"
  moved_md=$(unmd "$dir/wasm_moved/report/summary.md")
  grep -q '^| node | back-to-back calls | no verdict: noisy (atomic_wait/warm reads 200 ns, .*below one spin round trip beside it (lower than the native one: the vCPUs moved) (200 ns < 250 ns): impossible)' <<<"$moved_md" \
    && ! grep -q 'futex/warm reads 300 ns\|(300 ns < ' <<<"$moved_md" \
    || fail "wasm_moved: $(grep '^| node | back' <<<"$moved_md")"
  grep -q '^\*\*noisy run\*\*.*node: spin round trip 900 ns at the start, 2.25 us at the end of the run' \
    "$dir/no_checks/report/summary.md" || fail "no_checks: the drift record no longer judges a run without checks"
  # Too little CPU (capacity 1.05 of 2 cores: another process held one):
  # natively, where every repetition was judged for interference, it flags
  # only the figures that were not judged (single calls timed alone,
  # oneTBB placing its own threads), not the platform.
  mkdir "$dir/short"
  python3 - "$busy" "$dir/short" <<'PY' || exit 1
import json, shutil, sys
src, d = sys.argv[1:3]
recs = [json.loads(l) for l in open(f"{src}/native.ndjson")]
for r in recs:
    if r.get("scenario") == "capacity":
        r.update(median=1.05, ci_lo=1.0, ci_hi=1.1, min=0.98, max=1.12, mean=1.05)
open(f"{d}/native.ndjson", "w").write("".join(json.dumps(r) + "\n" for r in recs))
PY
  python3 "$report" "$dir/short" >/dev/null 2>"$dir/short.err" || { cat "$dir/short.err"; fail "short: report failed"; }
  ! grep -q '^\*\*noisy run\*\*' <(unmd "$dir/short/report/summary.md") || fail "short: a judged native run called noisy as a whole"
  python3 - "$here/../report" "$dir/short" <<'PY' || exit 1
import sys
sys.path.insert(0, sys.argv[1])
import noisy, records
p = records.load_run(sys.argv[2])["native"]
judged = [m for m in p.measurements if "interfered" in m and m["scenario"] != "pingpong"]
unjudged = [m for m in p.measurements if "interfered" not in m and m["scenario"] not in ("pingpong", "capacity")]
assert judged and unjudged, (len(judged), len(unjudged))
assert not any("held the CPU" in (noisy.why(p, m) or "") for m in judged), "a judged figure flagged for capacity"
assert all("held the CPU" in (noisy.why(p, m) or "") for m in unjudged), "an unjudged figure not flagged"
PY
  # An empty fork-join as long as a scheduler time slice (OpenMP's threads,
  # which no counter judges, stacked on one CPU beside two busy processes:
  # 8 ms a call) is flagged, and only it.
  REPORT=$here/../report python3 - "$busy" <<'PY' || exit 1
import os, sys
sys.path.insert(0, os.environ["REPORT"])
import noisy, records
p = records.load_run(sys.argv[1])["native"]
fj = [m for m in p.measurements if m["scenario"] == "forkjoin" and m["backend"] == "openmp"]
assert fj and not any(noisy.time_sliced(p, m) for m in p.measurements), "FAIL: a quiet figure called time-sliced"
fj[0]["median"] = 8.0e6
assert "scheduler time slice" in (noisy.why(p, fj[0]) or ""), f"FAIL: 8 ms fork-join not flagged: {noisy.why(p, fj[0])}"
PY
  # Other processes' CPU beside a job, used or wanted (the check after it
  # says at least how much): above a quarter core, a job whose threads slept or whose
  # repetitions no counter judged is flagged; a warm pool's or the serial
  # baseline's, judged one by one, is not; below it nothing is.
  REPORT=$here/../report python3 - "$busy" <<'PY' || exit 1
import os, sys
sys.path.insert(0, os.environ["REPORT"])
import noisy, records
p = records.load_run(sys.argv[1])["native"]
ms = [m for m in p.measurements if m["scenario"] not in ("pingpong", "capacity")]
for c in p.checks:
    c["others_cores"] = 0.2
assert not any(noisy.beside(p, m) for m in ms), "FAIL: a job beside 0.2 cores flagged"
for c in p.checks:
    c["others_cores"] = 0.6
judged = lambda m: noisy.counted(m) and (m["mode"] == "warm" or m["backend"] == "serial")
hit = [m for m in ms if noisy.beside(p, m)]
assert hit and all(not judged(m) for m in hit), "FAIL: a judged job flagged for the work beside it"
assert all(noisy.beside(p, m) for m in ms if not judged(m)), "FAIL: an unjudged job beside 0.6 cores not flagged"
assert any(m["mode"] == "cold" for m in hit) and "0.60 cores" in noisy.why(p, hit[0]), noisy.why(p, hit[0])
# A busy process the job starved used little CPU but waited for one: its
# demand flags the same jobs; a quiet machine's daemons (0.12) flag none.
for c in p.checks:
    c["others_cores"], c["others_demand"] = 0.05, 0.12
assert not any(noisy.beside(p, m) for m in ms), "FAIL: a job beside a quiet machine's demand flagged"
for c in p.checks:
    c["others_demand"] = 1.0
assert [m for m in ms if noisy.beside(p, m)] == hit, "FAIL: a starved busy process does not flag the same jobs"
assert "ran or waited for 1.00 cores" in noisy.why(p, hit[0]), noisy.why(p, hit[0])
PY
  # Targets read the same rule: in the round trip measured beside the job.
  row=$(python3 "$here/../report/targets.py" "$busy" | grep '^native *1\. forkjoin warm.*spin/warm')
  [[ $row == *' PASS '*'in the spin round trip measured beside the job'* ]] || fail "targets: $row"
  echo "ok: an impossible fork-join and an interfered one flagged and left out (no verdict where one could win);" \
       "quiet Wasm fork-joins ranked, one below the native round trip flagged; the job the reference moved" \
       "around flagged alone; unjudged jobs beside other processes' work flagged;" \
       "interference and noisy jobs counted per platform" ;;
cut_short)
  # A run killed mid-way (SIGKILL: no end record) is reported as cut short,
  # first thing, naming the last job its file got to; a finished one is not.
  mkdir "$dir/cut"
  cp "$fixture"/*.ndjson "$dir/cut/"
  python3 "$report" "$dir/cut" --out "$dir/whole" >/dev/null 2>"$dir/whole.err" || { cat "$dir/whole.err"; fail "report failed"; }
  ! grep -qi "cut short" "$dir/whole/summary.md" "$dir/whole.err" || fail "a finished run called cut short"
  # Cut native.ndjson after its 40th line, as a SIGKILL would (whole lines:
  # the sink writes each at once).
  head -40 "$fixture/native.ndjson" >"$dir/cut/native.ndjson"
  last=$(python3 -c 'import json,sys
r=[json.loads(l) for l in open(sys.argv[1])]
m=[x for x in r if x["type"] in ("measurement","error")][-1]
print(" ".join([m["scenario"]] + [v for v in (m["backend"], m["mode"]) if v != "default"]) , "P=%d" % m["threads"])' "$dir/cut/native.ndjson")
  python3 "$report" "$dir/cut" --out "$dir/cut/report" >/dev/null 2>"$dir/cut.err" || { cat "$dir/cut.err"; fail "report on a cut run failed"; }
  grep -q "^report: cut short (no .end. record.*native ends after .$last." "$dir/cut.err" || fail "no cut-short line on stderr: $(cat "$dir/cut.err")"
  first=$(unmd "$dir/cut/report/summary.md" | sed -n '3p')
  [[ $first == "**cut short** "*"native ends after \`$last\`." ]] || fail "the report does not open with the cut: $first"
  [[ $first != *node* && $first != *chrome* ]] || fail "finished platforms named cut short: $first"
  grep -q "cut short" "$dir/cut/report/index.html" || fail "index.html does not say the run was cut short"
  echo "ok: a run without its end record is reported cut short after '$last', first thing; a finished run is not" ;;
*) echo "usage: test_report.sh files|one_platform|compare|bad_input|injection|hostile|platforms_alone|verdict|plots|runs|threads|busy|markdown|escapes|cut_short"; exit 2 ;;
esac
