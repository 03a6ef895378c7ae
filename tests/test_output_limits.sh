#!/usr/bin/env bash
# Output the OS limits: past a file size limit (ulimit -f) the run says it
# cannot write (exit 1, one line) instead of dying on SIGXFSZ mid-line; an
# --out path longer than any fixed buffer (3,000 bytes of short parts) is
# made and written whole.
# usage: test_output_limits.sh CMD...   (CMD runs poolbench)
set -u
cmd=("$@")
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
quick=(run --quick --backend serial --scenario dispatch --deadline 60)

# ulimit -f 1: 1 KiB, less than the header line.
err=$( (ulimit -f 1; exec timeout 60 "${cmd[@]}" "${quick[@]}" --out "$out/small") 2>&1 >/dev/null)
rc=$?
said=$(printf '%s\n' "$err" | grep -c 'cannot write')
if [[ $rc -eq 1 && $said -eq 1 ]]; then
  echo "ok: over the file size limit -> exit 1: $(printf '%s\n' "$err" | grep 'cannot write')"
else
  echo "FAIL: over the file size limit -> exit $rc, $said 'cannot write' lines: $err"; fail=1
fi

# 300 nested directories of 9 characters: a 3,000-byte --out path.
deep=$out/long
for _ in $(seq 300); do deep+=/abcdefghi; done
if timeout 120 "${cmd[@]}" "${quick[@]}" --out "$deep" >/dev/null 2>"$out/err" &&
   python3 "$(dirname "$0")/../records/check.py" check "$deep"/*.ndjson; then
  echo "ok: a ${#deep}-byte --out path holds the run's records"
else
  echo "FAIL: a ${#deep}-byte --out path: ...$(tail -n 1 "$out/err" | tail -c 200)"; fail=1
fi
exit $fail
