// The local server of the browser run: 127.0.0.1 on a free port, static
// files cross-origin isolated (COOP/COEP) with their MIME types, and the
// endpoints the page and its workers post to:
//   POST /result        one record line -> checked, appended to the records file
//   POST /log?stream=   a line of the program's stdout/stderr -> log + console
//   POST /exit?code=N   the program ended (body: an error message, if any)
// and, serving people rather than the driver (`sessions`, make serve):
//   POST /session?platform=P  a new run of platform P: its own records file
//   GET  /records       the current run's records, as a download named P.ndjson
// Any web page the user has open can send requests to 127.0.0.1, so nothing
// is trusted: every POST carries the run's random token (?token=, given to
// the page in its URL), comes from this origin or none, is a small UTF-8 text
// body, and every record is checked against the record contract
// (records/check.py) before it is written.
'use strict';
const crypto = require('crypto');
const dns = require('dns');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const {startValidator} = require('./validator');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
const BODY_CAP = 1 << 20; // bytes; a record line is a few kB
const ENDPOINTS = new Set(['/result', '/log', '/exit', '/session', '/records']);
// The platforms a page may say it is (harness/web/post.js knows the same).
const PLATFORMS = /^(chrome|firefox|safari|edge|browser)$/;
// Each connection holds a file descriptor until it ends: a flood of ones that
// never finish their headers (slowloris) would take them all and starve the
// page's own requests. So at most MAX_CONNECTIONS are kept (a new one evicts
// the oldest not being answered), and headers must come within HEADERS_MS,
// checked every CHECK_MS (node's defaults: 60 s, checked every 30 s).
const MAX_CONNECTIONS = 256;
const HEADERS_MS = 5000;
const REQUEST_MS = 30000; // a whole request, body included (<= BODY_CAP)
const CHECK_MS = 1000;

class Refusal extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Control characters (newlines included) shown escaped: one POST, one log line.
function oneLine(text) {
  const named = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
                      (c) => named[c] || '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

// The body as bytes with a running total: never more than `cap` buffered.
function readBody(req, cap) {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > cap) {
      reject(new Refusal(413, `the body is over ${cap} bytes`));
      return;
    }
    const chunks = [];
    let total = 0, done = false;
    const finish = (fn, value) => { if (!done) { done = true; fn(value); } };
    req.on('data', (c) => {
      if (done) return;
      total += c.length;
      if (total > cap) {
        chunks.length = 0;
        req.pause();
        finish(reject, new Refusal(413, `the body is over ${cap} bytes`));
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => finish(resolve, Buffer.concat(chunks)));
    req.on('error', (e) => finish(reject, e));
    req.on('close', () => finish(reject, new Refusal(400, 'the request ended before its body')));
  });
}

// After a refusal: the client still sending gets to read the reply, but only
// `cap` more bytes are read (and dropped) before the connection is cut.
function discard(req, cap) {
  let seen = 0;
  req.on('data', (c) => {
    seen += c.length;
    if (seen > cap) req.destroy();
  });
  req.resume();
}

const utf8 = new TextDecoder('utf-8', {fatal: true});

function decode(bytes) {
  try {
    return utf8.decode(bytes);
  } catch (e) {
    throw new Refusal(400, 'the body is not UTF-8 text');
  }
}

// What the posters send (harness/web/post.js): text/plain, UTF-8.
function contentTypeOk(value) {
  if (!value) return false;
  const [type, ...params] = value.split(';').map((s) => s.trim().toLowerCase());
  return type === 'text/plain' && params.length === 1 && params[0].replace(/\s+/g, '') === 'charset=utf-8';
}

