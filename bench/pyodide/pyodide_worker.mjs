// The dedicated worker that runs Pyodide for pyodide.html: fetches the
// Python files and side modules from the server, runs them, writes every
// record with a synchronous POST (kept if the tab dies), and replies.
import './post.js'; // self.poolbenchPost: the run's token on every POST
import {loadPyodide} from './pyodide.mjs';
import {FILES, runPyodide} from './run_pyodide.mjs';

// A record the server refuses ends the run (exit 1 with the server's reason),
// as a failed write does natively.
function sink(line) {
  const r = self.poolbenchPost.sync('/result', line);
  if (!r.ok) throw new Error(`the local server refused a record (${r.why}); the run stops here`);
}

async function fetchFiles(context) {
  const files = {};
  for (const name of [...Object.keys(FILES), ...(context.side ? [context.side] : [])]) {
    const r = await fetch('/' + name);
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status} (build it with make build-pyodide)`);
    files[name] = new Uint8Array(await r.arrayBuffer());
  }
  return files;
}

self.onmessage = async (e) => {
  const {context} = e.data;
  let result;
  // Which part of the load is running: the page's status, which the driver
  // watches for progress (a stage posts nothing: the program has not started).
  const stage = (text) => self.postMessage({type: 'stage', text});
  try {
    stage('loading Pyodide: the Python files');
    result = await runPyodide({
      loadPyodide, indexURL: new URL('/', location.href).href, files: await fetchFiles(context),
      sink, stage,
      progress: (text) => self.postMessage({type: 'progress', text}),
      log: (line) => self.postMessage({type: 'log', line}),
      context,
    });
  } catch (err) {
    const lines = String(err && err.message || err).trim().split('\n');
    result = {code: 1, message: lines[lines.length - 1]};
  }
  self.postMessage({type: 'exit', ...result});
};
