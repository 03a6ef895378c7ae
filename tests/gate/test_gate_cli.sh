#!/usr/bin/env bash
# poolbench_gate on bad options and unusable input: exit 2 and exactly one
# line on stderr, naming the file and the line where there is one.
# usage: test_gate_cli.sh POOLBENCH_GATE
set -u
gate=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# A minimal valid run: header, spin reference, one dispatch key, 9 samples;
# complete() adds the other fields the record contract requires ("samples"
# stays last: the cases below cut and replace from it).
mk() {
  python3 - "$(dirname "$0")/.." "$1" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from complete_record import complete
r = complete(json.loads(sys.argv[2]))
if "samples" in r:
    r["samples"] = r.pop("samples")
print(json.dumps(r, separators=(",", ":")))
PY
}
header=$(mk '{"type":"header","platform":"native","schema":2,"start_time":"2026-01-01T00:00:00Z","git_commit":"abc","compiler":null,"timer_step_ns":20,"kernel_iters_per_ns":1,"min_batch_ns":200000,"cpu_model":"Test CPU","logical_cores":2,"kernel":null,"governor":null,"options":{"threads":2,"reps":10,"quick":true,"command":"x"}}')
s9='[100,101,102,103,104,105,106,107,108]'
ref=$(mk "{\"type\":\"measurement\",\"platform\":\"native\",\"scenario\":\"pingpong\",\"backend\":\"spin_pingpong\",\"mode\":\"default\",\"threads\":2,\"items\":1,\"work_ns\":0,\"unit\":\"ns\",\"median\":104,\"samples\":$s9}")
disp=$(mk "{\"type\":\"measurement\",\"platform\":\"native\",\"scenario\":\"dispatch\",\"backend\":\"spin\",\"mode\":\"warm\",\"threads\":2,\"items\":2,\"work_ns\":0,\"unit\":\"ns\",\"median\":104,\"samples\":$s9}")
end='{"type":"end","platform":"native","jobs":2,"failed":0,"elapsed_s":1}'
good=$tmp/good.ndjson
printf '%s\n%s\n%s\n%s\n' "$header" "$ref" "$disp" "$end" >"$good"

# expect CODE PATTERN ARGS...: exit CODE, one stderr line matching PATTERN,
# with no control byte (an ESC from input would act on the terminal).
expect() {
  local code=$1 pattern=$2 err rc lines
  shift 2
  err=$(timeout 20 "$gate" "$@" 2>&1 >/dev/null); rc=$?
  lines=$(printf '%s' "$err" | grep -c '')
  if [[ $rc -ne $code || $lines -ne 1 || $err == *[$'\x01'-$'\x1f\x7f']* ]] ||
    ! grep -qE -- "$pattern" <<<"$err"; then
    echo "FAIL: gate ${*@Q} -> exit $rc (want $code), $lines stderr lines, want /$pattern/: ${err@Q}"
    fail=1
  else
    echo "ok: exit $rc: $err"
  fi
}

# Usage errors.
expect 2 'need a BASELINE'
expect 2 'need a BASELINE' "$good"
expect 2 'separate' "$good" "$good" "$good"
expect 2 "unknown option '--bogus'" --bogus "$good" "$good"
expect 2 "unknown option '--bogus\\\\x1b\\]0;x\\\\x07\\\\nz'" $'--bogus\e]0;x\a\nz' "$good" "$good"
expect 2 "--alpha '\\\\x1b\\[2J'" --alpha $'\e[2J' "$good" "$good"
expect 2 '--alpha' --alpha 2 "$good" "$good"
expect 2 '--alpha' --alpha abc "$good" "$good"
expect 2 '--alpha needs a value' "$good" "$good" --alpha
expect 2 '--threshold' --threshold -5% "$good" "$good"
expect 2 '--threshold' --threshold=x "$good" "$good"
expect 2 'no CURRENT' "$good" --
expect 2 'no BASELINE' -- "$good"
"$gate" --help | grep -q '^usage: poolbench_gate' || { echo "FAIL: --help"; fail=1; }
timeout 20 "$gate" "$good" "$good" >/dev/null || { echo "FAIL: a valid file against itself"; fail=1; }

