#!/usr/bin/env node
// make serve: the local server alone, for a person at a browser (any
// browser, this machine's or a device's on the LAN with --host): it prints
// the page's URL; the page runs what the person chooses and offers the
// records as a download; each run's records are also kept in --out.
'use strict';
const fs = require('fs');
const path = require('path');
const {quoted} = require('./quote');
const {startServer} = require('./server');

const USAGE = `usage: serve.js [--host ADDR] [--build DIR] [--out DIR]
  --host ADDR   serve on ADDR (default 127.0.0.1); this machine's LAN address
                lets a device on the LAN open the page (anyone who can reach
                it can); not 0.0.0.0: the page's requests name one address
  --build DIR   the browser build (default: build-web)
  --out DIR     where each run's records are kept too (default: results/serve-<time>)
Stops on Ctrl-C.`;

function fail(code, msg) {
  process.stderr.write(`serve: ${msg}\n`);
  process.exit(code);
}

function parse(argv) {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const o = {host: '127.0.0.1', build: 'build-web', out: path.join('results', `serve-${stamp}`)};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    if (['--host', '--build', '--out'].includes(a)) {
      if (v === undefined || v === '') fail(2, `${a} needs a value (see --help)`);
      o[a.slice(2)] = v;
      i++;
      continue;
    }
    fail(2, `unknown option ${quoted(a)} (see --help)`);
  }
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(o.host)) fail(2, `--host must be an address or a host name, got ${quoted(o.host)}`);
  if (!fs.existsSync(path.join(o.build, 'poolbench.js'))) fail(2, `${quoted(path.join(o.build, 'poolbench.js'))} missing: build it with make build-web`);
  return o;
}

async function main() {
  const o = parse(process.argv.slice(2));
  fs.mkdirSync(o.out, {recursive: true});
  const root = path.join(__dirname, '..', '..');
  let srv;
  try {
    srv = await startServer({roots: [path.join(root, 'harness', 'web'), path.resolve(o.build)],
                             log: path.join(o.out, 'serve.log'), host: o.host, sessions: o.out, quiet: true});
  } catch (e) {
    fail(2, `cannot serve on ${o.host}: ${e.message}`);
  }
  if (o.host !== '127.0.0.1' && o.host !== 'localhost') {
    process.stderr.write(`serve: warning: serving on ${o.host}: anyone who can reach it can load the page ` +
                         '(posting records still needs the token in the URL)\n');
  }
  console.log(`http://${o.host}:${srv.port}/serve.html?token=${srv.token}`);
  process.stderr.write(`serve: records kept in ${o.out}/; Ctrl-C stops\n`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => srv.close().then(() => process.exit(0)));
}

main();
