// The browser floor's page server: 127.0.0.1 on a free port, the four files
// of the page read once at start and answered from memory by exact name (no
// path reaches the file system: nothing else can be served), GET and HEAD
// only, every answer cross-origin isolated (COOP/COEP: SharedArrayBuffer).
// bench/browser/server.js serves the Wasm run with record endpoints and
// tokens, none of which this page needs.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const FILES = {
  '/floor.html': 'text/html; charset=utf-8',
  '/floor_page.js': 'text/javascript; charset=utf-8',
  '/floor_worker.js': 'text/javascript; charset=utf-8',
  '/floor_kernel.js': 'text/javascript; charset=utf-8',
};
const ISOLATED = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

// Resolves to {url (of the page), close()}.
function startFloorServer() {
  const body = {};
  for (const name of Object.keys(FILES)) body[name] = fs.readFileSync(path.join(__dirname, name.slice(1)));
  const server = http.createServer((req, res) => {
    const name = (req.url || '').split('?')[0];
    const answer = (status, type, data) => {
      res.writeHead(status, {...ISOLATED, 'Content-Type': type, 'Content-Length': data.length});
      res.end(req.method === 'HEAD' ? undefined : data);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') answer(405, 'text/plain; charset=utf-8', Buffer.from('GET only\n'));
    else if (!Object.hasOwn(FILES, name)) answer(404, 'text/plain; charset=utf-8', Buffer.from('not found\n'));
    else answer(200, FILES[name], body[name]);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      resolve({url: `http://127.0.0.1:${port}/floor.html`,
               close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); })});
    });
  });
}

module.exports = {startFloorServer};
