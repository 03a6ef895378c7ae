#!/usr/bin/env bash
# End-to-end tests of the Chromium run (bench/browser/driver.js).
# usage: test_browser.sh CASE WEB_BUILD_DIR
#   e2e           a --quick run on the system clock: schema-valid chrome.ndjson, cross-origin
#                 isolated, every backend of the build (its header) present, the settle wait logged;
#                 a bad --settle is a usage error
#   clock         --clock counter at P = 1 (test_call_clock.sh): calibrated, within
#                 1% of performance.now() over 100 ms, single calls resolved below its 5 us
#   firefox       the same --quick run in headless Firefox (WebDriver BiDi):
#                 firefox.ndjson, platform firefox, isolated, every backend, the
#                 timer coarsening turned off and the step it gave recorded;
#                 a missing Firefox, and one that starts no session, is one line, exit 2
#   remote        a Chromium started here with a remote-debugging port, driven
#                 through --browser-ws as a browser elsewhere would be, the page
#                 served on another address (--host 127.0.0.2, warned): valid
#                 records, and the browser left running (someone else's);
#                 an endpoint nobody listens on is one line, exit 2
#   serve         make serve's page driven as a person would (test_serve_page.js):
#                 choose, run, download chrome.ndjson; it is valid, the report
#                 reads it, and the server kept a copy
#   no_isolation  served without COOP/COEP, in Chromium and Firefox: one line, exit 2, not a hang
#   abort         abort() in a pool worker: earlier lines kept, non-zero exit
#   watchdog      a worker blocked forever: dump and exit 3 (test_watchdog.sh)
#   diagnose      the hazard catalogue yields its verdicts (test_diagnose.sh)
#   main_thread   the program hosted on the page's main thread: a stall verdict
#   late_start    the build without pre-created workers: the new thread has
#                 not started while its creator blocks (reproduced)
#   usage         no browser, and an --out already holding chrome.ndjson
#                 without --append: one line each, exit 2, nothing written
#   refused       a record the server refuses (--test-fault bad-record, with
#                 --append onto an earlier run): exit 1 at once, its reason in
#                 one line, the earlier lines kept, the refused one not taken
#   start_watch   the driver's start-up watch: a start slowed down (every file
#                 served 1 s late) whose first line comes after more than the
#                 10 s no-progress window still runs, once; one whose .wasm is
#                 never served stalls, and after 3 alike starts (not 8) the
#                 driver gives up: one line saying where and why, exit 1
#   priority     started at nice -5, the browser's Web Worker threads run at -5
#                 (Chromium sets them to 0 itself), and the header says so
set -u
case=$1 web=$2
here=$(cd "$(dirname "$0")" && pwd)
driver=$here/../bench/browser/driver.js
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Without the browser build there is nothing to test: a skip (77) by hand, a
# failure under make test (require.sh).
source "$here/require.sh"
[[ -f $web/poolbench.js ]] || missing "$web/poolbench.js missing (make build-web)"
run() { timeout 300 node "$driver" --quiet --build "$web" --out "$dir" "$@" 2>"$dir/err.txt"; }
case $case in
e2e)
  # The system clock, whatever the machine's cores: the checks below are of it.
  run --deadline 240 -- run --quick --clock system || {
    echo "FAIL: driver exit $?"; cat "$dir/err.txt"; grep -v '^\[out\]' "$dir/chrome.log" | tail -5
    grep '"type":"error"' "$dir/chrome.ndjson"; exit 1; }
  # Every backend the build has (its header lists them) must be measured.
  backends=$(head -1 "$dir/chrome.ndjson" | python3 -c 'import json, sys; print(",".join(json.load(sys.stdin)["backends"]))')
  python3 "$here/check_records.py" "$dir/chrome.ndjson" --backends "$backends" \
    --scenarios pingpong,dispatch,forkjoin,forkjoin_spaced,grain,latency,startup || exit 1
  # A worker's clock does not compare with the caller's here: no fork/join split.
  python3 -c 'import json, sys; r = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(any(x.get("scenario") == "forkjoin" and x["type"] == "measurement"
             and (x["fork_ns"], x["join_ns"]) != (None, None) for x in r))' "$dir/chrome.ndjson" \
    || { echo "FAIL: forkjoin records with fork_ns/join_ns although the threads share no clock"; exit 1; }
  head -1 "$dir/chrome.ndjson" | grep -q '"cross_origin_isolated":true' \
    || { echo "FAIL: header does not say cross_origin_isolated: true"; exit 1; }
  grep -q below_timer_resolution "$dir/chrome.ndjson" \
    || { echo "FAIL: no latency figure flagged below the 5 us timer step"; exit 1; }
  grep -q '^\[driver\] waited .* to settle' "$dir/chrome.log" \
    || { echo "FAIL: chrome.log does not say how long the driver waited for the machine to settle"; exit 1; }
  msg=$(node "$driver" --settle soon -- run --quick 2>&1); rc=$?
  [[ $rc == 2 && $msg == *"--settle must be"* && $(wc -l <<<"$msg") == 1 ]] \
    || { echo "FAIL: --settle soon: exit $rc, '$msg' (want exit 2 and one line)"; exit 1; }
  echo "ok: chrome.ndjson valid, isolated, all wasm backends, settled first" ;;
