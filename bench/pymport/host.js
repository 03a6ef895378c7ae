#!/usr/bin/env node
// poolbench in CPython embedded in Node.js (pymport): runs
// bench/pymport/bench_pymport.py in the embedded interpreter and supplies the
// JS side of its scenarios. The process the user starts only supervises: it
// runs a child with the deadline (a stuck Python call cannot be interrupted
// from inside) and libuv's thread pool sized for P callAsync calls in flight
// plus the measuring one. Records: DIR/pymport.ndjson.
'use strict';
const {spawnSync} = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const {Worker} = require('node:worker_threads');

const ROOT = path.resolve(__dirname, '..', '..');
const USAGE = `usage: node bench/pymport/host.js --out DIR [options]
Runs poolbench's Python scenarios in CPython embedded in Node.js (pymport),
and the JS side: sync calls, callAsync with 1..P in flight, Python calling
JS, 1..P worker_threads calling Python at once.
  --out DIR        run directory: writes DIR/pymport.ndjson
  --threads P      threads, counting the caller (default: logical cores)
  --reps N         outer repetitions, >= 3 (default 11)
  --quick          a smoke run
  --pools a,b      C pools for py_to_pool / pool_to_py (default: all but serial)
  --lib FILE       libpoolbench.so (default: build/libpoolbench.so)
  --diagnose       the hazard verdicts only (a callback into JS waiting for
                   a busy V8, worker_threads sharing the GIL)
  --deadline S     give up after S seconds, exit 3 (default: 1200)
  --pymport DIR    the pymport package (default: node_modules/pymport)
example: node bench/pymport/host.js --out results/x --quick`;

function fail(code, msg) {
  process.stderr.write(`bench-pymport: ${msg}\n`);
  process.exit(code);
}

// The host's own options; the rest go to the Python session, which checks them.
function parse(argv) {
  const o = {deadline: 1200, pymport: path.join(ROOT, 'node_modules', 'pymport'), diagnose: false,
             child: false, threads: os.availableParallelism(), rest: []};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    if (a === '--diagnose' || a === '--child') { o[a.slice(2)] = true; continue; }
    if (a === '--deadline' || a === '--pymport') {
      if (v === undefined) fail(2, `${a} needs a value (see --help)`);
      o[a.slice(2)] = v;
      i++;
      continue;
    }
    if (a === '--threads') o.threads = Number(v);
    o.rest.push(a);
  }
  o.deadline = Number(o.deadline);
  if (!(o.deadline > 0)) fail(2, '--deadline must be a positive number of seconds');
  return o;
}

function supervise(o) {
  const p = Number.isInteger(o.threads) && o.threads > 0 ? o.threads : 1;
  const env = {...process.env, UV_THREADPOOL_SIZE: String(Math.max(4, p + 2))};
  const r = spawnSync(process.execPath, [__filename, '--child', ...process.argv.slice(2)],
                      {stdio: 'inherit', env, timeout: o.deadline * 1000, killSignal: 'SIGKILL'});
  if (r.error && r.error.code === 'ETIMEDOUT') fail(3, `deadline of ${o.deadline} s exceeded (see the last step above)`);
  if (r.error) fail(1, `cannot run the child: ${r.error.message}`);
  if (r.signal) fail(1, `the run ended on ${r.signal} (see the last step above)`);
  process.exit(r.status ?? 1);
}

function loadPymport(dir) {
  try {
    return require(dir);
  } catch (e) {
    const why = String(e && e.message || e).split('\n')[0];
    fail(2, `pymport does not load from ${dir} (${why}): install it with make setup ` +
            '(scripts/setup.sh builds it from source; needs python3-dev and pkg-config)');
  }
}

// The JS functions Python calls. n and k arrive as Python objects.
function hooks(py, workers) {
  const sqrt = py.pymport('math').get('sqrt');
  return {
    noop: () => 0,
    sync_calls: (n) => {
      for (let i = 0, m = n.toJS(); i < m; i++) sqrt.call(2);
    },
    // k chains of callAsync, each starting its next call when one resolves.
    async_calls: (n, k, done) => {
      let issued = 0, finished = 0, failed = false;
      const total = n.toJS(), chains = Math.min(k.toJS(), total);
      const next = () => {
        issued++;
        sqrt.callAsync(2).then(() => {
          if (++finished === total) done.call();
          else if (issued < total) next();
        }, (e) => { if (!failed) { failed = true; process.stderr.write(`bench-pymport: callAsync failed: ${e.message}\n`); } });
      };
      for (let c = 0; c < chains; c++) next();
    },
    worker_calls: (n, k, done) => workers.run(n.toJS(), k.toJS(), () => done.call()),
  };
}

