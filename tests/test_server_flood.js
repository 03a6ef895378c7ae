#!/usr/bin/env node
// The local server under a connection flood (slowloris): thousands of
// connections that send part of a request line and nothing more. The server
// runs in a child limited to CHILD_FILES descriptors (the flood is scaled
// down from the ~20,000 of a default limit, to the same end: more slow
// connections than descriptors). While the flood is open, the page's own
// requests are answered within REQUEST_MS, the server holds no more sockets
// than its cap, and the slow connections are cut within HEADERS_DEADLINE_MS.
// usage: test_server_flood.js [SERVER_JS]   (default: the project's server.js)
'use strict';
const {spawn} = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const {request} = require('./http_request');

const here = __dirname;
const serverJs = path.resolve(process.argv[2] || path.join(here, '..', 'bench', 'browser', 'server.js'));
const FLOOD = 3000;
const CHILD_FILES = 1024;
const BATCH = 250; // connections opened at once (the listen backlog is 511)
const CONNECT_MS = 5000; // a batch's deadline to connect (or be refused)
const REQUEST_MS = 3000; // each of the page's requests
const HEADERS_DEADLINE_MS = 15000; // the slow connections all cut (node's default: 60 s)
setTimeout(() => { console.log('FAIL: the test did not finish within 60 s'); process.exit(1); }, 60000).unref();

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) failures.push(what);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// This process's soft limit of open files (the flood's sockets count in it).
function fileLimit() {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line.split(/\s+/)[3]);
}

// The sockets the server's process holds (its listening one included).
function serverSockets(pid) {
  let n = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch (e) {
      // closed since listed
    }
  }
  return n;
}

// The server in a child with few descriptors; resolves to {child, port, token}.
function startChild(dir) {
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'index.html'), '<p>page</p>');
  const script = `
    const [serverJs, root, dir] = process.argv.slice(1);
    require(serverJs).startServer({roots: [root], log: dir + '/serve.log', sessions: dir, quiet: true})
      .then((s) => console.log(JSON.stringify({port: s.port, token: s.token})));
    process.stdin.on('end', () => process.exit(0)).resume();`;
  const child = spawn('bash', ['-c', `ulimit -n ${CHILD_FILES} && exec "$@"`, 'bash',
                               process.execPath, '-e', script, serverJs, root, dir],
                      {stdio: ['pipe', 'pipe', 'inherit']});
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 10 s')), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) { clearTimeout(timer); resolve({child, ...JSON.parse(out)}); }
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
}

// One slow connection: part of a request line, then nothing. Resolves once
// connected (or refused); `open` counts the ones not yet closed.
function slow(port, open) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.write('GET /index.html HTTP/1.1\r\nHo'); resolve(); });
    open.add(s);
    s.resume(); // read what the server says (its 408), else its close is never seen
    s.on('error', () => {});
    s.on('close', () => { open.delete(s); resolve(); });
  });
}

async function main() {
  if (!fs.existsSync('/proc/self/limits')) {
    console.log('skip: no /proc here, to see the limit of files and the server\'s sockets');
    process.exit(77);
  }
  const limit = fileLimit();
  if (limit < FLOOD + 200) {
    console.log(`skip: this process may open ${limit} files, the flood needs ${FLOOD + 200}`);
    process.exit(77);
  }
  const {MAX_CONNECTIONS: cap} = require(serverJs);
  check(Number.isInteger(cap) && cap < CHILD_FILES - 100,
        `the server caps its connections below the child's ${CHILD_FILES} files: ${cap}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poolbench-flood-'));
  const {child, port, token} = await startChild(dir);
  try {
    // The child's own sockets (its listening one, its stdio), before the flood.
    const own = serverSockets(child.pid);
    const open = new Set();
    let most = 0;
    const started = Date.now();
    for (let i = 0; i < FLOOD; i += BATCH) {
      const batch = Array.from({length: Math.min(BATCH, FLOOD - i)}, () => slow(port, open));
      await Promise.race([Promise.all(batch), sleep(CONNECT_MS)]);
      most = Math.max(most, serverSockets(child.pid));
    }
    console.log(`${FLOOD} slow connections opened in ${Date.now() - started} ms, ${open.size} still open`);

    // The page's requests: its files and its posts.
    for (const [method, url] of [['GET', '/index.html'], ['POST', `/log?stream=out&token=${token}`],
                                 ['GET', '/'], ['POST', `/log?stream=err&token=${token}`], ['GET', '/index.html']]) {
      const t = Date.now();
      const r = await request(port, {method, url, body: 'line', timeoutMs: REQUEST_MS});
      check(r.status === 200, `${method} ${url.split('?')[0]} during the flood: ` +
                              `${r.status ? 'HTTP ' + r.status : r.error} after ${Date.now() - t} ms`);
      most = Math.max(most, serverSockets(child.pid));
    }
    // +1: a new connection is accepted before the oldest idle one is evicted.
    check(Number.isInteger(cap) && most - own <= cap + 1,
          `the server held at most ${most - own} connections' sockets (cap ${cap}, +1 being accepted)`);

    const cut = started + HEADERS_DEADLINE_MS;
    while (open.size && Date.now() < cut) await sleep(100);
    check(open.size === 0, `the slow connections are cut within ${HEADERS_DEADLINE_MS / 1000} s of the flood's ` +
                           `start: ${open.size} open after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const s of open) s.destroy();
  } finally {
    child.kill();
    fs.rmSync(dir, {recursive: true, force: true});
  }
  if (failures.length) {
    console.log(`FAIL: ${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('ok: the page was served through the flood');
  process.exit(0);
}

main().catch((e) => { console.log(`FAIL: ${e && e.stack || e}`); process.exit(1); });