clock)
  drive() { # what test_call_clock.sh runs as its poolbench: --out DIR becomes the driver's
    local out=() args=()
    while [[ $# -gt 0 ]]; do
      if [[ $1 == --out ]]; then out=(--out "$2"); shift 2; else args+=("$1"); shift; fi
    done
    timeout 200 node "$driver" --build "$web" "${out[@]}" --deadline 120 -- "${args[@]}"
  }
  export -f drive; export driver web
  bash "$here/test_call_clock.sh" chrome drive; rc=$?
  exit $rc ;;
firefox)
  [[ -x /usr/bin/firefox-esr ]] || missing "no /usr/bin/firefox-esr (scripts/setup.sh installs it)"
  run --browser firefox --deadline 240 -- run --quick --clock system || {
    echo "FAIL: driver exit $?"; cat "$dir/err.txt"; grep -v '^\[out\]' "$dir/firefox.log" | tail -5; exit 1; }
  backends=$(head -1 "$dir/firefox.ndjson" | python3 -c 'import json, sys; print(",".join(json.load(sys.stdin)["backends"]))')
  python3 "$here/check_records.py" "$dir/firefox.ndjson" --backends "$backends" \
    --scenarios pingpong,dispatch,forkjoin,forkjoin_spaced,grain,latency,startup || exit 1
  python3 - "$dir/firefox.ndjson" <<'EOF' || exit 1
import json, sys
h = json.loads(open(sys.argv[1]).readline())
assert h["platform"] == "firefox" and h["browser"].startswith("firefox/"), (h["platform"], h["browser"])
assert h["cross_origin_isolated"] is True and h["shared_array_buffer"] is True, h
assert h["timer_precision_reduction_off"] is True, "the driver did not turn the timer coarsening off"
# Coarsened, performance.now() steps 20 us (100 us unisolated): full resolution is well under 1 us.
assert h["performance_now_step_us"] < 1, f"performance.now() step {h['performance_now_step_us']} us"
print(f"ok: {h['browser']}, performance.now() step {h['performance_now_step_us'] * 1000:.0f} ns on the page, "
      f"{h['timer_step_ns']:.0f} ns in the program's worker")
EOF
  msg=$(node "$driver" --browser firefox --firefox "$dir/no-firefox" --build "$web" --out "$dir/x" -- run --quick 2>&1); rc=$?
  [[ $rc == 2 && $msg == *"scripts/setup.sh"* && $(wc -l <<<"$msg") == 1 ]] \
    || { echo "FAIL: a missing Firefox: exit $rc, '$msg' (want exit 2 and one line)"; exit 1; }
  # A browser that will not start a session (here: not a browser at all).
  msg2=$(node "$driver" --browser firefox --firefox /bin/false --build "$web" --out "$dir/y" -- run --quick 2>&1); rc=$?
  [[ $rc == 2 && $msg2 == *"cannot start firefox"*"WebDriver BiDi"* && $(wc -l <<<"$msg2") == 1 ]] \
    || { echo "FAIL: a refused session: exit $rc, '$msg2' (want exit 2 and one line)"; exit 1; }
  echo "ok: firefox.ndjson valid; $msg; $msg2" ;;
remote)
  [[ -x /usr/bin/chromium ]] || missing "no /usr/bin/chromium (scripts/setup.sh installs it)"
  mkdir "$dir/profile"
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$dir/profile" --remote-debugging-port=0 about:blank 2>"$dir/remote.err" &
  remote=$!
  trap 'kill $remote 2>/dev/null; wait $remote 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 100); do
    ws=$(grep -o 'ws://127.0.0.1:[0-9]*/devtools/browser/[^ ]*' "$dir/remote.err" | head -1)
    [[ -n $ws ]] && break
    sleep 0.1
  done
  [[ -n $ws ]] || { echo "FAIL: the remote Chromium printed no endpoint"; cat "$dir/remote.err"; exit 1; }
  # Served on another address than the default, as for a browser on another machine.
  run --browser-ws "$ws" --host 127.0.0.2 --deadline 120 -- run --quick --backend spin --scenario dispatch,forkjoin || {
    echo "FAIL: driver exit $?"; cat "$dir/err.txt"; exit 1; }
  grep -q 'warning: serving on 127.0.0.2' "$dir/err.txt" || { echo "FAIL: no warning about --host"; exit 1; }
  python3 "$here/check_records.py" "$dir/chrome.ndjson" --backends spin --scenarios pingpong,dispatch,forkjoin || exit 1
  kill -0 $remote 2>/dev/null || { echo "FAIL: the driver closed the remote browser"; exit 1; }
  msg=$(node "$driver" --browser-ws ws://127.0.0.1:9/devtools/browser/none --build "$web" --out "$dir/x" -- run --quick 2>&1); rc=$?
  [[ $rc == 2 && $msg == *"cannot reach the browser"* && $(wc -l <<<"$msg") == 1 ]] \
    || { echo "FAIL: an unreachable endpoint: exit $rc, '$msg' (want exit 2 and one line)"; exit 1; }
  echo "ok: records through $ws; $msg" ;;
serve)
  node "$here/../bench/browser/serve.js" --build "$web" --out "$dir/kept" >"$dir/url.txt" 2>"$dir/serve.err" &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 50); do [[ -s $dir/url.txt ]] && break; sleep 0.1; done
  url=$(head -1 "$dir/url.txt")
  [[ $url == http://127.0.0.1:*/serve.html\?token=* ]] || { echo "FAIL: serve printed '$url'"; cat "$dir/serve.err"; exit 1; }
  file=$(timeout 200 node "$here/test_serve_page.js" "$url" "$dir/dl") || { echo "FAIL: the page run"; exit 1; }
  [[ $file == */chrome.ndjson ]] || { echo "FAIL: the download is named '$file', want chrome.ndjson"; exit 1; }
  python3 "$here/check_records.py" "$file" --backends spin --scenarios pingpong,dispatch || exit 1
  python3 "$here/../report/report.py" "$dir/dl" --out "$dir/report" >/dev/null || { echo "FAIL: the report cannot read the download"; exit 1; }
  cmp -s "$file" "$dir/kept/chrome.ndjson" || { echo "FAIL: the server kept no copy of the run"; exit 1; }
  msg=$(node "$here/../bench/browser/serve.js" --host 'a b' 2>&1); rc=$?
  [[ $rc == 2 && $(wc -l <<<"$msg") == 1 ]] || { echo "FAIL: serve --host 'a b': exit $rc, '$msg'"; exit 1; }
  echo "ok: chose, ran, downloaded $(basename "$file") ($(grep -c . "$file") lines), the report read it" ;;
no_isolation)
  browsers=(chrome); [[ -x /usr/bin/firefox-esr ]] && browsers+=(firefox)
  for b in "${browsers[@]}"; do
    start=$SECONDS
    rm -rf "$dir"/*
    run --browser "$b" --no-isolation --deadline 60 -- run --quick; rc=$?
    [[ $rc == 2 ]] || { echo "FAIL: $b: exit $rc without isolation, want 2"; exit 1; }
    (( SECONDS - start < 50 )) || { echo "FAIL: $b: took $((SECONDS - start)) s (a hang?)"; exit 1; }
    [[ $(grep -c . "$dir/err.txt") == 1 ]] && grep -q 'not cross-origin isolated' "$dir/err.txt" \
      || { echo "FAIL: $b: no clear one-line message:"; cat "$dir/err.txt"; exit 1; }
    echo "ok: $b: exit $rc, $(cat "$dir/err.txt")"
  done ;;
abort)
  start=$SECONDS
  run --deadline 60 -- run --quick --test-fault abort-in-worker; rc=$?
  [[ $rc -ne 0 ]] || { echo "FAIL: exit 0 although a worker aborted"; exit 1; }
  (( SECONDS - start < 70 )) || { echo "FAIL: driver outlived its deadline"; exit 1; }
  python3 "$here/check_records.py" "$dir/chrome.ndjson" || exit 1
  grep -q '"type":"error"' "$dir/chrome.ndjson" || { echo "FAIL: no error record"; cat "$dir/err.txt"; exit 1; }
  echo "ok: exit $rc after $((SECONDS - start)) s, $(wc -l <"$dir/chrome.ndjson") complete lines, error recorded" ;;
watchdog)
  bash "$here/test_watchdog.sh" chrome node "$driver" --build "$web" --deadline 60 -- ;;
main_thread)
  # The verdict is the point; the workload's own exit code is only reported
  # (the page writes the verdict when the program exits, however it exits).
  run --main-thread --deadline 120 -- run --quick --scenario dispatch --backend futex
  rc=$?
  grep '"hazard":"main_thread_block"' "$dir/chrome.ndjson" 2>/dev/null | grep -qE '"verdict":"(not )?reproduced"' \
    || { echo "FAIL: no main_thread_block verdict (exit $rc)"; cat "$dir/err.txt"
         grep -v '^\[out\]' "$dir/chrome.log" | tail -5; exit 1; }
  python3 "$here/check_records.py" "$dir/chrome.ndjson" || exit 1
  [[ $rc -eq 0 ]] || { echo "note: the workload exited $rc:"; grep -v '^\[out\]' "$dir/chrome.log" | tail -3; }
  echo "ok: $(grep -o '"evidence":"[^"]*"' "$dir/chrome.ndjson")" ;;
diagnose)
  bash "$here/test_diagnose.sh" chrome node "$driver" --quiet --build "$web" --deadline 200 -- ;;
late_start)
  [[ -f $web/poolbench_nopool.js ]] || missing "$web/poolbench_nopool.js missing (make build-web)"
  run --program poolbench_nopool.js --deadline 60 -- diagnose --hazard late_start --deadline 0 \
    || { echo "FAIL: driver exit $?"; cat "$dir/err.txt"; exit 1; }
  python3 "$here/check_records.py" "$dir/chrome.ndjson" >/dev/null || exit 1
  grep '"hazard":"late_start"' "$dir/chrome.ndjson" | grep -q '"verdict":"reproduced"' \
    || { echo "FAIL: late_start not reproduced without pre-created workers:"
         grep '"hazard"' "$dir/chrome.ndjson"; exit 1; }
  echo "ok: $(grep -o '"evidence":"[^"]*"' "$dir/chrome.ndjson")" ;;
usage)
  one_line() { # what, want exit 2 and one line matching $2, then "$@" the driver's options
    local what=$1 want=$2; shift 2
    msg=$(timeout 60 node "$driver" --quiet "$@" 2>&1); rc=$?
    [[ $rc == 2 && $msg == *$want* && $(wc -l <<<"$msg") == 1 ]] \
      || { echo "FAIL: $what: exit $rc, '$msg' (want exit 2 and one line saying '$want')"; exit 1; }
    echo "ok: $what: $msg"
  }
  one_line 'no browser' 'no browser at' --chromium "$dir/none" --build "$web" --out "$dir/a" -- run --quick
  [[ ! -e $dir/a/chrome.ndjson ]] || { echo "FAIL: a records file without a browser"; exit 1; }
  head -1 "$here/fixtures/run/chrome.ndjson" >"$dir/chrome.ndjson"
  one_line 'an --out holding chrome.ndjson' '--append' --build "$web" --out "$dir" -- run --quick
  [[ $(wc -l <"$dir/chrome.ndjson") == 1 ]] || { echo "FAIL: chrome.ndjson changed"; exit 1; }
  printf '{"type":"meas' >>"$dir/chrome.ndjson"; cp "$dir/chrome.ndjson" "$dir/before"
  one_line 'an --out holding a run cut short, with --append' 'chrome.ndjson:2: truncated line' \
    --build "$web" --out "$dir" --append -- run --quick
  cmp -s "$dir/chrome.ndjson" "$dir/before" || { echo "FAIL: chrome.ndjson changed"; exit 1; } ;;
refused)
  # An earlier run's file, appended to by a run whose test knob posts a line
  # the record contract refuses, after the references.
  head -1 "$here/fixtures/run/chrome.ndjson" >"$dir/chrome.ndjson"
  cp "$dir/chrome.ndjson" "$dir/before"
  start=$SECONDS
  run --settle 0 --deadline 60 --append -- run --quick --scenario dispatch --backend serial \
    --test-fault bad-record; rc=$?
  [[ $rc == 1 ]] || { echo "FAIL: exit $rc after a refused record (want 1)"; cat "$dir/err.txt"; exit 1; }
  (( SECONDS - start < 50 )) || { echo "FAIL: took $((SECONDS - start)) s (the run went on?)"; exit 1; }
  [[ $(wc -l <"$dir/err.txt") == 1 ]] && grep -q "refused the record (HTTP 400: .*unknown record type 'no_such_type'" "$dir/err.txt" \
    || { echo "FAIL: want one line with the server's reason:"; cat "$dir/err.txt"; exit 1; }
  head -c "$(wc -c <"$dir/before")" "$dir/chrome.ndjson" | cmp -s - "$dir/before" &&
    ! grep -q no_such_type "$dir/chrome.ndjson" && python3 "$here/../records/check.py" check "$dir/chrome.ndjson" ||
    { echo "FAIL: chrome.ndjson lost its earlier lines or took the refused one"; exit 1; }
  echo "ok: exit 1 after $((SECONDS - start)) s: $(cat "$dir/err.txt")" ;;
start_watch)
  # Slow but alive: ~18 requests in a chain, each 1 s late (the server's test knob).
  start=$SECONDS
  POOLBENCH_TEST_SLOW_SERVE_MS=1000 run --settle 0 --deadline 60 -- run --quick --scenario dispatch --backend serial \
    || { echo "FAIL: a slow start: driver exit $?"; cat "$dir/err.txt"; grep '^\[driver\]' "$dir/chrome.log"; exit 1; }
  python3 "$here/check_records.py" "$dir/chrome.ndjson" --backends serial --scenarios pingpong,dispatch || exit 1
  first=$(grep -o 'first line after [0-9.]* s' "$dir/chrome.log")
  [[ $(grep -c '^\[driver\] first line' "$dir/chrome.log") == 1 ]] && ! grep -q relaunching "$dir/chrome.log" \
    || { echo "FAIL: a slow start was relaunched:"; grep '^\[driver\]' "$dir/chrome.log"; exit 1; }
  python3 -c 'import sys; sys.exit(float(sys.argv[1].split()[3]) <= 10)' "$first" \
    || { echo "FAIL: the slow start's $first: not beyond the 10 s window, it shows nothing"; exit 1; }
  echo "ok: slow start: $first, exit 0 after $((SECONDS - start)) s"
  # Stalled: the program's .wasm is never served (as Firefox's stall never fetches it).
  rm -rf "$dir"/*
  start=$SECONDS
  POOLBENCH_TEST_HOLD_FILE=poolbench.wasm run --settle 0 --deadline 60 -- run --quick --scenario dispatch --backend serial
  rc=$? took=$((SECONDS - start))
  [[ $rc == 1 && $(grep -c . "$dir/err.txt") == 1 ]] \
    || { echo "FAIL: a stalled start: exit $rc (want 1 and one line):"; cat "$dir/err.txt"; exit 1; }
  grep -q "^bench-browser: chrome: 3 starts in a row stalled at 'running run --quick .*' with no request served for 10 s and the browser idle (.* requests served, the last /.*): giving up\$" "$dir/err.txt" \
    || { echo "FAIL: the error does not say where and why:"; cat "$dir/err.txt"; exit 1; }
  [[ $(grep -c 'relaunching' "$dir/chrome.log") == 2 ]] && grep -q 'relaunching, a third alike ends the run' "$dir/chrome.log" \
    || { echo "FAIL: want 2 relaunches, the second saying a third ends the run:"; grep '^\[driver\]' "$dir/chrome.log"; exit 1; }
  # Each start: the browser's launch, at most 5 s of its page's load, 10 s of nothing.
  (( took >= 30 && took < 3 * 30 )) || { echo "FAIL: gave up after $took s (want 30..90)"; exit 1; }
  [[ ! -s $dir/chrome.ndjson ]] || { echo "FAIL: records from a start that never ran"; exit 1; }
  echo "ok: stalled: exit 1 after $took s: $(cat "$dir/err.txt")" ;;
priority)
  # Started at nice -5, the driver holds the browser's threads there: Chromium
  # sets its Web Workers' niceness to 0 itself, so inheriting is not enough.
  [[ $(nice -n -5 nice 2>/dev/null) == -5 ]] || { echo "SKIP: cannot raise the priority here"; exit 77; }
  timeout 300 nice -n -5 node "$driver" --quiet --build "$web" --out "$dir" -- run --scenario forkjoin,grain \
    --backend spin --out "$dir" 2>"$dir/err.txt" & pid=$!
  seen=
  for _ in $(seq 600); do  # until the run ends: 0.1 s steps, 60 s at most
    kill -0 $pid 2>/dev/null || break
    w=$(ps -eLo ni=,comm= | awk '$2 == "DedicatedWorker" {print $1}' | sort -u | tr '\n' ' ')
    [[ -n $w ]] && seen+="[$w]"
    sleep 0.1
  done
  wait $pid || { echo "FAIL: driver exit $?"; cat "$dir/err.txt"; exit 1; }
  [[ -n $seen ]] || { echo "FAIL: no Web Worker thread seen while the run lasted"; exit 1; }
  # Each sample after the first second: every worker at -5 (a new one may
  # read 0 for up to the driver's half-second check).
  late=$(grep -o '\[[^]]*\]' <<<"$seen" | tail -n +12 | sort | uniq -c)
  grep -q '\[-5 \]' <<<"$late" && ! grep -qv '\[-5 \]' <<<"$late" ||
    { echo "FAIL: the browser's Web Workers were not held at nice -5: $late"; exit 1; }
  grep -q '"nice":-5' <(head -1 "$dir/chrome.ndjson") || { echo "FAIL: the header does not say nice -5"; exit 1; }
  echo "ok: the browser's Web Worker threads held at the driver's nice -5, and the header says so" ;;
*) echo "usage: test_browser.sh e2e|clock|firefox|remote|serve|no_isolation|abort|watchdog|diagnose|main_thread|late_start|usage|refused|start_watch|priority WEB_BUILD_DIR"; exit 2 ;;
esac
