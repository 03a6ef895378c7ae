// The Pyodide page: checks cross-origin isolation and the options, then
// hands the run to a dedicated worker (pyodide_worker.mjs) and relays its
// progress, Python's output and how it ended to the server.
import './post.js'; // self.poolbenchPost: the run's token on every POST
import {UsageError, parseOptions} from './run_pyodide.mjs';

const params = new URLSearchParams(location.search);
const status = document.getElementById('status');

const post = self.poolbenchPost.async;

function finish(code, message) {
  status.textContent = `exit ${code}${message ? ': ' + message : ''}`;
  post(`/exit?code=${code}`, message);
}

function start() {
  if (!self.crossOriginIsolated) {
    finish(2, 'the page is not cross-origin isolated: serve it with Cross-Origin-Opener-Policy: ' +
              'same-origin and Cross-Origin-Embedder-Policy: require-corp');
    return;
  }
  let o;
  try {
    o = parseOptions(JSON.parse(params.get('args') || '[]'));
    if (o.rest.length) throw new UsageError(`unknown option '${o.rest[0]}' (see driver.js --help)`);
  } catch (e) {
    finish(2, e instanceof UsageError ? e.message : `bad args parameter: ${e.message}`);
    return;
  }
  const context = {
    platform: `pyodide-${self.poolbenchPost.platform}`, quick: o.quick, reps: o.reps, probe_only: o.probeOnly, side: o.side,
    test_fault: o.testFault,
    start_time: new Date().toISOString(), git_commit: params.get('commit') || 'unknown',
    command: params.get('command') || '', side_compiler: params.get('side_compiler') || 'unknown',
    host_cores: navigator.hardwareConcurrency, runtime: params.get('browser') || navigator.userAgent,
    // The driver's niceness, at which it holds its browser's threads; none: null.
    nice: Number.isInteger(parseInt(params.get('nice'), 10)) ? parseInt(params.get('nice'), 10) : null,
  };
  // The worker's URL carries the run's token on (post.js).
  const worker = new Worker(self.poolbenchPost.withToken('pyodide_worker.mjs'), {type: 'module'});
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.type === 'progress') {
      status.textContent = m.text;
      post('/log?stream=err', m.text);
    } else if (m.type === 'stage') {
      status.textContent = m.text; // for the driver's start-up watch
    } else if (m.type === 'log') {
      post('/log?stream=err', `[python] ${m.line}`);
    } else if (m.type === 'exit') {
      finish(m.code, m.message);
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    finish(1, `Pyodide worker error: ${e.message}`);
  };
  worker.postMessage({context});
  status.textContent = 'loading Pyodide';
}

start();
