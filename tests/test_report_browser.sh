#!/usr/bin/env bash
# Builds the report from the fixture with every scenario and looks at it in
# headless Chromium, the four fixed plots clicked on their own.
# usage: test_report_browser.sh OUTPUT_DIR   (the screenshot is kept there)
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$1
rm -rf "$out" && mkdir -p "$out"
cp "$here"/fixtures/run_forkjoin/*.ndjson "$out/"
python3 "$here/../report/report.py" "$out" >/dev/null || { echo "FAIL: report"; exit 1; }
timeout 120 node "$here/test_report_view.js" "$out/report" "$out/screenshot.png" forkjoin speedup tradeoff latency
