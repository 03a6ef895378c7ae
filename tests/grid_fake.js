#!/usr/bin/env node
// A stand-in for a Selenium Grid 4 on 127.0.0.1 (no Java, no browser), for
// the Grid runner's tests of what it does with the Grid's answers.
// usage: grid_fake.js MODE LOG   prints its port; logs "METHOD PATH" lines to LOG
//   refuse    two nodes offering chrome; every new session refused (HTTP 500)
//   misplace  two nodes; sessions s1, s2, ... made, placed on the nodes in
//             reverse order (s1 on the second node); no socket behind them
//   notready  /status says not ready
//   nogrid    /status answers HTML
// The second node's URI holds an escape sequence, as a hostile Grid's might.
// Ends by itself after 120 s.
'use strict';
const fs = require('fs');
const http = require('http');

const [mode, log] = process.argv.slice(2);
const nodes = [
  {id: 'node-a', uri: 'http://127.0.0.1:5551', availability: 'UP', maxSessions: 1,
   osInfo: {name: 'Linux', version: '6.1', arch: 'amd64'}},
  {id: 'node-b', uri: 'http://127.0.0.1:5552/\u001b]0;x\u0007', availability: 'UP', maxSessions: 1},
].map((n) => ({...n, slots: [{id: {hostId: n.id, id: 'slot'}, session: null,
                               stereotype: {browserName: 'chrome', platformName: 'linux'}}]}));
let made = 0;

function reply(res, status, value) {
  res.writeHead(status, {'Content-Type': 'application/json; charset=utf-8'}).end(JSON.stringify({value}));
}

const server = http.createServer((req, res) => {
  fs.appendFileSync(log, `${req.method} ${req.url}\n`);
  req.resume();
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/status') {
      if (mode === 'nogrid') return res.writeHead(200, {'Content-Type': 'text/html'}).end('<html>hello</html>');
      return reply(res, 200, {ready: mode !== 'notready', message: mode === 'notready' ? 'no nodes\u001b[2J' : 'ok',
                              nodes});
    }
    if (req.method === 'POST' && req.url === '/session') {
      if (mode !== 'misplace') {
        return reply(res, 500, {error: 'session not created', message: 'Could not start a new session.\n\tat x.y'});
      }
      made++;
      const id = `s${made}`;
      // The first session on the second node, the next on the first, ...
      nodes[(nodes.length - made % nodes.length) % nodes.length].slots[0].session = {sessionId: id};
      return reply(res, 200, {sessionId: id, capabilities: {browserName: 'chrome', browserVersion: '1.2.3',
                                                             'se:cdp': `ws://127.0.0.1/session/${id}/se/cdp`}});
    }
    const del = /^\/session\/([\w-]+)$/.exec(req.url);
    if (req.method === 'DELETE' && del) {
      for (const n of nodes) if (n.slots[0].session && n.slots[0].session.sessionId === del[1]) n.slots[0].session = null;
      return reply(res, 200, null);
    }
    return reply(res, 404, {error: 'unknown command', message: req.url});
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
setTimeout(() => process.exit(0), 120000).unref();