# Record text in a message: a machine that names itself with terminal codes.
evil_header=$(mk '{"type":"header","platform":"native","schema":2,"start_time":"2026-01-01T00:00:00Z","git_commit":"abc","compiler":null,"timer_step_ns":20,"kernel_iters_per_ns":1,"min_batch_ns":200000,"cpu_model":"CPU\u001b]0;x\u0007\u001b[2J\nB","logical_cores":2,"kernel":null,"governor":null,"options":{"threads":2,"reps":10,"quick":true,"command":"x"}}')
printf '%s\n%s\n%s\n' "$evil_header" "$ref" "$disp" >"$tmp/evil_cpu.ndjson"
expect 2 "on 'CPU\\\\x1b\\]0;x\\\\x07\\\\x1b\\[2J\\\\nB', 2 logical cores.*different machines" "$good" "$tmp/evil_cpu.ndjson"
# A device as the config never ends: refused at once, one line.
expect 2 "/dev/zero: not a regular file" --config /dev/zero "$good" "$good"
# A path with terminal codes, and a header whose git_commit holds them or a
# Markdown link: nothing raw on the terminal or in gate.md.
expect 2 "cannot open" "$tmp/"$'\e]0;x\a\e[2J' "$good"
evil_commit=$(sed -E 's/"git_commit":"[^"]*"/"git_commit":"[x](https:\/\/evil.example)\\u001b[2J"/' <<<"$header")
printf '%s\n%s\n%s\n%s\n' "$evil_commit" "$ref" "$disp" "$end" >"$tmp/evil_commit.ndjson"
out=$(timeout 20 "$gate" --markdown "$tmp/evil_commit.md" "$good" "$tmp/evil_commit.ndjson" 2>&1)
if [[ $out == *$'\e'* || $out == *evil.example* ]] || grep -q 'evil.example' "$tmp/evil_commit.md"; then
  echo "FAIL: a hostile git_commit reached the terminal or gate.md: ${out@Q}"; fail=1
fi
# An error record's message on the terminal: escaped, one line.
evil_error='{"type":"error","platform":"native","scenario":"forkjoin","backend":"spin","mode":"warm","message":"boom\u001b]0;x\u0007\u001b[2J\nsecond line"}'
printf '%s\n%s\n%s\n%s\n%s\n' "$header" "$ref" "$disp" "$evil_error" "$end" >"$tmp/evil_error.ndjson"
out=$(timeout 20 "$gate" "$good" "$tmp/evil_error.ndjson" 2>&1)
if [[ $out == *$'\e'* || $out == *$'\nsecond line'* || $out != *"boom\\x1b]0;x\\x07\\x1b[2J\\nsecond line"* ]]; then
  echo "FAIL: an error record's message reached the terminal raw: ${out@Q}"; fail=1
