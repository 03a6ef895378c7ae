// Which sessions a Selenium Grid run asks for: one per browser per node,
// from the Grid's /status (each node's slots and their stereotypes), and
// what each session's request and connection are.
'use strict';
const {CHROMIUM_ARGS, FIREFOX_PREFS} = require('./browser_options');
const {oneLine} = require('./grid_client');

// The browsers the suite drives on a Grid (the records' platform names),
// with the stereotype's browserName they take and how puppeteer connects:
// Chromium through the session's CDP socket (se:cdp), Firefox through its
// WebDriver BiDi socket (webSocketUrl).
const GRID_BROWSERS = {
  chrome: {browserName: 'chrome', socket: 'se/cdp', capability: 'se:cdp',
           options: {'goog:chromeOptions': {args: ['--headless', ...CHROMIUM_ARGS]}}},
  firefox: {browserName: 'firefox', socket: 'se/bidi', capability: 'webSocketUrl',
            options: {'moz:firefoxOptions': {args: ['-headless'], prefs: FIREFOX_PREFS}}},
};
// Extension capabilities the Grid never matches on (its own and the
// drivers'); any other in a stereotype (e.g. poolbench:node) pins a request
// to the nodes that have it.
const DRIVER_PREFIXES = /^(goog|moz|ms|se|webauthn|fedcm):/;
// A node may say its host's CPU in its stereotype (the browser cannot).
const CPU_CAPABILITY = 'poolbench:cpuModel';

// A node's name in file names: its URI's host and port ('127.0.0.1_4444').
function nodeLabel(node) {
  let label = null;
  try {
    const u = new URL(node.uri);
    label = u.hostname.replace(/^\[|\]$/g, '') + '_' + (u.port || (u.protocol === 'https:' ? '443' : '80'));
  } catch (e) {
    label = String(node.id || 'node').slice(0, 8);
  }
  return label.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 80);
}

// The node as messages name it: its URI (else its id), as text from the
// Grid is shown: one line, no control character.
function where(node) {
  return oneLine(String(node.uri || node.id || '?'), 200);
}

// The node's OS as /status says it ("Linux 6.1.0 amd64"), or null.
function nodeOs(node) {
  const o = node.osInfo;
  if (!o || typeof o !== 'object') return null;
  const words = [o.name, o.version, o.arch].filter((v) => typeof v === 'string' && v);
  return words.length ? oneLine(words.join(' '), 200) : null;
}

// {pairs: [{node, browser, stereotype}], notes: [one line each]} in the order
// of `browsers`, then of the nodes; a node not UP and a browser no node
// offers are notes. A node offering a browser in several slots is asked once.
function plan(status, browsers) {
  const pairs = [], notes = [];
  const nodes = status.nodes.filter((n) => n && typeof n === 'object');
  for (const n of nodes) {
    if (n.availability !== 'UP') notes.push(`node ${where(n)} is ${oneLine(n.availability || 'not UP', 20)}: skipped`);
  }
  const up = nodes.filter((n) => n.availability === 'UP' && Array.isArray(n.slots));
  for (const browser of browsers) {
    const name = GRID_BROWSERS[browser].browserName;
    let offered = false;
    for (const node of up) {
      const slot = node.slots.find((s) => s && s.stereotype && s.stereotype.browserName === name);
      if (!slot) continue;
      offered = true;
      pairs.push({node, browser, stereotype: slot.stereotype, name: `${browser}-${nodeLabel(node)}`, where: where(node)});
    }
    if (!offered) notes.push(`${browser}: no node of the Grid offers it`);
  }
  return {pairs, notes};
}

// The new session's capabilities: what pins it to the pair's node (the
// stereotype's browser, version, platform and own capabilities), a BiDi
// socket, and the browser options every poolbench run uses.
function capabilities(pair) {
  const st = pair.stereotype, caps = {browserName: st.browserName};
  for (const k of ['browserVersion', 'platformName']) if (typeof st[k] === 'string' && st[k]) caps[k] = st[k];
  for (const [k, v] of Object.entries(st)) if (k.includes(':') && !DRIVER_PREFIXES.test(k)) caps[k] = v;
  return {...caps, webSocketUrl: true, ...GRID_BROWSERS[pair.browser].options};
}

// The WebSocket puppeteer connects to: the session's socket on the Grid at
// the address we reach it by (the Grid may name itself by another), or null
// when the session has none (the node's driver offers neither socket).
function endpoint(grid, browser, id, caps) {
  const b = GRID_BROWSERS[browser];
  if (!caps[b.capability]) return null;
  return `${grid.replace(/^http/, 'ws')}/session/${encodeURIComponent(id)}/${b.socket}`;
}

module.exports = {GRID_BROWSERS, CPU_CAPABILITY, nodeLabel, nodeOs, where, plan, capabilities, endpoint};