function tokenOk(given, token) {
  const a = Buffer.from(String(given || '')), b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// A wildcard address listens on every interface, yet the page's requests
// name one address as their Host, and only that one can be allowed: refuse
// it, naming the addresses that would do.
async function checkHost(host) {
  const {address} = await dns.promises.lookup(host);
  if (!/^[0.:]+$/.test(address)) return;
  const lan = Object.values(os.networkInterfaces()).flat()
    .filter((i) => !i.internal && i.family === 'IPv4').map((i) => i.address);
  throw new Error(`${host} is every interface: give this machine's LAN address instead` +
                  (lan.length ? ` (${lan.join(', ')})` : ''));
}

// Keeps at most `cap` connections open: a new one past the cap evicts the
// oldest not being answered (still sending its headers, or idle between
// requests); only when every one is being answered is the new one refused.
function capConnections(server, cap) {
  const open = new Map(); // socket -> requests being answered; oldest first
  server.on('connection', (socket) => {
    if (open.size >= cap) {
      let victim = socket;
      for (const [s, busy] of open) if (!busy) { victim = s; break; }
      open.delete(victim);
      victim.destroy();
      if (victim === socket) return;
    }
    open.set(socket, 0);
    socket.on('close', () => open.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    if (!open.has(socket)) return;
    open.set(socket, open.get(socket) + 1);
    res.on('close', () => { if (open.has(socket)) open.set(socket, open.get(socket) - 1); });
  });
}

function inside(file, root) {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

// roots: directories searched in order for static files.
// records: file the /result lines are appended to; log: the program's output.
// platform: the records' platform ('chrome', 'firefox', 'pyodide-chrome', ...).
// isolated: false serves without COOP/COEP (a test of the failure path).
// validator: the record checker's command (default: records/check.py stream).
// host: the address to listen on and the only Host the requests may name
// (127.0.0.1; another address of this machine, e.g. its LAN address, serves
// a browser on another machine; 0.0.0.0 is refused).
// sessions: a directory; each POST /session starts a run there, of the
// platform the page detected (records and platform are then not given).
// slowServeMs, holdFile: test knobs of the driver's start-up watch: every
// static file is answered slowMs late; a file named holdFile never is.
function startServer({roots, records, log, platform, isolated = true, quiet = false, validator,
                      host = '127.0.0.1', sessions = null, slowServeMs = 0, holdFile = null}) {
  const token = crypto.randomBytes(16).toString('hex');
  const realRoots = roots.filter((r) => fs.existsSync(r)).map((r) => fs.realpathSync(r));
  const note = (line) => fs.appendFileSync(log, `[server] ${line}\n`);
  const validate = () => startValidator({platform, records, command: validator, onDeath: (why) => {
    note(why);
    process.stderr.write(`bench-browser: ${why}\n`);
  }});
  let checker = sessions ? null : validate();
  // A new session: the next free <platform>[-n].ndjson of the directory.
  function newSession(name) {
    if (!PLATFORMS.test(name || '')) throw new Refusal(400, 'platform must be chrome, firefox, safari, edge or browser');
    if (checker) checker.close();
    platform = name;
    for (let n = 1; ; n++) {
      records = path.join(sessions, `${name}${n > 1 ? '-' + n : ''}.ndjson`);
      if (!fs.existsSync(records)) break;
    }
    checker = validate();
    note(`session: ${platform}, records ${records}`);
    return {status: 200, text: path.basename(records)};
  }
  // Every request answered so far (a file served, a POST taken): how the
  // driver sees a start make progress, as the workers' fetches (Pyodide's
  // files, the .wasm, the pthreads' scripts) show nowhere else.
  const activity = {served: 0, last: 0, path: null};
  let resolveExit, resolveFirst, origin = null;
  const exited = new Promise((r) => { resolveExit = r; });
  // The program's first accepted POST: it started (the driver's start check).
  const firstPost = new Promise((r) => { resolveFirst = r; });

  async function post(url, req) {
    if (req.method !== 'POST') throw new Refusal(405, `${url.pathname} takes POST only`);
    if (req.headers.origin !== undefined && req.headers.origin !== origin) {
      throw new Refusal(403, `requests from ${oneLine(req.headers.origin)} are not accepted`);
    }
    if (!tokenOk(url.searchParams.get('token'), token)) throw new Refusal(403, 'missing or wrong token');
    resolveFirst();
    if (!contentTypeOk(req.headers['content-type'])) {
      throw new Refusal(415, 'send the body as Content-Type: text/plain;charset=UTF-8');
    }
    const body = decode(await readBody(req, BODY_CAP));
    if (url.pathname === '/session') {
      if (!sessions) throw new Refusal(404, 'no sessions on this server');
      return newSession(url.searchParams.get('platform'));
    }
    if (!checker && (url.pathname === '/result')) throw new Refusal(409, 'no session: POST /session first');
    if (url.pathname === '/result') {
      if (url.searchParams.has('probe')) {
        return checker.alive() ? {status: 200, text: 'ok'} : {status: 500, text: checker.reason()};
      }
      if (!body) throw new Refusal(400, 'an empty record');
      const lines = body.split(/\r\n|\r|\n/).length;
      if (lines > 1) throw new Refusal(400, `one record line per POST, the body holds ${lines}`);
      return checker.check(body);
    }
    if (url.pathname === '/log') {
      const stream = url.searchParams.get('stream');
      if (stream !== 'out' && stream !== 'err') throw new Refusal(400, 'stream must be out or err');
      const line = oneLine(body);
      fs.appendFileSync(log, `[${stream}] ${line}\n`);
      if (!quiet) (stream === 'out' ? process.stdout : process.stderr).write(line + '\n');
      return {status: 200, text: 'ok'};
    }
    const code = url.searchParams.get('code');
    if (!/^\d{1,3}$/.test(code || '') || +code > 255) throw new Refusal(400, 'code must be an integer 0..255');
    const message = oneLine(body);
    fs.appendFileSync(log, `[exit] ${+code} ${message}\n`);
    resolveExit({code: +code, message});
    return {status: 200, text: 'ok'};
  }

  // GET /records: the session's records, checked as they came, to download.
  function download(url, req, res, headers) {
    if (req.method !== 'GET') throw new Refusal(405, '/records takes GET');
    if (!sessions || !records) throw new Refusal(404, 'no session');
    if (!tokenOk(url.searchParams.get('token'), token)) throw new Refusal(403, 'missing or wrong token');
    const body = fs.existsSync(records) ? fs.readFileSync(records) : Buffer.alloc(0);
    res.writeHead(200, {...headers, 'Content-Type': 'application/x-ndjson',
                        'Content-Disposition': `attachment; filename="${platform}.ndjson"`}).end(body);
  }

  function serveStatic(url, req, res, headers) {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new Refusal(405, 'static files take GET or HEAD');
    let rel;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch (e) {
      throw new Refusal(400, 'a malformed path');
    }
    if (rel.includes('\0')) throw new Refusal(400, 'a malformed path');
    rel = path.normalize(rel).replace(/^([/\\])+/, '') || 'index.html';
    if (rel.startsWith('..')) throw new Refusal(403, 'outside the served directories');
    for (const root of realRoots) {
      let real;
      try {
        real = fs.realpathSync(path.join(root, rel));
      } catch (e) {
        continue; // not in this root
      }
      // A symlink may point anywhere: serve only what really lies in a root.
      if (!inside(real, root)) throw new Refusal(403, 'outside the served directories');
      if (!fs.statSync(real).isFile()) continue;
      headers['Content-Type'] = MIME[path.extname(real)] || 'application/octet-stream';
      const send = () => { if (!res.destroyed) res.writeHead(200, headers).end(fs.readFileSync(real)); };
      if (holdFile !== null && path.basename(real) === holdFile) return; // never answered
      if (slowServeMs > 0) setTimeout(send, slowServeMs);
      else send();
      return;
    }
    throw new Refusal(404, 'no such file');
  }

  const server = http.createServer({headersTimeout: HEADERS_MS, requestTimeout: REQUEST_MS,
                                    connectionsCheckingInterval: CHECK_MS}, async (req, res) => {
    const headers = {'Cache-Control': 'no-store'};
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    const reply = ({status, text}) => {
      if (res.headersSent) return;
      res.writeHead(status, {...headers, 'Content-Type': 'text/plain; charset=utf-8'}).end(text);
    };
    let url = null;
    res.on('finish', () => {
      if (res.statusCode >= 400) return;
      activity.served++;
      activity.last = Date.now();
      activity.path = url ? url.pathname : '?';
    });
    try {
      // Another Host is another site's name resolved to us (DNS rebinding).
      if (req.headers.host !== `${host}:${server.address().port}`) throw new Refusal(403, 'wrong Host');
      if (!req.url.startsWith('/') || req.url.startsWith('//')) throw new Refusal(400, 'a malformed path');
      url = new URL(req.url, origin);
      if (!ENDPOINTS.has(url.pathname)) {
        serveStatic(url, req, res, headers);
        return;
      }
      if (url.pathname === '/records') {
        download(url, req, res, headers);
        return;
      }
      const answer = await post(url, req);
      if (answer.status !== 200) note(`refused POST ${url.pathname}: ${answer.status} ${oneLine(answer.text)}`);
      reply(answer);
    } catch (e) {
      const status = e instanceof Refusal ? e.status : 500;
      if (url && ENDPOINTS.has(url.pathname)) {
        note(`refused ${req.method} ${url.pathname}: ${status} ${oneLine(e.message)}`);
      }
      if (!req.complete) headers.Connection = 'close';
      reply({status, text: oneLine(e.message)});
      if (!req.complete) discard(req, BODY_CAP);
    }
  });
  capConnections(server, MAX_CONNECTIONS);
  return checkHost(host).then(() => new Promise((resolve, reject) => {
    server.once('error', (e) => reject(e));
    server.listen(0, host, () => {
      const port = server.address().port;
      origin = `http://${host}:${port}`;
      // record(line): the driver's own records take the same check.
      // activity(): {served, last (Date.now() of the last), path} of the requests answered.
      resolve({server, port, token, origin, exited, firstPost, record: (line) => checker.check(line),
               activity: () => ({...activity}),
               records: () => records,
               close: () => new Promise((r) => {
                 if (checker) checker.close();
                 server.close(() => r());
                 server.closeAllConnections();
               })});
    });
  })).catch((e) => {
    if (checker) checker.close();
    throw e;
  });
}

module.exports = {startServer, MAX_CONNECTIONS};
