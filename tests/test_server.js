#!/usr/bin/env node
// The browser run's local server (bench/browser/server.js) trusts no input:
// forged, malformed, cross-origin, unauthenticated, oversized and
// mistyped posts are refused and leave the records file as it was; a valid
// header + measurement with the run's token is appended; a symlink inside a
// served directory is not followed out of it; a server on every interface
// (0.0.0.0) is refused. No browser needed.
// usage: test_server.js [SERVER_JS]   (default: the project's server.js)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {spawnSync} = require('child_process');
const {request} = require('./http_request');

const here = __dirname;
const serverJs = path.resolve(process.argv[2] || path.join(here, '..', 'bench', 'browser', 'server.js'));
setTimeout(() => { console.log('FAIL: the test did not finish within 120 s'); process.exit(1); }, 120000).unref();

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) failures.push(what);
}

const fixture = fs.readFileSync(path.join(here, 'fixtures', 'run', 'chrome.ndjson'), 'utf8').split('\n');
const header = fixture[0];
const measurement = fixture.find((l) => l.includes('"type":"measurement"'));
const headerOf = (platform) => JSON.stringify({...JSON.parse(header), platform});
const withBackend = (backend) => JSON.stringify({...JSON.parse(measurement), backend});

async function main() {
  const {startServer} = require(serverJs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poolbench-server-'));
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'index.html'), '<p>page</p>');
  fs.symlinkSync('/etc/passwd', path.join(root, 'passwd'));
  fs.symlinkSync('/etc', path.join(root, 'etc'));
  const records = path.join(dir, 'chrome.ndjson'), log = path.join(dir, 'chrome.log');
  const srv = await startServer({roots: [root], records, log, platform: 'chrome', quiet: true});
  let exited = null;
  srv.exited.then((e) => { exited = e; });
  const port = srv.port, token = srv.token;
  const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
  const withToken = (url) => `${url}${url.includes('?') ? '&' : '?'}token=${token}`;

  // Refused, and the records file stays as it was.
  async function refused(what, opts, statuses) {
    const before = read(records);
    const r = await request(port, opts);
    const ok = r.status ? statuses.includes(r.status) : statuses.includes('reset') && !!r.error;
    check(ok && read(records) === before,
          `${what}: ${r.status ? 'HTTP ' + r.status + ' ' + r.text.slice(0, 100) : r.error}` +
          (read(records) === before ? '' : ', yet the records file changed'));
  }
  async function stillUp(after) {
    const r = await request(port, {method: 'GET', url: '/index.html'});
    check(r.status === 200, `the server answers after ${after}: ${r.status || r.error}`);
  }

  const result = withToken('/result');
  await refused('a forged header of another platform', {url: result, body: headerOf('native')}, [400]);
  await refused('a line that is not JSON', {url: result, body: 'plot "x"'}, [400]);
  await refused('two lines in one body', {url: result, body: `${header}\n${measurement}`}, [400]);
  await refused('no token', {url: '/result', body: header}, [403]);
  await refused('a wrong token', {url: '/result?token=' + '0'.repeat(32), body: header}, [403]);
  await refused('a cross-origin Origin', {url: result, body: header,
                                          headers: {Origin: 'https://evil.example'}}, [403]);
  await refused('a form post', {url: result, body: header,
                                headers: {'Content-Type': 'application/x-www-form-urlencoded'}}, [415]);
  await refused('a 2 MB body', {url: result, body: 'a'.repeat(2 << 20)}, [413, 'reset']);
  await stillUp('a 2 MB body');
  await refused('a 20 MB chunked body', {url: result, total: 20 << 20}, [413, 'reset']);
  await stillUp('a 20 MB chunked body');

  let r = await request(port, {url: result, body: header});
  check(r.status === 200, `the run's header with the token: ${r.status || r.error} ${r.text || ''}`);
  r = await request(port, {url: result, body: measurement});
  check(r.status === 200, `a measurement with the token: ${r.status || r.error} ${r.text || ''}`);
  check(read(records) === `${header}\n${measurement}\n`, 'the records file holds exactly the two accepted lines');
  await refused('a second header', {url: result, body: header}, [400]);
  await refused('a backend holding a newline', {url: result, body: withBackend('spin\nplot "/etc/passwd"')}, [400]);

  const logBefore = read(log);
  r = await request(port, {url: withToken('/log?stream=out'), body: 'one\n[err] forged\r\x1b[2Jline'});
  const added = read(log).slice(logBefore.length);
  check(r.status === 200 && added.split('\n').length === 2 && added.startsWith('[out] one'),
        `a /log body with newlines is one log line: ${JSON.stringify(added)}`);
  await refused('/log without the token', {url: '/log?stream=out', body: 'x'}, [403]);
  await refused('/exit with code 300', {url: withToken('/exit?code=300'), body: ''}, [400]);
  await refused('/exit with code "1; rm"', {url: withToken('/exit?code=1%3B%20rm'), body: ''}, [400]);
  await refused('/exit without the token', {url: '/exit?code=0', body: ''}, [403]);
  await new Promise((res) => setTimeout(res, 50));
  check(exited === null, `no refused /exit ended the run (${JSON.stringify(exited)})`);
  await refused('GET /result', {method: 'GET', url: result}, [405]);

  for (const url of ['/passwd', '/etc/passwd', '/%2e%2e/%2e%2e/etc/passwd']) {
    r = await request(port, {method: 'GET', url});
    check(r.status !== 200 && !(r.text || '').includes('root:'),
          `GET ${url} (a symlink out of the root) is not served: ${r.status || r.error}`);
  }

  // Posts in flight together go through the check one at a time, all kept.
  const many = await Promise.all(Array.from({length: 20}, () => request(port, {url: result, body: measurement})));
  check(many.every((x) => x.status === 200) && read(records).split('\n').length === 2 + 20 + 1,
        `20 measurements posted at once are all appended (${many.filter((x) => x.status === 200).length} accepted)`);

  r = await request(port, {url: withToken('/exit?code=0'), body: ''});
  await new Promise((res) => setTimeout(res, 50));
  check(r.status === 200 && exited && exited.code === 0, `a valid /exit ends the run: ${JSON.stringify(exited)}`);
  await srv.close();

  // A validator that dies after one line: later records get 500, the log says why.
  const records2 = path.join(dir, 'died.ndjson');
  const died = await startServer({roots: [root], records: records2, log, platform: 'chrome', quiet: true,
    validator: ['python3', '-c', 'import sys; sys.stdin.readline(); print("ok", flush=True)']});
  const post2 = (body, url = '/result') =>
    request(died.port, {url: `${url}${url.includes('?') ? '&' : '?'}token=${died.token}`, body});
  r = await post2(header);
  check(r.status === 200, `the dying validator's one line is taken: ${r.status || r.error}`);
  r = await post2(measurement); // answered once the validator is known dead
  const r2 = await post2('', '/result?probe=1');
  check(r.status === 500 && r2.status === 500 && read(records2) === `${header}\n`,
        `after the validator died: HTTP ${r.status || r.error}, probe ${r2.status || r2.error}: ${r.text}`);
  check(/\[server\] the record validator .*exited/.test(read(log)), 'the log says the validator exited');
  await died.close();

  // Sessions (make serve): no record before a session; a session of an unknown
  // platform, or /records without the token, is refused; a firefox session
  // takes firefox records only and offers them as firefox.ndjson.
  const sdir = path.join(dir, 'sessions');
  fs.mkdirSync(sdir);
  const ses = await startServer({roots: [root], log, sessions: sdir, quiet: true});
  const sp = (url, body = '') => request(ses.port, {url: `${url}${url.includes('?') ? '&' : '?'}token=${ses.token}`, body});
  r = await sp('/result', headerOf('firefox'));
  check(r.status === 409, `a record before any session: ${r.status || r.error}`);
  r = await sp('/session?platform=evil%0a');
  check(r.status === 400, `a session of an unknown platform: ${r.status || r.error}`);
  r = await request(ses.port, {url: `/session?platform=firefox`});
  check(r.status === 403, `a session without the token: ${r.status || r.error}`);
  r = await sp('/session?platform=firefox');
  check(r.status === 200 && r.text === 'firefox.ndjson', `a firefox session: ${r.status} ${r.text}`);
  r = await sp('/result', header); // a chrome header in a firefox session
  check(r.status === 400, `a chrome record in a firefox session: ${r.status || r.error}`);
  r = await sp('/result', headerOf('firefox'));
  check(r.status === 200, `a firefox header in a firefox session: ${r.status} ${r.text}`);
  r = await request(ses.port, {method: 'GET', url: '/records?token=wrong'});
  check(r.status === 403, `/records with a wrong token: ${r.status || r.error}`);
  r = await request(ses.port, {method: 'GET', url: `/records?token=${ses.token}`});
  check(r.status === 200 && r.text === `${headerOf('firefox')}\n`, `/records: the session's lines: ${r.status}`);
  r = await sp('/session?platform=firefox');
  check(r.status === 200 && r.text === 'firefox-2.ndjson', `a second session keeps the first: ${r.text}`);
  await ses.close();

  // Host: 0.0.0.0 (every interface) is refused at start, by the server and by
  // the CLIs that take --host, with one line naming what to give instead; a
  // LAN address of this machine is served, and is the one Host allowed.
  let why = null;
  await startServer({roots: [root], log, sessions: sdir, quiet: true, host: '0.0.0.0'})
    .then((s) => s.close(), (e) => { why = e.message; });
  check(/LAN address/.test(why || ''), `a server on 0.0.0.0 is refused: ${why || 'it started'}`);
  const build = path.join(dir, 'build');
  fs.mkdirSync(build);
  fs.writeFileSync(path.join(build, 'poolbench.js'), '');
  const browserDir = path.join(here, '..', 'bench', 'browser');
  for (const [cli, args] of [
    ['serve.js', ['--out', path.join(dir, 'serve')]],
    ['driver.js', ['--quiet', '--chromium', process.execPath, '--out', path.join(dir, 'driven'), '--', 'run', '--quick']]]) {
    const p = spawnSync(process.execPath, [path.join(browserDir, cli), '--host', '0.0.0.0', '--build', build, ...args],
                        {encoding: 'utf8', timeout: 10000});
    const err = (p.stderr || '').trim();
    check(!p.error && p.status === 2 && /LAN address/.test(err) && err.split('\n').length === 1,
          `${cli} --host 0.0.0.0: ${p.error ? 'still running after 10 s' : 'exit ' + p.status}, ${JSON.stringify(err)}`);
  }
  const lan = Object.values(os.networkInterfaces()).flat().find((i) => !i.internal && i.family === 'IPv4');
  if (!lan) {
    console.log('skip: this machine has no non-loopback IPv4 address: a LAN host is not tested');
  } else {
    const on = await startServer({roots: [root], log, sessions: sdir, quiet: true, host: lan.address});
    r = await request(on.port, {host: lan.address, method: 'GET', url: '/index.html'});
    check(r.status === 200, `GET with Host ${lan.address}:${on.port} on a server on it: ${r.status || r.error}`);
    r = await request(on.port, {host: lan.address, method: 'GET', url: '/index.html',
                                headers: {Host: `0.0.0.0:${on.port}`}});
    check(r.status === 403, `GET with Host 0.0.0.0:${on.port} on it: ${r.status || r.error}`);
    await on.close();
  }
  fs.rmSync(dir, {recursive: true, force: true});
  if (failures.length) {
    console.log(`FAIL: ${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('ok: the server refused every bad post and kept the good ones');
  process.exit(0);
}

main().catch((e) => { console.log(`FAIL: ${e && e.stack || e}`); process.exit(1); });
