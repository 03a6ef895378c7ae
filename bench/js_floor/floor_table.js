#!/usr/bin/env node
// make engine-floor: the floor under Node.js, in Chromium and in Firefox
// (floor_node.js, floor_browser.js; a browser not installed is skipped with
// a note), one Markdown table of them all on stdout; a progress line per
// engine on stderr. Exit 1 when an engine failed (its runner said why).
'use strict';
const fs = require('fs');
const path = require('path');
const {spawn} = require('child_process');
const {parseOptions} = require('./floor_options');
const {BROWSERS} = require('./floor_engines');
const {VARIANTS} = require('./floor_kernel');

const PROG = 'engine-floor';
const USAGE = `usage: floor_table.js [--variant a,b] [--reps R] [--js-flags FLAGS] [--json]
The engine's floor (plain-JS SharedArrayBuffer hand-offs, no C, no Wasm)
under Node.js, in headless Chromium and in headless Firefox, one after the
other: one Markdown table of engine, variant, median [95% interval] ns per
iteration. A browser not installed is skipped with a note on stderr.
  --variant LIST  of ${VARIANTS.join(', ')} (default: all)
  --reps R        timed batches per variant, the first discarded (default 11)
  --js-flags F    V8 flags for Chromium's run (not Node's: give those to node)
  --json          the runners' JSON lines instead of the table`;
const DEADLINE_S = 120; // each browser run's own deadline
const KILL_MS = (DEADLINE_S + 30) * 1000; // any runner that outlives it is killed

function runner(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit']});
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_MS);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({code, signal, out}); });
    child.on('error', (e) => { clearTimeout(timer); resolve({code: null, signal: String(e.message), out}); });
  });
}

function cell(text) {
  return String(text).replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[|\\`<>]/g, (c) => '\\' + c);
}

async function main() {
  const o = parseOptions(PROG, USAGE, process.argv.slice(2), {
    '--js-flags': {key: 'jsFlags', parse: (v) => v},
  });
  const common = ['--json', '--reps', String(o.reps), '--variant', o.variants.join(',')];
  const engines = [['node', [path.join(__dirname, 'floor_node.js'), ...common]]];
  for (const b of Object.keys(BROWSERS)) {
    const extra = b === 'chrome' && o.jsFlags !== undefined ? [`--js-flags=${o.jsFlags}`] : [];
    engines.push([b, [path.join(__dirname, 'floor_browser.js'), '--browser', b, '--deadline', String(DEADLINE_S),
                      ...extra, ...common]]);
  }
  const rows = [], failed = [];
  for (const [engine, args] of engines) {
    if (BROWSERS[engine] && !fs.existsSync(BROWSERS[engine].binary)) {
      process.stderr.write(`${PROG}: ${engine}: skipped, no ${BROWSERS[engine].binary} (scripts/setup.sh installs ${BROWSERS[engine].package})\n`);
      continue;
    }
    process.stderr.write(`${PROG}: ${engine}: ${o.variants.length} variants, ${o.reps} batches each...\n`);
    const t0 = Date.now();
    const r = await runner(args);
    const got = [];
    for (const line of r.out.split('\n').filter(Boolean)) {
      try {
        got.push(JSON.parse(line));
      } catch (e) {
        // counted below: a line that is not JSON is a runner's fault
      }
    }
    if (r.code !== 0 || got.length !== o.variants.length) {
      failed.push(engine);
      process.stderr.write(`${PROG}: ${engine}: failed (${r.signal ? 'killed: ' + r.signal : 'exit ' + r.code}, ` +
                           `${got.length} of ${o.variants.length} variants)\n`);
    }
    process.stderr.write(`${PROG}: ${engine}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    rows.push(...got);
  }
  if (o.json) {
    for (const x of rows) process.stdout.write(JSON.stringify(x) + '\n');
  } else {
    const f = (x) => Number(x).toFixed(1);
    process.stdout.write('| engine | variant | median [95% interval] ns |\n|---|---|---|\n');
    for (const x of rows) {
      // Chrome/156.0 -> chrome 156.0; node's v20.1 stays as it is
      const version = String(x.version).replace(/^[^/]*\//, '');
      process.stdout.write(`| ${cell(x.engine)} ${cell(version)} | ${cell(x.variant)} | ` +
                           `${f(x.median_ns)} [${f(x.ci_lo)}, ${f(x.ci_hi)}] |\n`);
    }
  }
  if (failed.length) {
    process.stderr.write(`${PROG}: failed: ${failed.join(', ')} (their lines above say why)\n`);
    process.exit(1);
  }
}

main();