// worker_threads that each call Python on request (worker.js).
class Workers {
  constructor(pymportDir) {
    this.dir = pymportDir;
    this.list = [];
    this.pending = null;
  }

  // count workers, resolved when each has loaded pymport.
  start(count) {
    return Promise.all(Array.from({length: count}, () => new Promise((resolve, reject) => {
      const w = new Worker(path.join(__dirname, 'worker.js'), {workerData: {pymport: this.dir}});
      const timer = setTimeout(() => reject(new Error('a worker_thread did not load pymport within 20 s')), 20000);
      w.on('message', (m) => {
        if (m.type === 'ready') { clearTimeout(timer); resolve(); }
        else if (m.type === 'error') { clearTimeout(timer); reject(new Error(`worker_thread: ${m.message}`)); }
        else if (m.type === 'done' && this.pending && --this.pending.left === 0) {
          const {done} = this.pending;
          this.pending = null;
          done();
        }
      });
      w.on('error', (e) => reject(e));
      this.list.push(w);
    })));
  }

  // n calls shared by the first k workers; done() when all k answered.
  run(n, k, done) {
    this.pending = {left: k, done};
    for (let i = 0; i < k; i++) this.list[i].postMessage({n: Math.floor(n / k) + (i < n % k ? 1 : 0)});
  }

  stop() { return Promise.all(this.list.map((w) => w.terminate())); }
}

function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

async function child(o) {
  const py = loadPymport(o.pymport);
  const sys = py.pymport('sys');
  for (const dir of [path.join(ROOT, 'bench'), __dirname]) sys.get('path').get('insert').call(0, dir);
  const bp = py.pymport('bench_pymport');
  const args = o.diagnose ? [...o.rest, '--quick'] : o.rest;
  const s = bp.get('start').call(py.PyObject.list(args));
  if (s.type === 'int') process.exit(s.toJS());
  const P = s.get('args').get('threads').toJS();
  const v = py.version;
  bp.get('probe').call(s, py.PyObject.dict({
    pymport: `${v.pymport.major}.${v.pymport.minor}.${v.pymport.patch}${v.pymport.suffix ? '-' + v.pymport.suffix : ''}`,
    node: process.version}));
  const workers = new Workers(o.pymport);
  const js = py.PyObject.dict(hooks(py, workers));
  const step = (text) => process.stderr.write(`[pymport] ${text}\n`);
  const perK = async (name, fn) => {
    const out = {};
    for (let k = 1; k <= P; k++) {
      step(`${name}.${k}`);
      out[k] = (await bp.get(fn).callAsync(s, js, k)).toJS();
    }
    return out;
  };
  if (!o.diagnose) bp.get('run_sync').call(s, js);
  bp.get('hop_batches').call(s);
  await workers.start(P);  // only now: the baselines ran without them
  if (o.diagnose) {
    step('hazard pymport_js_wait');
    const idle = (await bp.get('js_wait').callAsync(js)).toJS();
    const pending = bp.get('js_wait').callAsync(js);
    busy(bp.get('BUSY_MS').toJS());
    const waited = (await pending).toJS();
    step('hazard pymport_gil');
    const tput = await perK('js_workers sync', 'workers');
    bp.get('hazards').call(s, idle, waited, P, tput[1], tput[P]);
  } else {
    step('py_to_js callback_from_thread');
    await bp.get('from_thread').callAsync(s, js);
    await perK('js_to_py call_async', 'in_flight');
    const tput = await perK('js_workers sync', 'workers');
    console.log(`worker_threads calling Python at once (one GIL): ${Object.entries(tput)
      .map(([k, c]) => `${k}: ${(c / 1e3).toFixed(0)}k calls/s`).join(', ')}`);
  }
  await workers.stop();
  bp.get('finish').call(s, !o.diagnose);
  process.exit(0);
}

const o = parse(process.argv.slice(2));
if (!o.child) supervise(o);
else child(o).catch((e) => fail(1, String(e && e.message || e).split('\n')[0]));
