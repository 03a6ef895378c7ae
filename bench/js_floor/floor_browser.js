#!/usr/bin/env node
// The engine's floor in a browser: headless Chromium (CDP) or Firefox
// (WebDriver BiDi) through puppeteer-core, started as poolbench's browser run
// starts them (bench/browser/browser_options.js), loads floor.html from a
// local cross-origin-isolated server (floor_server.js) and reads the lead
// Worker's results from the page; the browser is always closed (killed past
// the deadline, or on Ctrl-C).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {CHROMIUM_ARGS, FIREFOX_PREFS} = require('../browser/browser_options');
const {holdPriority} = require('../browser/browser_priority');
const {settle} = require('../browser/settle');
const {quoted} = require('../browser/quote');
const {parseOptions, usageError} = require('./floor_options');
const {summarize, print} = require('./floor_report');
const {startFloorServer} = require('./floor_server');
const {BROWSERS} = require('./floor_engines');
const {VARIANTS} = require('./floor_kernel');

const PROG = 'floor_browser';
const USAGE = `usage: floor_browser.js [--browser chrome|firefox] [--js-flags FLAGS]
                         [--variant a,b] [--reps R] [--json] [--deadline S]
The fork-join hand-offs in plain JS (no C, no Wasm) on an Int32Array over a
SharedArrayBuffer, in two dedicated Web Workers of a headless browser: the
engine's floor under poolbench's Wasm figures.
  --browser B     chrome (${BROWSERS.chrome.binary}, default) or firefox
                  (${BROWSERS.firefox.binary}, its timer coarsening turned off)
  --js-flags F    V8 flags for Chromium (passed as --js-flags=F); not for firefox
  --variant LIST  of ${VARIANTS.join(', ')} (default: all)
  --reps R        timed batches per variant, the first discarded (default 11);
                  each batch lasts >= 1 ms
  --json          one line per variant: {engine, version, variant, median_ns,
                  ci_lo, ci_hi, reps (batches in the median), coverage (of
                  the interval), batch (iterations per batch)}
  --deadline S    give up after S seconds (default 120): one line naming what
                  was running, the browser killed, exit 1
Output: median ns per iteration and its 95% interval (order statistics).`;
const SETTLE_MS = 5000; // the machine quiet again after the browser's start

function main() {
  const o = parseOptions(PROG, USAGE, process.argv.slice(2), {
    '--browser': {key: 'browser', parse: (v) => {
      if (!Object.hasOwn(BROWSERS, v)) throw new Error('must be chrome or firefox');
      return v;
    }},
    '--js-flags': {key: 'jsFlags', parse: (v) => {
      if (/[\u0000-\u001f\u007f]/.test(v)) throw new Error('must be one line of flags');
      return v;
    }},
    '--deadline': {key: 'deadline', parse: (v) => {
      const s = Number(v);
      if (!(s > 0 && s <= 86400)) throw new Error('must be a number of seconds (0 < S <= 86400)');
      return s;
    }},
  });
  o.browser = o.browser || 'chrome';
  o.deadline = o.deadline || 120;
  if (o.jsFlags !== undefined && o.browser !== 'chrome') usageError(PROG, '--js-flags is for chrome only (V8\'s flags)');
  const exe = BROWSERS[o.browser].binary;
  if (!fs.existsSync(exe)) usageError(PROG, `no browser at ${quoted(exe)}: scripts/setup.sh installs ${BROWSERS[o.browser].package}`);
  let puppeteer;
  try {
    puppeteer = require('puppeteer-core');
  } catch (e) {
    usageError(PROG, 'puppeteer-core missing: run scripts/setup.sh (npm ci)');
  }
  const run = {what: 'starting the page server', o};
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => cleanup(run).finally(() => process.exit(130)));
  const timer = setTimeout(() => expire(run), o.deadline * 1000);
  measure(puppeteer, o, run).then(async (rows) => {
    clearTimeout(timer);
    await cleanup(run);
    print(rows, o.json);
  }, async (e) => {
    clearTimeout(timer);
    await cleanup(run);
    process.stderr.write(`${PROG}: ${o.browser}: ${run.what}: ${String(e && e.message || e).split('\n')[0]}\n`);
    process.exit(1);
  });
}

async function measure(puppeteer, o, run) {
  run.server = await startFloorServer();
  run.what = `launching ${o.browser}`;
  run.profile = fs.mkdtempSync(path.join(os.tmpdir(), `poolbench-floor-${o.browser}-`));
  const exe = BROWSERS[o.browser].binary;
  run.browser = await puppeteer.launch(o.browser === 'firefox' ? {
    browser: 'firefox', protocol: 'webDriverBiDi', executablePath: exe, headless: true,
    timeout: o.deadline * 1000, userDataDir: run.profile, extraPrefsFirefox: FIREFOX_PREFS,
  } : {
    executablePath: exe, headless: true, timeout: o.deadline * 1000, userDataDir: run.profile,
    args: o.jsFlags === undefined ? CHROMIUM_ARGS : [...CHROMIUM_ARGS, `--js-flags=${o.jsFlags}`],
  });
  const proc = run.browser.process();
  run.releasePriority = holdPriority(proc && proc.pid);
  const version = await run.browser.version();
  const page = run.page = await run.browser.newPage();
  run.what = `waiting for the machine to settle after ${o.browser}'s start`;
  await settle({maxMs: SETTLE_MS});
  run.what = 'loading the page';
  const url = `${run.server.url}?variants=${encodeURIComponent(o.variants.join(','))}&reps=${o.reps}`;
  const loaded = await page.goto(url, {waitUntil: 'load', timeout: 0});
  if (!loaded || !loaded.ok()) throw new Error(`the page did not load (${loaded ? 'HTTP ' + loaded.status() : 'no response'})`);
  run.what = 'running the workers';
  const end = await page.evaluate(() => window.floorDone.then((r) => ({results: r.results}),
                                                              (e) => ({error: String(e && e.message || e)})));
  if (end.error) throw new Error(end.error);
  return summarize(o.browser, version, end.results);
}

// Past the deadline: one line naming what ran (the page's status when it
// answers within 2 s), the browser killed, exit 1.
async function expire(run) {
  let what = run.what;
  if (run.page && what === 'running the workers') {
    const s = await Promise.race([run.page.evaluate(() => window.floorStatus).catch(() => null),
                                  new Promise((r) => setTimeout(() => r(null), 2000))]);
    if (s) what = `${what} (${s})`;
  }
  process.stderr.write(`${PROG}: ${run.o.browser}: deadline of ${run.o.deadline} s exceeded while ${what}\n`);
  await cleanup(run, true);
  process.exit(1);
}

// Closes (or with `kill`, kills) the browser, the server and the profile;
// safe to call twice.
async function cleanup(run, kill = false) {
  if (run.releasePriority) run.releasePriority();
  const browser = run.browser;
  run.browser = null;
  if (browser) {
    const proc = browser.process();
    if (!kill) await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  }
  if (run.server) await run.server.close();
  run.server = null;
  if (run.profile) fs.rmSync(run.profile, {recursive: true, force: true});
  run.profile = null;
}

main();