fi
# Unusable files.
expect 2 "$tmp/nosuch.ndjson: cannot open" "$tmp/nosuch.ndjson" "$good"
: >"$tmp/empty.ndjson"
expect 2 "$tmp/empty.ndjson:1: empty file" "$tmp/empty.ndjson" "$good"
printf '%s\n%s\n%s' "$header" "$ref" "${disp:0:90}" >"$tmp/truncated.ndjson"
expect 2 "$tmp/truncated.ndjson:3: truncated line" "$tmp/truncated.ndjson" "$good"
printf '%s\n%s\n%s\n' "$header" "${ref/\"threads\":2/\"threads\":\"2\"}" "$disp" >"$tmp/type.ndjson"
expect 2 "$tmp/type.ndjson:2: 'threads' should be integer" "$good" "$tmp/type.ndjson"
printf '%s\n%s\n%s\n' "$header" "$ref" "${disp/\"samples\":*/\"samples\":[100,\"x\"]\}}" >"$tmp/sample.ndjson"
expect 2 "$tmp/sample.ndjson:3: 'samples' should be array<number>" "$good" "$tmp/sample.ndjson"
printf '%s\n%s\n%s\n' "$header" "$ref" "${disp/,\"median\":104/}" >"$tmp/missing.ndjson"
expect 2 "$tmp/missing.ndjson:3: measurement lacks 'median'" "$tmp/missing.ndjson" "$good"
printf '%s\n%s\n' "$ref" "$disp" >"$tmp/noheader.ndjson"
expect 2 "$tmp/noheader.ndjson:1: first line is a \"measurement\" record" "$tmp/noheader.ndjson" "$good"
printf '%s\n%s\n{"type":"measurement",}\n' "$header" "$ref" >"$tmp/badjson.ndjson"
expect 2 "$tmp/badjson.ndjson:3: invalid JSON" "$tmp/badjson.ndjson" "$good"
printf '%s\n\n%s\n' "$header" "$ref" >"$tmp/blank.ndjson"
expect 2 "$tmp/blank.ndjson:2: empty line" "$tmp/blank.ndjson" "$good"
printf '%s\n' "${header/\"schema\":2/\"schema\":3}" >"$tmp/schema.ndjson"
expect 2 "$tmp/schema.ndjson:1: schema 3, this gate reads schema 2" "$tmp/schema.ndjson" "$good"
printf '%s\n' "${header/\"schema\":2/\"schema\":1}" >"$tmp/schema1.ndjson"
expect 2 "$tmp/schema1.ndjson:1: schema 1 file: written by an older poolbench; re-run it" "$tmp/schema1.ndjson" "$good"
printf '%s\n%s\n%s\n%s\n' "$header" "$ref" "$disp" "$disp" >"$tmp/dup.ndjson"
expect 2 "$tmp/dup.ndjson:4: duplicate key native/dispatch/spin/warm/2/2/0 \\(first at line 3\\)" "$good" "$tmp/dup.ndjson"
printf '%s\n' "$header" >"$tmp/headeronly.ndjson"
expect 2 "no measurement records" "$tmp/headeronly.ndjson" "$good"
printf '%s\n%s\n' "$header" "${disp//warm/cold}" >"$tmp/other.ndjson"
expect 2 "no key is in both runs" "$good" "$tmp/other.ndjson"
mkdir "$tmp/emptydir"
expect 2 "$tmp/emptydir: no \\*.ndjson" "$tmp/emptydir" "$good"

# A bad config line.
printf '# ok\nnative/* 0.2\nnative/dispatch/* lots\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:3: bad threshold" --config "$tmp/bad.conf" "$good" "$good"
printf 'native/*\n' >"$tmp/bad2.conf"
expect 2 "$tmp/bad2.conf:1: .* has no threshold" --config "$tmp/bad2.conf" "$good" "$good"

# A side whose headers do not say which machine it ran on (no cpu_model, as
# on aarch64 without a "model name" line, or no logical_cores) could be any
# machine: exit 2 unless --any-machine (it used to skip the check and pass).
unknown=$(sed -E 's/"cpu_model":("[^"]*"|null)/"cpu_model":null/' <<<"$header")
nocores=$(sed -E 's/,"logical_cores":[0-9]+//' <<<"$header")
known=$(sed -E 's/"cpu_model":("[^"]*"|null)/"cpu_model":"Test CPU"/' <<<"$header")
printf '%s\n%s\n%s\n%s\n' "$unknown" "$ref" "$disp" "$end" >"$tmp/unknown.ndjson"
printf '%s\n%s\n%s\n%s\n' "$nocores" "$ref" "$disp" "$end" >"$tmp/nocores.ndjson"
printf '%s\n%s\n%s\n%s\n' "$known" "$ref" "$disp" "$end" >"$tmp/known.ndjson"
expect 2 "$tmp/unknown.ndjson does not say which machine" "$tmp/unknown.ndjson" "$tmp/known.ndjson"
expect 2 "$tmp/unknown.ndjson does not say which machine" "$tmp/known.ndjson" "$tmp/unknown.ndjson"
expect 2 "$tmp/nocores.ndjson" "$tmp/nocores.ndjson" "$tmp/known.ndjson"
expect 0 "warning: $tmp/unknown.ndjson does not say which machine .*--any-machine" \
  --any-machine "$tmp/unknown.ndjson" "$tmp/known.ndjson"

# Unusable input still leaves a JSON verdict a CI step can read.
"$gate" --json "$tmp/v.json" "$tmp/empty.ndjson" "$good" 2>/dev/null
grep -q '"verdict":[[:space:]]*"unusable"' "$tmp/v.json" 2>/dev/null ||
  { echo "FAIL: no unusable verdict in the JSON file"; fail=1; }

exit $fail
