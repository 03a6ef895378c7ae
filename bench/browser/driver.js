#!/usr/bin/env node
// Runs poolbench in a headless browser: starts the local server, launches
// Chromium (CDP) or Firefox (WebDriver BiDi) through puppeteer-core with a
// fresh profile, opens the page with the program's arguments, waits for the
// program's exit within a deadline, and always closes the browser and the
// server (also on Ctrl-C).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {startServer} = require('./server');
const {settle} = require('./settle');
const {quoted} = require('./quote');
const {holdPriority} = require('./browser_priority');
const {CHROMIUM_ARGS, FIREFOX_PREFS} = require('./browser_options');
const {sessionOf, sessionTransport} = require('./bidi_session');
const {processTree} = require('./proc_tree');
const {poolbenchRecord} = require('../../harness/web/record.js');
const {gitCommit} = require('../pyodide/git_commit.js');

const USAGE = `usage: driver.js [options] -- POOLBENCH_ARGS...
       driver.js --pyodide --out DIR [options] [-- PYODIDE_OPTIONS...]
  --browser B        chrome (default) or firefox: records DIR/<B>.ndjson,
                     platform <B>
  --out DIR          run directory: DIR/chrome.ndjson (records), DIR/chrome.log
                     (default: the program's own --out); one that already
                     holds the records file is refused unless --append
  --append           add to the records file already in --out (passed on to
                     poolbench run and diagnose as their --append)
  --build DIR        the browser build (default: build-web; --pyodide: build-pyodide)
  --pyodide          run the Python scenarios in Pyodide in a Web Worker
                     (records DIR/pyodide-<browser>.ndjson); options after --:
                     --quick, --reps N, --probe-only, --side FILE
  --browser-ws URL   drive a browser already running elsewhere (a device, a
                     grid) through its WebSocket endpoint instead of launching
                     one: CDP for --browser chrome (ws://H:P/devtools/browser/..),
                     WebDriver BiDi for --browser firefox (ws://H:P/session);
                     a WebDriver session's BiDi socket (.../session/<id>/se/bidi
                     on a Selenium Grid) is taken as that session's
  --host ADDR        serve the page on ADDR (default 127.0.0.1), an address
                     of this machine that browser can reach (not 0.0.0.0);
                     records come back through the same checked endpoint
  --name NAME        records DIR/NAME.ndjson and DIR/NAME.log instead of
                     DIR/<browser>.*: the records still say platform <browser>
  --browser-version V, --grid-node URI, --node-os TEXT, --node-cpu TEXT
                     what the header says of the browser (default: what
                     puppeteer reports) and of the Selenium Grid node it runs
                     on (make bench-grid: bench/browser/grid.js)
  --chromium PATH    Chromium's binary (default: /usr/bin/chromium)
  --js-flags FLAGS   Chromium only: V8 flags for the run (e.g. --liftoff-only),
                     passed as Chromium's --js-flags and recorded in the
                     header's engine_flags (make engine-experiments)
  --firefox PATH     Firefox's binary (default: /usr/bin/firefox-esr); its
                     profile turns the timer coarsening off (full resolution)
  --deadline S       give up after S seconds (default: 900)
  --no-isolation     test knob: serve without COOP/COEP (must fail clearly)
  --program FILE     the build's script to run (default: poolbench.js;
                     poolbench_nopool.js has no pre-created workers)
  --main-thread      run the program on the page's main thread, not in a worker
                     (the hazard: records how long the event loop stalled)
  --settle S         before the page opens, wait up to S seconds for the
                     machine to go quiet after Chromium's start (default: 5;
                     0: do not wait)
  --quiet            do not echo the program's output
test knobs (environment): POOLBENCH_TEST_SLOW_SERVE_MS=N serves every file N ms
late (a slow start that keeps moving), POOLBENCH_TEST_HOLD_FILE=NAME never
serves the file NAME (a start that stalls), POOLBENCH_TEST_NO_PROGRESS_MS=N
calls a start stuck after N ms without progress (default 10000)
example: driver.js --out results/x -- run --quick`;

