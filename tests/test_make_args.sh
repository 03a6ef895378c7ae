#!/usr/bin/env bash
# Values given to make (RUN, BASELINE, THREADS, ...) reach the programs as one
# argument each, never as shell or make text: a run folder whose name holds
# backquotes, $(...), ;, a space and a newline is reported, and its commands
# never run; a missing one or a bad count is one line, exit 2.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# The payloads name no path (a folder name holds no /): they reach $P by cd.
export P=$dir/pwned
mkdir "$P"
pwned() { [[ -z $(ls -A "$P") ]] || fail "$1 ran a command from a name: $(ls "$P" | tr '\n' ' ')"; }
# The error lines of a failed make, without make's own "Error N" line.
errors() { grep -Ev '^make(\[[0-9]+\])?: \*\*\*' "$dir/err" | grep -c .; }

payload='r `cd $P;touch a`$(cd $P;touch b);cd $P;touch c;$(shell cd $P;touch d) ${P}'
for name in "$payload" "$payload"$'\nx'; do
  run=$dir/$name
  mkdir "$run"
  cp "$root/tests/fixtures/run/native.ndjson" "$run/"
  make -C "$root" --no-print-directory report RUN="$run" BASELINE="$run" >"$dir/out" 2>"$dir/err"; rc=$?
  pwned "make report RUN= BASELINE="
  [[ $rc -eq 0 ]] || fail "make report exited $rc on a folder with a hostile name: $(cat "$dir/err")"
  [[ -s $run/report/summary.md && -s $run/report/plots/comparison.svg ]] || fail "no report (with the baseline) in $run"
done

make -C "$root" --no-print-directory report RUN="$run-missing" >"$dir/out" 2>"$dir/err"; rc=$?
pwned "make report on a missing folder"
[[ $rc -eq 2 && $(errors) -eq 1 ]] || fail "a missing folder: exit $rc, $(cat "$dir/err")"

make -C "$root" --no-print-directory report RUN="$run" BASELINE="$run-missing" >"$dir/out" 2>"$dir/err"; rc=$?
pwned "make report on a missing baseline"
[[ $rc -eq 2 && $(errors) -eq 1 ]] || fail "a missing baseline: exit $rc, $(cat "$dir/err")"

for t in '2;cd $P;touch e' '$(shell cd $P;touch f)' '1 2'; do
  make -C "$root" --no-print-directory report RUN="$run" THREADS="$t" >"$dir/out" 2>"$dir/err"; rc=$?
  pwned "THREADS=$t"
  [[ $rc -eq 2 && $(grep -c . "$dir/err") -eq 1 ]] || fail "THREADS=$t: exit $rc, $(cat "$dir/err")"
done
echo "ok: hostile make values stay one argument each"
