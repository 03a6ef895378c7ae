// The local static server for the browser run: 127.0.0.1 on a free port,
// every file cross-origin isolated (COOP/COEP), correct MIME types, and
// endpoints the page and its workers post to:
//   POST /result        one record line -> appended to the run's records file
//   POST /log?stream=   a line of the program's stdout/stderr -> log + console
//   POST /exit?code=N   the program ended (body: an error message, if any)
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

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

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// roots: directories searched in order for static files.
// records: file the /result lines are appended to; log: the program's output.
// isolated: false serves without COOP/COEP (a test of the failure path).
function startServer({roots, records, log, isolated = true, quiet = false}) {
  let resolveExit;
  const exited = new Promise((r) => { resolveExit = r; });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const headers = {'Cache-Control': 'no-store'};
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    try {
      if (req.method === 'POST') {
        const body = await readBody(req);
        if (url.pathname === '/result') {
          if (!url.searchParams.has('probe') && body.length) fs.appendFileSync(records, body + '\n');
        } else if (url.pathname === '/log') {
          const stream = url.searchParams.get('stream') === 'out' ? 'out' : 'err';
          fs.appendFileSync(log, `[${stream}] ${body}\n`);
          if (!quiet) (stream === 'out' ? process.stdout : process.stderr).write(body + '\n');
        } else if (url.pathname === '/exit') {
          const code = Number.parseInt(url.searchParams.get('code'), 10);
          fs.appendFileSync(log, `[exit] ${code} ${body}\n`);
          resolveExit({code: Number.isNaN(code) ? 1 : code, message: body});
        } else {
          res.writeHead(404, headers).end();
          return;
        }
        res.writeHead(200, headers).end('ok');
        return;
      }
      const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
      if (rel.startsWith('..')) {
        res.writeHead(403, headers).end();
        return;
      }
      for (const root of roots) {
        const file = path.join(root, rel || 'index.html');
        if (fs.existsSync(file) && fs.statSync(file).isFile()) {
          headers['Content-Type'] = MIME[path.extname(file)] || 'application/octet-stream';
          res.writeHead(200, headers).end(fs.readFileSync(file));
          return;
        }
      }
      res.writeHead(404, headers).end();
    } catch (e) {
      res.writeHead(500, headers).end(String(e.message));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({server, port: server.address().port, exited,
               close: () => new Promise((r) => server.close(() => r()))});
    });
  });
}

module.exports = {startServer};
