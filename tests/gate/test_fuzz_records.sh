#!/usr/bin/env bash
# Builds the libFuzzer target for the record parser with clang (ASan+UBSan)
# and runs it for 10 s on the seed corpus. Exit 77 (skipped) when clang
# cannot build a fuzzer here.
# usage: test_fuzz_records.sh WORK_DIR CJSON_INCLUDE_DIR CJSON_LIBRARY CONTRACT_INCLUDE_DIR
set -u
work=$1
inc=$2
lib=$3
gen=$4 # records_contract.h, generated from results/README.md
root=$(cd "$(dirname "$0")/../.." && pwd)
src=$root/report/gate                  # the reader
seeds=$root/tests/fixtures/fuzz_corpus # the committed seed corpus
cc=${FUZZ_CC:-clang}
mkdir -p "$work"

if ! command -v "$cc" >/dev/null; then
  echo "SKIP: no $cc (libFuzzer needs clang)"; exit 77
fi
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
  >"$work/probe.c"
if ! "$cc" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>"$work/probe.err"; then
  echo "SKIP: $cc cannot link -fsanitize=fuzzer (libclang-rt-dev missing?): $(head -1 "$work/probe.err")"
  exit 77
fi

flags=(-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -fno-omit-frame-pointer -I"$src" -I"$inc" -I"$gen")
timeout 120 "$cc" "${flags[@]}" "$src/fuzz_records.c" "$src/records.c" "$src/contract.c" "$lib" -lm \
  -o "$work/fuzz_records" || { echo "FAIL: building the fuzzer"; exit 1; }

# A fresh working corpus each time (libFuzzer adds what it finds to the first
# directory); the committed seeds are read from the second.
rm -rf "$work/corpus" && mkdir -p "$work/corpus"
cat >"$work/json.dict" <<'DICT'
"{"
"}"
"["
"]"
":"
","
"\x22"
"\x0a"
"null"
"true"
"1e999"
"-1"
"\x22type\x22"
"\x22header\x22"
"\x22measurement\x22"
"\x22error\x22"
"\x22platform\x22"
"\x22schema\x22"
"\x22samples\x22"
"\x22median\x22"
"\x22threads\x22"
"\x22work_ns\x22"
DICT
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  timeout 60 "$work/fuzz_records" -max_total_time=10 -timeout=5 -rss_limit_mb=2048 \
  -dict="$work/json.dict" -artifact_prefix="$work/" -print_final_stats=1 \
  "$work/corpus" "$seeds" >"$work/fuzz.log" 2>&1
rc=$?
tail -n 25 "$work/fuzz.log"
if [[ $rc -ne 0 ]]; then
  echo "FAIL: the fuzzer exited $rc; the input that broke the parser is in $work/ (crash-*, leak-*, timeout-*)"
  exit 1
fi
grep -q 'Done [0-9]* runs' "$work/fuzz.log" || { echo "FAIL: the fuzzer did not finish its run"; exit 1; }
echo "ok: records parser fuzzed for 10 s"