// What differs between the browsers: binary option, how puppeteer drives it.
// sameFailures: starts in a row that may fail alike before the run ends.
// Firefox stalls about one start in four with a BiDi session attached (its
// program's Worker stuck creating pthread Workers, nothing fetched, the
// browser idle): there three alike are bad luck (1.5% of runs), not a cause.
const BROWSERS = {
  chrome: {binary: 'chromium', package: 'chromium', sameFailures: 3},
  firefox: {binary: 'firefox', package: 'firefox-esr', sameFailures: 8},
};
// A start is stuck when it makes no progress for NO_PROGRESS_MS: no request
// answered by the local server (a file of the page, Pyodide's, the .wasm, a
// pthread's script; workers' fetches show nowhere else), no new #status text
// on the page, no line posted, and the local browser's processes idle (below
// CPU_BUSY cores over CPU_SPAN_MS). Pyodide's start fetches everything in
// ~1 s, then runs Python's start for seconds of CPU with nothing to see but
// that CPU (docs/measurements.md). Firefox
// with a BiDi session attached stalls about one start in four for good (the
// program's worker stuck creating its nested pthread Workers, the .wasm never
// fetched) at ~0.1 core (0.17 at most over 5 s), and a relaunch gets through.
// A remote browser shows no CPU: only requests, status and lines count.
// Test knob: POOLBENCH_TEST_NO_PROGRESS_MS scales the window (and the span).
const NO_PROGRESS_MS = Number(process.env.POOLBENCH_TEST_NO_PROGRESS_MS) > 0 ?
  Number(process.env.POOLBENCH_TEST_NO_PROGRESS_MS) : 10000;
const CPU_SPAN_MS = Math.min(5000, NO_PROGRESS_MS / 2);
const CPU_BUSY = 0.3;
const POLL_MS = 250;        // for a posted line and requests
const STATUS_MS = 1000;     // reading #status costs the browser CPU too
// However it keeps moving, a start that posts no line in this long failed.
const START_CAP_MS = 180000;
// Starts in all; from the second in a row that failed alike (the same
// status, no progress) the line names it as a cause (BROWSERS' sameFailures
// end the run).
const STARTS = 8;
// The browser's own start (puppeteer's default: 30 s), see launch().
const LAUNCH_MS = 90000;
// A browser elsewhere: its socket must open within CONNECT_MS, and every
// protocol call be answered within PROTOCOL_MS.
const CONNECT_MS = 30000;
const PROTOCOL_MS = 30000;

function fail(code, msg) {
  process.stderr.write(`bench-browser: ${msg}\n`);
  process.exit(code);
}

