// One HTTP request on its own connection, for the server tests: resolves to
// {status, text} or {error} (a reset, or no answer within timeoutMs); never
// rejects. host: the address to connect to; `total` bytes are streamed
// chunked when given, stopping once answered.
'use strict';
const http = require('http');

function request(port, {host = '127.0.0.1', method = 'POST', url, body = '', headers = {}, total = 0,
                        timeoutMs = 15000}) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r) => { if (!settled) { settled = true; resolve(r); } };
    const req = http.request({host, port, method, path: url, agent: false,
                              headers: {'Content-Type': 'text/plain;charset=UTF-8', ...headers}});
    req.setTimeout(timeoutMs, () => { done({error: `no answer within ${timeoutMs / 1000} s`}); req.destroy(); });
    req.on('error', (e) => done({error: e.code || e.message}));
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => done({status: res.statusCode, text}));
      res.on('error', (e) => done({error: e.code || e.message}));
    });
    if (!total) {
      req.end(body);
      return;
    }
    const chunk = Buffer.alloc(1 << 16, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < total && !settled) {
        sent += chunk.length;
        if (!req.write(chunk)) { req.once('drain', pump); return; }
      }
      if (!settled) req.end();
    };
    pump();
  });
}

module.exports = {request};
