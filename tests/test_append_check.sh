#!/usr/bin/env bash
# `--append` adds to this platform's run only: onto an empty file, garbage,
# a file cut mid-line, another platform's file renamed, a dangling link or a
# FIFO it is refused (exit 2, one line), the file untouched, nothing created
# behind a link.
# usage: test_append_check.sh PLATFORM CMD...   (CMD runs poolbench)
set -u
platform=$1
shift
cmd=("$@")
fix=$(dirname "$0")/fixtures/run
other=$([[ $platform == native ]] && echo node || echo native)
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
quick=(run --quick --backend serial --scenario dispatch --deadline 60 --append)

refused() { # NAME: --out $out/NAME must be refused, its records file untouched
  local name=$1 file=$out/$1/$platform.ndjson err rc lines
  [[ -f $file && ! -L $file ]] && cp "$file" "$out/$name.before"
  err=$(timeout 30 "${cmd[@]}" "${quick[@]}" --out "$out/$name" 2>&1 >/dev/null); rc=$?
  lines=$(printf '%s' "$err" | grep -c '')
  if [[ $rc -ne 2 || $lines -ne 1 || $err == *$'\e'* ]]; then
    echo "FAIL: --append onto $name -> exit $rc, $lines stderr lines: $err"; fail=1
  elif [[ -f $file && ! -L $file ]] && ! cmp -s "$file" "$out/$name.before"; then
    echo "FAIL: --append onto $name changed the file"; fail=1
  else
    echo "ok: --append onto $name -> $err"
  fi
}

mkdir -p "$out"/{empty,garbage,cut,other,dangling,fifo}
: >"$out/empty/$platform.ndjson"
printf 'garbage\n' >"$out/garbage/$platform.ndjson"
head -c -10 "$fix/$platform.ndjson" >"$out/cut/$platform.ndjson"
cp "$fix/$other.ndjson" "$out/other/$platform.ndjson"
ln -s "$out/nowhere" "$out/dangling/$platform.ndjson"
mkfifo "$out/fifo/$platform.ndjson"
# A folder whose name holds terminal codes and a newline: quoted, one line.
evil=$'evil\e]0;x\a\e[2J\nz'
mkdir "$out/$evil" && printf 'garbage\n' >"$out/$evil/$platform.ndjson"
for name in empty garbage cut other dangling fifo "$evil"; do refused "$name"; done
[[ ! -e $out/nowhere ]] || { echo "FAIL: --append followed a dangling link"; fail=1; }

# This platform's whole run is taken.
mkdir -p "$out/good" && cp "$fix/$platform.ndjson" "$out/good/"
timeout 120 "${cmd[@]}" "${quick[@]}" --out "$out/good" >/dev/null 2>"$out/err" &&
  [[ $(wc -l <"$out/good/$platform.ndjson") -gt $(wc -l <"$fix/$platform.ndjson") ]] &&
  echo "ok: --append onto this platform's run adds to it" ||
  { echo "FAIL: --append onto this platform's run: $(tail -n 1 "$out/err")"; fail=1; }
exit $fail
