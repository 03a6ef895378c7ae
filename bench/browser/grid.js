#!/usr/bin/env node
// make bench-grid: the browser suite on a Selenium Grid 4. Asks the Grid for
// one session per browser per node (its /status lists them), and runs the
// browser driver (driver.js) on each through the session's socket, the page
// served by this machine: DIR/<browser>-<node>.ndjson per session, checked
// as every browser run's records are. A session the Grid refuses, a node
// that dies, a socket that closes: that session fails, the others go on,
// and the run exits 1 at the end naming it. Every session is deleted.
'use strict';
const {spawn} = require('child_process');
const fs = require('fs');
const path = require('path');
const grid = require('./grid_client');
const {GRID_BROWSERS, CPU_CAPABILITY, nodeOs, where, plan, capabilities, endpoint} = require('./grid_plan');
const {quoted} = require('./quote');

const USAGE = `usage: grid.js --grid URL --out DIR [options] -- POOLBENCH_ARGS...
  --grid URL       the Selenium Grid 4 (http://host:4444)
  --out DIR        the run directory: DIR/<browser>-<node>.ndjson and .log per
                   session, DIR/grid.log the run's log (one line a session)
  --browsers LIST  among chrome,firefox (default: both, where the Grid offers them;
                   one named but not offered is an error)
  --parallel K     sessions on at most K nodes at once (default 1); never two
                   sessions on one node
  --host ADDR      serve the page on ADDR, an address of this machine the
                   nodes can reach (default 127.0.0.1: a Grid on this machine)
  --build DIR      the browser build (default: build-web)
  --deadline S     a session's run gives up after S seconds (default: 900)
  --quiet          do not echo the program's output
exit: 0 every session ran, 1 one failed (the last lines name it), 2 usage,
an unreachable Grid or none of the browsers offered
example: grid.js --grid http://127.0.0.1:4444 --out results/x -- run --quick`;

const DRIVER = path.join(__dirname, 'driver.js');
const RESUMING = path.join(__dirname, '..', '..', 'scripts', 'run_resuming.sh');
// The driver's own deadline bounds each run; a resumed one (a hung job cut
// short, run_resuming.sh) runs again: this caps a session's child at that.
const RUNS_PER_SESSION = 6;
const KILL_GRACE_MS = 10000;
// A session the Grid puts on another node than asked (and that node cannot
// take it) is deleted and asked for again, at most this many times.
const PLACEMENTS = 3;

function fail(code, msg) {
  process.stderr.write(`bench-grid: ${msg}\n`);
  process.exit(code);
}

function parse(argv) {
  const o = {browsers: null, parallel: '1', host: '127.0.0.1', build: 'build-web', deadline: '900', args: []};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === '--') { o.args = argv.slice(i + 1); break; }
    if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    if (a === '--quiet') { o.quiet = true; continue; }
    if (['--grid', '--out', '--browsers', '--parallel', '--host', '--build', '--deadline'].includes(a)) {
      if (v === undefined || v === '') fail(2, `${a} needs a value (see --help)`);
      o[a.slice(2)] = v;
      i++;
      continue;
    }
    fail(2, `unknown option ${quoted(a)} (see --help)`);
  }
  if (!o.grid) fail(2, '--grid URL is required (see --help)');
  if (!/^https?:\/\/[A-Za-z0-9.:[\]-]+(\/[\w./-]*)?$/.test(o.grid)) fail(2, `--grid must be an http:// URL, got ${quoted(o.grid)}`);
  o.grid = o.grid.replace(/\/+$/, '');
  if (!o.out) fail(2, '--out DIR is required (see --help)');
  if (!/^[1-9]\d{0,2}$/.test(o.parallel)) fail(2, `--parallel must be a positive integer, got ${quoted(o.parallel)}`);
  o.parallel = Number(o.parallel);
  if (!(Number(o.deadline) > 0)) fail(2, `--deadline must be a positive number of seconds, got ${quoted(o.deadline)}`);
  o.deadline = Number(o.deadline);
  o.explicit = o.browsers !== null;
  o.browsers = (o.browsers || Object.keys(GRID_BROWSERS).join(',')).split(',');
  for (const b of o.browsers) {
    if (!GRID_BROWSERS[b]) fail(2, `--browsers takes ${Object.keys(GRID_BROWSERS).join(', ')}, got ${quoted(b)}`);
  }
  if (new Set(o.browsers).size !== o.browsers.length) fail(2, '--browsers names a browser twice');
  if (!o.args.length) fail(2, 'no poolbench arguments after -- (e.g. -- run --quick)');
  // The driver's own checks (host, build, arguments) come first, once, not per session.
  return o;
}

function stamp() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

class Run {
  constructor(o) {
    this.o = o;
    this.log = path.join(o.out, 'grid.log');
    this.children = new Set();
    this.live = new Set(); // session ids not yet deleted
    this.results = [];
    this.creating = Promise.resolve(); // one new-session request at a time
    this.busy = new Set(); // node ids running one of our sessions
    this.pending = []; // pairs not yet run
    this.waiting = []; // lanes waiting for a node to be free
  }

