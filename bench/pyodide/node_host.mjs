#!/usr/bin/env node
// poolbench in Pyodide under Node.js. The main thread supervises (progress,
// deadline, exit code); a worker_thread runs Pyodide, so a stuck Python run
// cannot stop the deadline from firing. Records: DIR/pyodide-node.ndjson,
// appended synchronously by the worker itself.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {Worker, isMainThread, parentPort, workerData} from 'node:worker_threads';

import {FILES, OPTIONS_HELP, UsageError, parseOptions, runPyodide} from './run_pyodide.mjs';
import {poolbenchRecord} from '../../harness/web/record.js';
import {gitCommit} from './git_commit.js';
import {quoted} from '../browser/quote.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PLATFORM = 'pyodide-node';
const USAGE = `usage: node bench/pyodide/node_host.mjs --out DIR [options]
Runs poolbench's Python scenarios in Pyodide under Node.js.
  --out DIR        run directory: writes DIR/${PLATFORM}.ndjson
  --build DIR      where the side modules are (default: build-pyodide)
  --deadline S     give up after S seconds, exit 3 (default: 600)
  --jspi           enable Node 20's pre-standard JSPI
                   (--experimental-wasm-stack-switching) for the worker
${OPTIONS_HELP}
example: node bench/pyodide/node_host.mjs --out results/x --quick`;

function fail(code, msg) {
  process.stderr.write(`bench-pyodide: ${msg}\n`);
  process.exit(code);
}

function parse(argv) {
  const o = parseOptions(argv);
  const h = {out: null, build: path.join(ROOT, 'build-pyodide'), deadline: 600, jspi: false};
  for (let i = 0; i < o.rest.length; i++) {
    const a = o.rest[i], v = o.rest[i + 1];
    if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    if (a === '--jspi') { h.jspi = true; continue; }
    if (!['--out', '--build', '--deadline'].includes(a)) throw new UsageError(`unknown option ${quoted(a)} (see --help)`);
    if (v === undefined) throw new UsageError(`${a} needs a value (see --help)`);
    h[a.slice(2)] = v;
    i++;
  }
  if (!h.out) throw new UsageError('--out DIR is required (see --help)');
  h.deadline = Number(h.deadline);
  if (!(h.deadline > 0)) throw new UsageError('--deadline must be a positive number of seconds');
  return {...o, ...h};
}

function readFiles(o) {
  const files = {};
  for (const [name, rel] of Object.entries(FILES)) {
    const file = rel.startsWith('build-pyodide/') ? path.join(o.build, path.basename(rel)) : path.join(ROOT, rel);
    if (!fs.existsSync(file)) fail(2, `${quoted(file)} missing: build it with make build-pyodide`);
    files[name] = fs.readFileSync(file);
  }
  if (o.side) {
    if (!fs.existsSync(o.side)) fail(2, `--side ${quoted(o.side)}: no such file`);
    files[path.basename(o.side)] = fs.readFileSync(o.side);
  }
  return files;
}

function supervise() {
  let o;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    fail(e instanceof UsageError ? 2 : 1, e.message);
  }
  const JSPI_FLAG = '--experimental-wasm-stack-switching';
  if (o.jspi && !process.execArgv.includes(JSPI_FLAG)) {
    // A V8 flag: a worker's execArgv refuses it and setting it at run time
    // crashes Node 20, so run this host again under it.
    const args = process.argv.slice(2).filter((a) => a !== '--jspi');
    const r = spawnSync(process.execPath, [JSPI_FLAG, fileURLToPath(import.meta.url), ...args], {stdio: 'inherit'});
    process.exit(r.status ?? 1);
  }
  const files = readFiles(o);
  fs.mkdirSync(o.out, {recursive: true});
  const records = path.join(o.out, `${PLATFORM}.ndjson`);
  const stamp = path.join(o.build, 'side_compiler.txt');
  const context = {
    platform: PLATFORM, quick: o.quick, reps: o.reps, probe_only: o.probeOnly, test_fault: o.testFault,
    side: o.side ? path.basename(o.side) : null, start_time: new Date().toISOString(),
    git_commit: gitCommit(ROOT), command: [...process.execArgv, ...process.argv.slice(1)].join(' '),
    side_compiler: fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : 'unknown',
    host_cores: os.availableParallelism(), runtime: `Node.js ${process.version}`, nice: os.getPriority(),
  };
  const started = Date.now();
  let step = 'loading Pyodide';
  const worker = new Worker(fileURLToPath(import.meta.url), {workerData: {files, context, records}});
  const timer = setTimeout(() => {
    // The worker may be stuck in Python: say what it was doing, then stop
    // it. The record only goes after a header (a file's first line).
    const elapsed = (Date.now() - started) / 1000;
    const kept = fs.existsSync(records) && fs.statSync(records).size > 0;
    if (kept) {
      fs.appendFileSync(records, poolbenchRecord.watchdog(PLATFORM, step, o.deadline, elapsed) + '\n');
    }
    process.stderr.write(`bench-pyodide: deadline of ${o.deadline} s exceeded during '${step}'; ` +
                         (kept ? `records so far in ${records}\n` : 'no records written yet\n'));
    process.exit(3);
  }, o.deadline * 1000);
  worker.on('message', (m) => {
    if (m.type === 'progress') {
      step = m.text;
      process.stderr.write(`${m.text}\n`);
    } else if (m.type === 'exit') {
      clearTimeout(timer);
      if (m.code !== 0) process.stderr.write(`bench-pyodide: ${m.message}\n`);
      else process.stderr.write(`records: ${records}\n`);
      process.exit(m.code);
    }
  });
  worker.on('error', (e) => {
    clearTimeout(timer);
    fail(1, `Pyodide worker failed: ${String(e && e.message || e).split('\n')[0]}`);
  });
  worker.on('exit', (code) => fail(1, `Pyodide worker exited (${code}) without a result`));
}

async function work() {
  const {files, context, records} = workerData;
  const {loadPyodide} = await import(pathToFileURL(path.join(ROOT, 'node_modules', 'pyodide', 'pyodide.mjs')));
  let result;
  try {
    result = await runPyodide({
      loadPyodide, indexURL: path.join(ROOT, 'node_modules', 'pyodide') + path.sep,
      files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)])),
      sink: (line) => fs.appendFileSync(records, line + '\n'),
      progress: (text) => parentPort.postMessage({type: 'progress', text}),
      log: (line) => fs.writeSync(2, `[python] ${line}\n`),
      context,
    });
  } catch (e) {
    // A Python exception: its last line says what it was.
    const lines = String(e && e.message || e).trim().split('\n');
    result = {code: 1, message: lines[lines.length - 1]};
  }
  parentPort.postMessage({type: 'exit', ...result});
}

if (isMainThread) supervise();
else work();