function parse(argv) {
  const o = {build: null, program: 'poolbench.js', browser: 'chrome', chromium: '/usr/bin/chromium',
             firefox: '/usr/bin/firefox-esr', deadline: 900, settle: 5, isolated: true,
             quiet: false, out: null, args: []};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === '--') { o.args = argv.slice(i + 1); break; }
    if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    if (a === '--no-isolation') { o.isolated = false; continue; }
    if (a === '--quiet') { o.quiet = true; continue; }
    if (a === '--main-thread') { o.mainThread = true; continue; }
    if (a === '--pyodide') { o.pyodide = true; continue; }
    if (a === '--append') { o.append = true; continue; }
    if (['--out', '--build', '--browser', '--browser-ws', '--host', '--chromium', '--firefox',
         '--deadline', '--program', '--settle', '--name', '--browser-version', '--grid-node',
         '--node-os', '--node-cpu', '--js-flags'].includes(a)) {
      if (v === undefined) fail(2, `${a} needs a value (see --help)`);
      o[a.slice(2)] = v;
      i++;
      continue;
    }
    fail(2, `unknown option ${quoted(a)} (see --help)`);
  }
  o.deadline = Number(o.deadline);
  if (!(o.deadline > 0)) fail(2, '--deadline must be a positive number of seconds');
  o.settle = Number(o.settle);
  if (!(o.settle >= 0 && o.settle <= 60)) fail(2, '--settle must be 0..60 seconds');
  if (!BROWSERS[o.browser]) fail(2, `--browser must be chrome or firefox, got ${quoted(o.browser)}`);
  if (o['js-flags'] !== undefined) {
    if (o.browser !== 'chrome') fail(2, '--js-flags is for --browser chrome (V8) only');
    // Space-separated V8 flags: one argument of Chromium's, never a shell word.
    if (!/^--[\w-]+(=[\w.,-]+)?( --[\w-]+(=[\w.,-]+)?)*$/.test(o['js-flags'])) {
      fail(2, `--js-flags must be V8 flags such as "--liftoff-only --no-wasm-tier-up", got ${quoted(o['js-flags'])}`);
    }
  }
  o.host = o.host || '127.0.0.1';
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(o.host)) fail(2, `--host must be an address or a host name, got ${quoted(o.host)}`);
  if (o['browser-ws'] !== undefined && !/^wss?:\/\/[^\s]+$/.test(o['browser-ws'])) {
    fail(2, `--browser-ws must be a ws:// or wss:// URL, got ${quoted(o['browser-ws'])}`);
  }
  if (o.name !== undefined && !/^[A-Za-z0-9][\w.-]{0,99}$/.test(o.name)) {
    fail(2, `--name must be a file name of letters, digits, '.', '_', '-', got ${quoted(o.name)}`);
  }
  o.build = o.build || (o.pyodide ? 'build-pyodide' : 'build-web');
  if (o.pyodide) {
    if (!o.out) fail(2, '--out DIR is required (see --help)');
    return o;
  }
  if (!o.args.length) fail(2, 'no poolbench arguments after -- (e.g. -- run --quick)');
  const progOut = o.args.indexOf('--out');
  if (!o.out && progOut >= 0 && o.args[progOut + 1]) o.out = o.args[progOut + 1];
  if (!o.out) fail(2, '--out DIR is required (see --help)');
  // The program's own --out only names the file in its messages: the server
  // writes where the driver says. Keep the two the same.
  if (['run', 'diagnose'].includes(o.args[0]) && !o.args.includes('--out')) o.args.push('--out', o.out);
  // The program's run files are the server's: it refuses an --out holding
  // them as natively, unless told to append.
  if (o.args.includes('--append')) o.append = true;
  else if (o.append && ['run', 'diagnose'].includes(o.args[0])) o.args.push('--append');
  return o;
}

// The run's files and what the server serves; exits 2 on what cannot work.
function prepare(o) {
  const b = BROWSERS[o.browser], exe = o[b.binary];
  if (!o['browser-ws'] && !fs.existsSync(exe)) {
    fail(2, `no browser at ${quoted(exe)}: run scripts/setup.sh (installs ${b.package}) or pass --${b.binary}`);
  }
  const root = path.join(__dirname, '..', '..');
  const web = path.join(root, 'harness', 'web');
  const program = o.pyodide ? 'poolbench_side.so' : o.program;
  if (!o.pyodide && !/^[\w-]+\.js$/.test(program)) fail(2, `--program must name a .js file of the build, got ${quoted(program)}`);
  if (!fs.existsSync(path.join(o.build, program))) {
    fail(2, `${quoted(`${o.build}/${program}`)} missing: build it with make ${o.pyodide ? 'build-pyodide' : 'build-web'}`);
  }
  // Pyodide's page and worker live beside their runner (bench/pyodide/) and
  // need the Python files and Pyodide itself; post.js comes from web.
  const roots = [web, path.resolve(o.build)];
  if (o.pyodide) {
    roots.push(path.join(root, 'bench', 'pyodide'), path.join(root, 'bench'), path.join(root, 'records'),
               path.join(root, 'node_modules', 'pyodide'));
    const i = o.args.indexOf('--side');
    if (i >= 0 && o.args[i + 1]) {
      const side = path.resolve(o.args[i + 1]);
      if (!fs.existsSync(side)) fail(2, `--side ${quoted(side)}: no such file`);
      roots.push(path.dirname(side));
      o.args[i + 1] = path.basename(side);
    }
  }
  let puppeteer;
  try {
    puppeteer = require('puppeteer-core');
  } catch (e) {
    fail(2, 'puppeteer-core missing: run scripts/setup.sh (npm ci)');
  }
  const platform = o.pyodide ? `pyodide-${o.browser}` : o.browser;
  const name = o.name || platform;
  const records = path.join(o.out, `${name}.ndjson`);
  if (fs.existsSync(records) && !o.append) {
    fail(2, `${quoted(records)} exists: pass --append to add to it, or choose a new --out directory`);
  }
  // The program cannot look at the server's file: its --append means "the
  // file holds a run, write no second header", so only onto an existing one,
  // and only one that keeps the record contract (else nothing could be added).
  if (!fs.existsSync(records)) o.args = o.args.filter((a) => a !== '--append');
  else appendable(records);
  fs.mkdirSync(o.out, {recursive: true});
  return {puppeteer, roots, platform, records, log: path.join(o.out, `${name}.log`)};
}