  note(line) {
    fs.appendFileSync(this.log, `${stamp()} ${line}\n`);
  }

  say(line) {
    this.note(line);
    process.stderr.write(`bench-grid: ${line}\n`);
  }

  // Runs the pairs on `parallel` lanes: a lane takes the next pair whose
  // node runs none of ours, so each node has one session at a time.
  async runAll(pairs) {
    this.pending = [...pairs];
    const lane = async () => {
      for (;;) {
        const i = this.pending.findIndex((p) => !this.busy.has(p.node.id));
        if (i < 0) {
          if (!this.pending.length) return;
          await new Promise((r) => { this.waiting.push(r); }); // every pending pair's node is busy
          continue;
        }
        const [pair] = this.pending.splice(i, 1);
        this.busy.add(pair.node.id);
        try {
          this.results.push(await this.session(pair));
        } finally {
          this.changed();
        }
      }
    };
    await Promise.all(Array.from({length: Math.min(this.o.parallel, pairs.length)}, lane));
  }

  changed() {
    for (const w of this.waiting.splice(0)) w();
  }

  // A session for `pair` on its node (its node marked busy by the caller).
  // The Grid picks the node among those whose stereotype matches: one it
  // put elsewhere is taken as that node's session when that node is free
  // and still to run this browser (the pair waits again), else deleted
  // and asked for again. Returns {made, pair} (pair: the node it runs on).
  async place(pair, result) {
    for (let attempt = 1; ; attempt++) {
      // One request at a time: the Grid places each knowing where the last went.
      const request = this.creating.then(() => grid.newSession(this.o.grid, capabilities(pair)));
      this.creating = request.catch(() => {});
      this.note(`${pair.browser} on ${pair.where}: asking for a session`);
      const made = await request;
      this.live.add(made.id);
      result.id = made.id;
      const node = await grid.nodeOfSession(this.o.grid, made.id).catch((e) => { result.made = made; throw e; });
      if (!node || node.id === pair.node.id) return {made, pair};
      const j = this.pending.findIndex((p) => p.node.id === node.id && p.browser === pair.browser);
      if (j >= 0 && !this.busy.has(node.id)) {
        const [there] = this.pending.splice(j, 1);
        this.pending.unshift(pair);
        this.busy.delete(pair.node.id);
        this.busy.add(node.id);
        this.note(`${pair.browser}: the Grid placed the session for ${pair.where} on ${where(node)}: run there`);
        this.changed();
        return {made, pair: there};
      }
      await this.remove(made.id, `${pair.browser} on ${pair.where}`);
      result.id = null;
      if (attempt === PLACEMENTS) {
        throw new Error(`the Grid placed its sessions on other nodes ${PLACEMENTS} times (the last on ${where(node)}); ` +
                        'give each node a capability of its own in its stereotype (e.g. poolbench:node) to pin them');
      }
    }
  }

  // One session: made on its node, the driver run through it, always
  // deleted. Returns {pair, ok, why, version, id}.
  async session(asked) {
    const result = {pair: asked, ok: false, why: null, version: null, id: null};
    let made = null;
    try {
      let pair;
      ({made, pair} = await this.place(asked, result));
      result.pair = pair;
      result.version = made.version;
      const ws = endpoint(this.o.grid, pair.browser, made.id, made.capabilities);
      if (!ws) throw new Error(`the session has no ${GRID_BROWSERS[pair.browser].capability} socket to drive it through`);
      this.say(`${pair.browser} on ${pair.where}: session ${made.id}, ${pair.browser} ` +
               `${result.version || '(version unknown)'}: running`);
      const end = await this.drive(pair, ws, result.version);
      if (end.code !== 0) throw new Error(`${end.why} (driver exit ${end.code})`);
      result.ok = true;
    } catch (e) {
      result.why = grid.oneLine(e && e.message || e);
      made = made || result.made || null; // placed, but its node not found
    } finally {
      if (made) await this.remove(made.id, `${result.pair.browser} on ${result.pair.where}`);
      this.busy.delete(result.pair.node.id);
    }
    const pair = result.pair, who = `${pair.browser} on ${pair.where}`;
    const file = path.join(this.o.out, `${pair.name}.ndjson`);
    this.say(`${who}${result.id ? ` (session ${result.id})` : ''}: ` +
             (result.ok ? `ok, ${file}` : `failed: ${result.why}` +
              (fs.existsSync(file) && !result.why.includes(file) ? `; the records it wrote are kept in ${file}` : '')));
    return result;
  }

  // Deletes session id (the run's end, or a failure's); a Grid that does not
  // confirm it is noted (its own session timeout then ends it).
  async remove(id, who) {
    try {
      await grid.deleteSession(this.o.grid, id);
      this.note(`${who}: session ${id} deleted`);
    } catch (e) {
      this.say(`${who}: session ${id} not deleted: ${grid.oneLine(e.message)}`);
    }
    this.live.delete(id);
  }

