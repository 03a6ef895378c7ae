#!/usr/bin/env node
// The engine's floor under Node.js: floor_kernel.js's lead on the main
// thread, its partner in one worker_thread, on one SharedArrayBuffer.
'use strict';
const path = require('path');
const {Worker} = require('worker_threads');
const kernel = require('./floor_kernel');
const {parseOptions} = require('./floor_options');
const {summarize, print} = require('./floor_report');

const PROG = 'floor_node';
const USAGE = `usage: [node [V8 flags]] floor_node.js [--variant a,b] [--reps R] [--json]
The fork-join hand-offs in plain JS (no C, no Wasm) on an Int32Array over a
SharedArrayBuffer, the lead on the main thread and its partner in a
worker_thread: the engine's floor under poolbench's Wasm figures.
  --variant LIST  of ${kernel.VARIANTS.join(', ')} (default: all)
  --reps R        timed batches per variant, the first discarded (default 11);
                  each batch lasts >= 1 ms
  --json          one line per variant: {engine, version, variant, median_ns,
                  ci_lo, ci_hi, reps (batches in the median), coverage (of
                  the interval), batch (iterations per batch)}
Output: median ns per iteration and its 95% interval (order statistics).`;
const START_MS = 30000; // the partner's worker must be up within this

function fail(msg) {
  process.stderr.write(`${PROG}: ${msg}\n`);
  process.exit(1);
}

// The partner's worker: the kernel's partner until the lead says quit.
const PARTNER = `
const {workerData} = require('worker_threads');
require(workerData.kernel).partner(new Int32Array(workerData.sab), () => performance.now());
`;

async function main() {
  const o = parseOptions(PROG, USAGE, process.argv.slice(2));
  const a = kernel.newBuffer();
  const worker = new Worker(PARTNER, {eval: true, workerData: {sab: a.buffer, kernel: require.resolve('./floor_kernel')}});
  let partnerError = null;
  worker.on('error', (e) => { partnerError = e; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the partner's worker did not start within ${START_MS / 1000} s`)), START_MS);
    worker.once('online', () => { clearTimeout(timer); resolve(); });
    worker.once('error', (e) => { clearTimeout(timer); reject(e); });
  }).catch((e) => fail(String(e.message || e).split('\n')[0]));
  let variant = null, raw;
  try {
    raw = kernel.lead(a, () => performance.now(), o.variants, o.reps, (v) => { variant = v; });
  } catch (e) {
    await worker.terminate();
    fail(`${variant}: ${String(e.message || e).split('\n')[0]}`);
  }
  // The partner quits on its own; a deadline all the same.
  const ended = await Promise.race([new Promise((r) => worker.once('exit', () => r(true))),
                                    new Promise((r) => setTimeout(() => r(false), 5000).unref())]);
  if (!ended) await worker.terminate();
  if (partnerError) fail(`the partner: ${String(partnerError.message || partnerError).split('\n')[0]}`);
  print(summarize('node', process.version, raw), o.json);
}

main();