// Starts the local server and the browser with a fresh profile (run.profile).
async function launch(o, run) {
  run.srv = await startServer({roots: run.roots, records: run.records, log: run.log, host: o.host,
                               platform: run.platform, isolated: o.isolated, quiet: o.quiet,
                               slowServeMs: Number(process.env.POOLBENCH_TEST_SLOW_SERVE_MS) || 0,
                               holdFile: process.env.POOLBENCH_TEST_HOLD_FILE || null})
    .catch((e) => { throw new Usage(`cannot serve on ${o.host}: ${e.message}`); });
  if (o['browser-ws']) {
    // Someone else's browser: connect, and later disconnect, never close it.
    run.remote = true;
    try {
      run.browser = await withDeadline(connect(o, run), CONNECT_MS, `no answer within ${CONNECT_MS / 1000} s`);
    } catch (e) {
      throw new Usage(`cannot reach the browser at ${o['browser-ws']}: ${String(e && e.message || e).split('\n')[0]}`);
    }
    // A browser elsewhere can go away mid-run (its machine, a Grid node, the
    // socket): that ends the run at once, not at the deadline.
    const browser = run.browser;
    run.lost = new Promise((resolve) => browser.once('disconnected', () => {
      if (run.browser !== browser) return;
      run.lostAt = Date.now();
      resolve();
    }));
    return;
  }
  // A browser that will not start, or refuses the session (a Firefox without
  // WebDriver BiDi), is the caller's to fix: one line, exit 2. Its start shows
  // no progress to watch, but one that cannot start at all fails at once: only
  // a wedged one waits out LAUNCH_MS, a busy machine's slow one does not.
  const launched = run.puppeteer.launch(o.browser === 'firefox' ? {
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: o.firefox,
    headless: true,
    timeout: LAUNCH_MS,
    userDataDir: run.profile,
    extraPrefsFirefox: FIREFOX_PREFS,
  } : {
    executablePath: o.chromium,
    headless: true,
    timeout: LAUNCH_MS,
    userDataDir: run.profile,
    args: CHROMIUM_ARGS.concat(o['js-flags'] ? [`--js-flags=${o['js-flags']}`] : []),
  });
  try {
    run.browser = await launched;
  } catch (e) {
    const how = o.browser === 'firefox' ? 'through WebDriver BiDi' : 'through CDP';
    throw new Usage(`cannot start ${o.browser} (${o[BROWSERS[o.browser].binary]}) ${how}: ` +
                    String(e && e.message || e).split('\n')[0]);
  }
  const proc = run.browser.process();
  if (run.releasePriority) run.releasePriority(); // a browser launched before this one
  run.releasePriority = holdPriority(proc && proc.pid);
}

// Connects to the browser at --browser-ws: CDP for chrome, WebDriver BiDi
// for firefox; the socket of a WebDriver session (a Selenium Grid's) through
// the transport that takes it as that session's (bidi_session.js).
async function connect(o, run) {
  const ws = o['browser-ws'];
  const session = o.browser === 'firefox' ? sessionOf(ws) : null;
  if (session === null) {
    return run.puppeteer.connect({browserWSEndpoint: ws, protocol: o.browser === 'firefox' ? 'webDriverBiDi' : 'cdp',
                                  protocolTimeout: PROTOCOL_MS});
  }
  const caps = {browserName: o.browser, browserVersion: o['browser-version'] || ''};
  return run.puppeteer.connect({transport: await sessionTransport(ws, session, caps), protocol: 'webDriverBiDi',
                                protocolTimeout: PROTOCOL_MS});
}

// p, or a rejection with `why` after ms.
function withDeadline(p, ms, why) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(why)), ms); })])
    .finally(() => clearTimeout(timer));
}