  // The driver on one session (through run_resuming.sh, as make bench-browser
  // runs it): {code, why} with the driver's last line as why.
  drive(pair, ws, version) {
    const o = this.o, node = pair.node;
    const args = [RESUMING, path.join(o.out, `${pair.name}.ndjson`), '--', 'node', DRIVER,
                  '--browser', pair.browser, '--browser-ws', ws, '--host', o.host, '--name', pair.name,
                  '--grid-node', pair.where, '--build', o.build, '--out', o.out,
                  '--deadline', String(o.deadline)];
    if (version) args.push('--browser-version', version);
    const os = nodeOs(node), cpu = pair.stereotype[CPU_CAPABILITY];
    if (os) args.push('--node-os', os);
    if (typeof cpu === 'string' && cpu) args.push('--node-cpu', cpu);
    if (o.quiet) args.push('--quiet');
    args.push('--', ...o.args);
    return new Promise((resolve) => {
      const child = spawn('bash', args, {stdio: ['ignore', o.quiet ? 'ignore' : 'inherit', 'pipe'], detached: true});
      this.children.add(child);
      let last = '', tail = '';
      child.stderr.on('data', (d) => {
        if (!o.quiet) process.stderr.write(d);
        tail = (tail + d).slice(-4000);
        const lines = tail.split('\n').filter((l) => l.trim());
        if (lines.length) last = lines[lines.length - 1];
      });
      const cap = RUNS_PER_SESSION * (o.deadline + 120) * 1000;
      const timer = setTimeout(() => {
        last = `the driver outlived ${cap / 1000} s: stopped`;
        this.stop(child);
      }, cap);
      child.on('error', (e) => { last = `cannot start the driver: ${e.message}`; });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({code: code === null ? 1 : code,
                 why: (last.replace(/^(bench-browser|run_resuming): /, '') || `the driver ended (${signal || code})`)});
      });
    });
  }

  // SIGTERM to a child's process group (the driver cleans up), SIGKILL later.
  stop(child) {
    try { process.kill(-child.pid, 'SIGTERM'); } catch (e) { /* gone */ }
    setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch (e) { /* gone */ } }, KILL_GRACE_MS).unref();
  }
}

async function main() {
  const o = parse(process.argv.slice(2));
  let status;
  try {
    status = await grid.status(o.grid);
  } catch (e) {
    fail(2, `cannot reach the Selenium Grid at ${o.grid}: ${grid.oneLine(e.message)}`);
  }
  if (status.ready !== true) fail(2, `the Selenium Grid at ${o.grid} is not ready: ${grid.oneLine(status.message || 'no message')}`);
  const {pairs, notes} = plan(status, o.browsers);
  const missing = o.explicit ? notes.filter((n) => o.browsers.some((b) => n.startsWith(`${b}: no node`))) : [];
  if (missing.length) fail(2, `${missing.join('; ')} (its /status lists ${status.nodes.length} node(s))`);
  if (!pairs.length) fail(2, `the Selenium Grid at ${o.grid} offers none of ${o.browsers.join(', ')}`);
  for (const p of pairs) {
    const file = path.join(o.out, `${p.name}.ndjson`);
    if (fs.existsSync(file)) fail(2, `${quoted(file)} exists: choose a new RUN directory`);
  }
  if (o.host === '127.0.0.1' && !/^https?:\/\/(127\.[\d.]+|localhost|\[::1\])(:\d+)?(\/|$)/.test(o.grid)) {
    process.stderr.write(`bench-grid: warning: the page is served on 127.0.0.1: a node on another machine ` +
                         'cannot load it (HOST=<an address of this machine the nodes reach>)\n');
  }
  fs.mkdirSync(o.out, {recursive: true});
  const run = new Run(o);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      run.say(`${sig}: stopping the sessions`);
      for (const c of run.children) run.stop(c);
      Promise.all([...run.live].map((id) => run.remove(id, 'stopped'))).finally(() => process.exit(130));
    });
  }
  const nodes = new Set(pairs.map((p) => p.node.id)).size;
  run.say(`${pairs.length} session(s) on ${nodes} node(s) of ${o.grid}, at most ${o.parallel} node(s) at once; ` +
          `records in ${o.out}/<browser>-<node>.ndjson`);
  for (const n of notes) run.say(n);
  await run.runAll(pairs);
  const failed = run.results.filter((r) => !r.ok);
  for (const r of run.results) {
    const p = r.pair;
    process.stdout.write(`bench-grid: ${r.ok ? 'ok    ' : 'FAILED'} ${p.browser} ${r.version || '?'} on ${p.where}` +
                         `${r.id ? ` session ${r.id}` : ''}: ${r.ok ? path.join(o.out, `${p.name}.ndjson`) : r.why}\n`);
  }
  if (failed.length) {
    run.say(`${failed.length} of ${run.results.length} session(s) failed: ` +
            failed.map((r) => `${r.pair.browser} on ${r.pair.where}` + (r.id ? ` (session ${r.id})` : '')).join(', '));
    process.exit(1);
  }
  run.say(`${run.results.length} session(s) ran; records in ${o.out}`);
}

main().catch((e) => fail(1, grid.oneLine(e && e.stack || e)));
