// What bench/browser/grid.js asks a Selenium Grid 4 over HTTP (the W3C
// WebDriver endpoints and the Grid's /status), each call within a deadline:
// a Grid that stops answering costs the run a bounded wait, never a hang.
'use strict';

const STATUS_MS = 10000;
// A Grid queues a new session until a slot is free, then the node starts a
// browser (~20 s on the project's 2-vCPU machines with chromedriver).
const NEW_SESSION_MS = 180000;
const DELETE_MS = 30000;

class GridError extends Error {}

// Text from the Grid (an error message, a stack trace) as one line of at
// most `max` characters with no control character.
function oneLine(text, max = 300) {
  const s = String(text).split(/\r?\n/).find((l) => l.trim()) || '';
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?').trim();
  return clean.length > max ? clean.slice(0, max) + '...' : clean;
}

// {status, value} of one call; GridError (one line) when no answer came in
// time, the connection failed, or the body is not the JSON a Grid sends.
async function call(method, url, body, ms) {
  let res, text;
  try {
    const signal = AbortSignal.timeout(ms);
    res = await fetch(url, {
      method, signal,
      headers: body === undefined ? {} : {'Content-Type': 'application/json; charset=utf-8'},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    text = await res.text();
  } catch (e) {
    const why = e && (e.name === 'TimeoutError' || e.name === 'AbortError') ? `no answer within ${ms / 1000} s`
      : oneLine(e && e.cause && e.cause.message || e && e.message || e);
    throw new GridError(`${method} ${url}: ${why}`);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GridError(`${method} ${url}: HTTP ${res.status}, not JSON (${oneLine(text, 100)})`);
  }
  if (!json || typeof json !== 'object' || !('value' in json)) {
    throw new GridError(`${method} ${url}: HTTP ${res.status}, no "value" in the answer`);
  }
  return {status: res.status, value: json.value};
}

// The WebDriver error in an answer, as one line ('' for none).
function errorOf(value) {
  if (!value || typeof value !== 'object' || typeof value.error !== 'string') return '';
  return oneLine(`${value.error}: ${value.message || ''}`);
}

// The Grid's /status value: {ready, message, nodes: [...]}.
async function status(grid) {
  const {status: code, value} = await call('GET', `${grid}/status`, undefined, STATUS_MS);
  if (code !== 200 || !value || !Array.isArray(value.nodes)) {
    throw new GridError(`GET ${grid}/status: HTTP ${code}, ${errorOf(value) || 'no list of nodes (is it a Selenium Grid 4?)'}`);
  }
  return value;
}

// A new session for `alwaysMatch`: {id, capabilities, version (the
// browser's)}; GridError with the Grid's reason when it refuses. A request
// that outlives NEW_SESSION_MS leaves the Grid free to make the session
// still: its own session timeout (idle, 300 s by default) then ends it.
async function newSession(grid, alwaysMatch) {
  const {status: code, value} = await call('POST', `${grid}/session`, {capabilities: {alwaysMatch, firstMatch: [{}]}},
                                           NEW_SESSION_MS);
  if (code !== 200 || !value || typeof value.sessionId !== 'string' || !value.capabilities) {
    throw new GridError(`the Grid refused the session (HTTP ${code}): ${errorOf(value) || 'no session in the answer'}`);
  }
  // It names URLs, files and messages: a session id is a name, nothing else.
  if (!/^[\w.-]{1,128}$/.test(value.sessionId)) {
    throw new GridError(`the Grid answered a session id that is not a name (${oneLine(value.sessionId, 40)})`);
  }
  const version = value.capabilities.browserVersion;
  return {id: value.sessionId, capabilities: value.capabilities,
          version: typeof version === 'string' && version ? oneLine(version, 64) : null};
}

// Ends the session; GridError when the Grid did not confirm it.
async function deleteSession(grid, id) {
  const {status: code, value} = await call('DELETE', `${grid}/session/${encodeURIComponent(id)}`, undefined, DELETE_MS);
  if (code !== 200) throw new GridError(`DELETE session ${id}: HTTP ${code}, ${errorOf(value) || 'not confirmed'}`);
}

// The node of /status holding session `id`, or null.
async function nodeOfSession(grid, id) {
  const s = await status(grid);
  return s.nodes.find((n) => Array.isArray(n.slots) &&
                             n.slots.some((slot) => slot && slot.session && slot.session.sessionId === id)) || null;
}

module.exports = {GridError, oneLine, status, newSession, deleteSession, nodeOfSession};