// Opens a tab and waits for the machine to settle after Chromium's start;
// returns the URL of the page with the program's arguments (firstLine loads it).
async function openPage(o, run, attempt = 1) {
  const version = await run.browser.version();
  const page = run.page = await run.browser.newPage();
  page.on('pageerror', (e) => fs.appendFileSync(run.log, `[page error] ${e.message}\n`));
  if (o.settle > 0 && !run.remote) { // a remote browser's machine is not this one
    const q = await settle({maxMs: o.settle * 1000});
    const busy = q.busy === null ? 'unknown' : `${q.busy.toFixed(2)} CPUs busy`;
    const line = `waited ${(q.waitedMs / 1000).toFixed(1)} s for the machine to settle after ${o.browser}'s start (${busy})`;
    fs.appendFileSync(run.log, `[driver] ${line}\n`);
    if (!o.quiet) process.stderr.write(`bench-browser: ${line}\n`);
  }
  let url = `http://${o.host}:${run.srv.port}/${o.pyodide ? 'pyodide.html' : 'index.html'}` +
            `?browser=${encodeURIComponent(version)}&args=${encodeURIComponent(JSON.stringify(o.args))}` +
            (o.mainThread ? '&host=main' : '') + `&program=${encodeURIComponent(o.program)}` +
            `&platform=${o.browser}` +
            (o.browser === 'firefox' ? '&full_timer=1' : '') + `&start=${attempt}` +
            `&browser_version=${encodeURIComponent(o['browser-version'] || version.split('/').pop())}` +
            facts(o) +
            (o['browser-ws'] ? '' : `&nice=${os.getPriority()}`) + // it holds a browser it launched there
            `&token=${run.srv.token}`; // every POST must carry it (server.js)
  if (o.pyodide) url += pyodideParams(o.build);
  return url;
}

// What the driver was told of a Grid node and the engine's flags, for the page's header.
function facts(o) {
  return [['grid_node', o['grid-node']], ['kernel', o['node-os']], ['cpu_model', o['node-cpu']],
          ['engine_flags', o['js-flags']]]
    .filter(([, v]) => v).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
}

// Loads the page; no timeout of its own: firstLine watches its progress.
async function load(page, url) {
  // A page the server refused would wait out the whole deadline.
  const loaded = await page.goto(url, {waitUntil: 'load', timeout: 0});
  if (!loaded || !loaded.ok()) {
    const status = loaded ? `HTTP ${loaded.status()} ${loaded.statusText()}` : 'no response';
    throw new Error(`the page did not load (${status})` +
                    (url.length > 8000 ? `: its URL (the arguments) is ${url.length} bytes long` : ''));
  }
}

// Loads the page and waits for the program's first posted line as long as
// the start makes progress (see NO_PROGRESS_MS), at most START_CAP_MS.
// Returns null once a line came, else how the start failed: {kind} (the same
// for starts that failed alike) and {detail} (this start's own facts).
async function firstLine(o, run, url) {
  const srv = run.srv, page = run.page;
  const opened = run.started = Date.now();
  let posted = false, loadError = null, status = null, reading = null, statusAt = 0, served = 0;
  // The last progress, and the last one a request or the status showed.
  let moved = opened, shown = opened, longest = 0, longestShown = 0;
  let cpuAt = opened, cpuWas = browserCpu(run), cores = null;
  srv.firstPost.then(() => { posted = true; });
  load(page, url).catch((e) => { loadError = e; }); // rejects too when cleanup closes a stuck page
  const progress = (t, cpu = false) => {
    longest = Math.max(longest, t - moved);
    moved = Math.max(moved, t);
    if (cpu) return;
    longestShown = Math.max(longestShown, t - shown);
    shown = Math.max(shown, t);
  };
  for (;;) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const now = Date.now(), a = srv.activity();
    if (posted) {
      progress(now);
      fs.appendFileSync(run.log, `[driver] first line after ${((now - opened) / 1000).toFixed(1)} s, ` +
                        `${a.served} requests served; the longest wait for a request or a new status ` +
                        `${(longestShown / 1000).toFixed(1)} s, for any progress (the browser's CPU too) ` +
                        `${(longest / 1000).toFixed(1)} s\n`);
      return null;
    }
    if (run.lostAt) throw new Error(lostMessage(o, run, 'during the start'));
    if (loadError) throw loadError;
    if (a.served !== served) { served = a.served; progress(a.last); }
    // Never awaited here: a page whose main thread runs the program (or is
    // stuck) answers late, and requests or a posted line still count.
    if (!reading && now - statusAt >= STATUS_MS) {
      statusAt = now;
      reading = pageStatus(page).then((s) => {
        reading = null;
        if (s !== status) { status = s; progress(Date.now()); }
      });
    }
    if (cpuWas !== null && now - cpuAt >= CPU_SPAN_MS) {
      const used = browserCpu(run);
      if (used !== null) {
        cores = (used - cpuWas) / ((now - cpuAt) / 1000);
        if (cores >= CPU_BUSY) progress(now, true);
      }
      cpuWas = used;
      cpuAt = now;
    }
    const requests = a.path ? `${a.served} requests served, the last ${a.path} at ` +
                              `${((a.last - opened) / 1000).toFixed(1)} s` : 'no request served';
    const cpu = cores === null ? '' : `, the browser's processes at ${cores.toFixed(2)} of a core`;
    if (now - moved >= NO_PROGRESS_MS) {
      return {kind: `stalled ${at(status)} with no request served for ${NO_PROGRESS_MS / 1000} s` +
                    (cores === null ? '' : ' and the browser idle'),
              detail: requests + cpu};
    }
    if (now - opened >= START_CAP_MS) {
      return {kind: `posted no line within ${START_CAP_MS / 1000} s although the start kept moving`,
              detail: `${at(status)}, ${requests}${cpu}`};
    }
  }
}

