// What both Pyodide hosts share (the Node.js host, bench/pyodide/node_host.mjs,
// and the browser's Web Worker, pyodide_worker.mjs beside it): the options,
// and one run: load Pyodide, put the side modules and the Python scenario
// files into its file system, run bench_pyodide.main().

export const FILES = {
  // name in Pyodide's /poolbench -> where the hosts find it
  'bench_pyodide.py': 'bench/pyodide/bench_pyodide.py',
  'pycalls.py': 'bench/pycalls.py',
  'schema.json': 'records/schema.json',
  'poolbench_side.so': 'build-pyodide/poolbench_side.so',
  'poolbench_side_pthread.so': 'build-pyodide/poolbench_side_pthread.so',
};

export const OPTIONS_HELP = `  --quick          a smoke run: 5 repetitions, 0.2 ms batches
  --reps N         outer repetitions, 3..1000 (default 11)
  --probe-only     only the capability probe (threads, -pthread side module,
                   JSPI, ABI) and its hazard verdict
  --side FILE      load this side module instead of poolbench_side.so (tests)
  --test-fault hang  test knob: Python spins forever after the probe`;

export class UsageError extends Error {}

// Options common to both hosts; unknown ones are left for the host.
export function parseOptions(argv, known = {}) {
  const o = {quick: false, reps: null, probeOnly: false, side: null, testFault: null, rest: []};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--probe-only') o.probeOnly = true;
    else if (a === '--reps' || a === '--side' || a === '--test-fault') {
      if (argv[i + 1] === undefined) throw new UsageError(`${a} needs a value (see --help)`);
      o[{'--reps': 'reps', '--side': 'side', '--test-fault': 'testFault'}[a]] = argv[++i];
    } else o.rest.push(a);
  }
  if (o.testFault !== null && o.testFault !== 'hang') {
    throw new UsageError(`--test-fault: unknown fault '${o.testFault}' (known: hang)`);
  }
  if (o.reps === null) o.reps = o.quick ? 5 : 11;
  else if (!/^\d+$/.test(o.reps) || +o.reps < 3 || +o.reps > 1000) {
    throw new UsageError(`--reps must be an integer in 3..1000, got '${o.reps}'`);
  }
  o.reps = +o.reps;
  return o;
}

// files: {name: Uint8Array}; sink(line) writes one record synchronously;
// progress(text) reports a step; stage(text), if given, says which part of
// Pyodide's load is running (the browser driver's start-up watch sees it:
// on a busy machine each part takes seconds and fetches nothing); log(line)
// takes Python's stdout and stderr; context: the run's facts for the
// records. Returns {code, message}.
export async function runPyodide({loadPyodide, indexURL, files, sink, progress, stage = () => {}, log, context}) {
  const t0 = performance.now();
  stage('loading Pyodide: its runtime');
  const py = await loadPyodide({indexURL, stdout: log, stderr: log,
                                // Once the runtime is compiled and its standard library in place.
                                fsInit: async () => stage('loading Pyodide: starting Python')});
  const ctx = {...context, load_ms: performance.now() - t0, pyodide_version: py.version,
               // JSPI: what lets Pyodide block on a JS promise (run_sync).
               jspi: typeof WebAssembly.Suspending === 'function' ? 'WebAssembly.Suspending'
                   : typeof WebAssembly.Suspender === 'function' ? 'WebAssembly.Suspender (pre-standard)'
                   : 'none',
               side: '/poolbench/' + (context.side || 'poolbench_side.so'),
               side_pthread: '/poolbench/poolbench_side_pthread.so'};
  py.FS.mkdirTree('/poolbench');
  for (const [name, bytes] of Object.entries(files)) py.FS.writeFile('/poolbench/' + name, bytes);
  py.registerJsModule('poolbench_host', {sink, progress, context: JSON.stringify(ctx)});
  progress(`${ctx.platform}: Pyodide ${py.version} loaded in ${(ctx.load_ms / 1000).toFixed(1)} s`);
  // runPythonAsync: the context in which can_run_sync() can be true.
  const out = await py.runPythonAsync(
      'import sys\nsys.path.insert(0, "/poolbench")\nimport bench_pyodide\nbench_pyodide.main()');
  return JSON.parse(out);
}