// CPU seconds used so far by the local browser's processes (the one
// puppeteer started and its descendants), from Linux's /proc; null for a
// remote browser or without /proc.
function browserCpu(run) {
  const proc = !run.remote && run.browser && run.browser.process();
  if (!proc || !proc.pid || !fs.existsSync('/proc/self/stat')) return null;
  let total = 0;
  for (const f of processTree(proc.pid).values()) total += (Number(f[11]) + Number(f[12])) / 100;
  return total;
}

// Where the page's #status was, for a message (of one line).
function at(status) {
  if (status === null || status === '?') return 'before the page showed its status';
  const s = status.replace(/\s+/g, ' ');
  return `at '${s.length > 100 ? s.slice(0, 100) + '...' : s}'`;
}

// The program's exit ({code, message}), or null past the deadline, when a
// Pyodide run also gets its watchdog record; run.status is the page's text.
async function waitForExit(o, run, page) {
  const deadline = new Promise((r) => { run.timer = setTimeout(() => r(null), o.deadline * 1000); });
  const lost = run.lost ? run.lost.then(() => 'lost') : new Promise(() => {});
  const end = await Promise.race([run.srv.exited, deadline, lost]);
  if (end === 'lost') throw new Error(lostMessage(o, run, 'before the program ended'));
  if (end) return end;
  run.status = await pageStatus(page);
  // Pyodide has no watchdog of its own (one thread): say what it was doing.
  // Through the record check like any posted line: the status is the page's text.
  if (o.pyodide && fs.existsSync(run.records) && fs.statSync(run.records).size > 0) {
    const r = await run.srv.record(poolbenchRecord.watchdog(run.platform, run.status, o.deadline,
                                                            (Date.now() - run.started) / 1000));
    if (r.status !== 200) fs.appendFileSync(run.log, `[driver] the watchdog record was refused: ${r.text}\n`);
  }
  return null;
}

// One line: the remote browser's connection closed `when`; what was kept.
function lostMessage(o, run, when) {
  const kept = fs.existsSync(run.records) && fs.statSync(run.records).size > 0 ?
    `records so far kept in ${run.records}` : 'no records written';
  return `the connection to the browser at ${o['browser-ws']} closed ${when} (${kept})`;
}

// Closes the browser (killed if it does not close within 5 s), the server
// and the profile; safe to call twice.
async function cleanup(run) {
  clearTimeout(run.timer);
  if (run.browser && run.remote) {
    const browser = run.browser;
    run.browser = null; // our own disconnect below is not a lost browser
    await Promise.race([run.page ? run.page.close().catch(() => {}) : null, new Promise((r) => setTimeout(r, 5000))]);
    await Promise.race([browser.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  if (run.releasePriority) run.releasePriority();
  if (run.browser) {
    const proc = run.browser.process();
    await Promise.race([run.browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    run.browser = null;
  }
  if (run.srv) await run.srv.close();
  run.srv = null;
  if (run.profile) fs.rmSync(run.profile, {recursive: true, force: true});
}

// Launches the browser and opens the page until the program posts its first
// line (see firstLine); returns the page. A failed start is relaunched, at
// most STARTS times in all and the browser's sameFailures in a row alike.
async function start(o, run) {
  const sameFailures = BROWSERS[o.browser].sameFailures;
  let same = 0, previous = null;
  for (let attempt = 1; ; attempt++) {
    run.profile = fs.mkdtempSync(path.join(os.tmpdir(), `poolbench-${o.browser}-`));
    await launch(o, run);
    // Once the server is up (a refused --host is the one line then).
    if (attempt === 1 && o.host !== '127.0.0.1' && o.host !== 'localhost') {
      process.stderr.write(`bench-browser: warning: serving on ${o.host}: anyone who can reach it ` +
                           'can load the page (posting still needs the run\'s token)\n');
    }
    const failed = await firstLine(o, run, await openPage(o, run, attempt));
    if (!failed) return run.page;
    same = failed.kind === previous ? same + 1 : 1;
    previous = failed.kind;
    // From the second alike on, the line says so: a cause, not bad luck.
    const what = same > 1 ? `${same} starts in a row ${failed.kind} (the latest: ${failed.detail})`
                          : `${failed.kind} (${failed.detail})`;
    const last = same === sameFailures ? `${o.browser}: ${what}: giving up`
               : attempt === STARTS ? `${o.browser}: ${STARTS} starts failed; the last ${what}` : null;
    if (last) {
      fs.appendFileSync(run.log, `[driver] ${last}\n`);
      throw new Error(last);
    }
    const next = same === sameFailures - 1 ? `; relaunching, a ${ordinal(sameFailures)} alike ends the run`
                                            : '; relaunching';
    const line = `${o.browser} start ${attempt} of ${STARTS}: ${what}${next}`;
    fs.appendFileSync(run.log, `[driver] ${line}\n`);
    if (!o.quiet) process.stderr.write(`bench-browser: ${line}\n`);
    await cleanup(run);
  }
}

function ordinal(n) {
  return ['first', 'second', 'third', 'fourth', 'fifth'][n - 1] || `${n}th`;
}

function pageStatus(page) {
  return page.$eval('#status', (e) => e.textContent).catch(() => '?');
}

async function main() {
  const o = parse(process.argv.slice(2));
  const run = prepare(o);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => { cleanup(run).finally(() => process.exit(130)); });
  }
  try {
    const page = await start(o, run);
    const end = await waitForExit(o, run, page);
    await cleanup(run);
    if (!end) fail(3, `deadline of ${o.deadline} s exceeded (page: ${run.status}); records so far in ${run.records}`);
    if (end.code !== 0 && end.message) process.stderr.write(`bench-browser: ${end.message}\n`);
    process.exit(end.code);
  } catch (e) {
    await cleanup(run);
    fail(e instanceof Usage ? 2 : 1, String(e && e.message || e).split('\n')[0]);
  }
}

// A failure that is the caller's to fix (exit 2), e.g. an endpoint that
// cannot be reached.
class Usage extends Error {}

// Exits 2 with the contract's one line when `file` cannot be appended to.
function appendable(file) {
  const check = path.join(__dirname, '..', '..', 'records', 'check.py');
  const r = require('child_process').spawnSync('python3', [check, 'check', file],
                                                {encoding: 'utf8', timeout: 60000});
  if (r.status !== 0) {
    const why = (r.stderr || String(r.error || 'records/check.py failed')).trim().split('\n')[0];
    fail(2, `cannot --append to ${file}: ${why.replace(/^records: /, '')}`);
  }
}

// What the Pyodide page puts in its header record: the commit, the side
// module's compiler (stamped by make build-pyodide) and this command.
function pyodideParams(build) {
  const commit = gitCommit(path.join(__dirname, '..', '..'));
  const stamp = path.join(build, 'side_compiler.txt');
  const compiler = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : 'unknown';
  return `&commit=${encodeURIComponent(commit)}&side_compiler=${encodeURIComponent(compiler)}` +
         `&command=${encodeURIComponent(process.argv.slice(1).join(' '))}`;
}

main();
