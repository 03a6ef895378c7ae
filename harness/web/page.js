// The page: checks cross-origin isolation, measures what only the main
// thread can (performance.now() step, whether Atomics.wait is allowed here),
// then starts the program in a dedicated worker and relays how it ended.
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var status = document.getElementById('status');

  function finish(code, message) {
    status.textContent = 'exit ' + code + (message ? ': ' + message : '');
    poolbenchPost.async('/exit?code=' + code, message);
  }

  if (!self.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') {
    finish(2, 'the page is not cross-origin isolated (no SharedArrayBuffer): serve it with ' +
              'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp');
    return;
  }
  var mainWait = true;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0);
  } catch (e) {
    mainWait = false; // expected: the page's main thread may not block
  }
  // Smallest non-zero step of performance.now() over a bounded spin.
  var step = Infinity, a = performance.now(), until = a + 50;
  while (a < until) {
    var b = performance.now();
    if (b !== a) { step = Math.min(step, b - a); a = b; }
  }
  // A fact the driver put in the URL: text of at most 200 characters, or undefined.
  function fact(name) {
    var v = params.get(name);
    return v ? v.slice(0, 200) : undefined;
  }
  var args;
  try {
    args = JSON.parse(params.get('args') || '[]');
  } catch (e) {
    finish(2, 'bad args parameter: ' + e.message);
    return;
  }
  var page = {browser: params.get('browser'), performance_now_step_us: step * 1000,
              main_thread_atomics_wait: mainWait,
              // The driver turned the browser's timer coarsening off (Firefox's
              // privacy.reduceTimerPrecision): the step above is what it gave.
              timer_precision_reduction_off: params.get('full_timer') === '1',
              // Which launch this is: the driver relaunches a browser whose
              // program posted nothing in time (Firefox's start-up hang).
              start_attempt: Math.max(1, Math.min(99, parseInt(params.get('start'), 10) || 1)),
              // The driver's niceness, at which it holds its browser's threads; none: null.
              nice: Number.isInteger(parseInt(params.get('nice'), 10)) ? parseInt(params.get('nice'), 10) : null,
              // What the driver knows of the browser and, on a Selenium Grid,
              // of the node it runs on (absent: not told).
              browser_version: fact('browser_version'), grid_node: fact('grid_node'),
              kernel: fact('kernel'), cpu_model: fact('cpu_model'), engine_flags: fact('engine_flags')};
  // Which build of the program: poolbench.js, or poolbench_nopool.js (no
  // pre-created workers, for the late_start hazard).
  var program = params.get('program') || 'poolbench.js';
  if (!/^[\w-]+\.js$/.test(program)) {
    finish(2, 'bad program parameter: ' + program);
    return;
  }
  if (params.get('host') === 'main') {
    runOnMainThread(args, page);
    return;
  }
  // The worker's URL carries the run's token on (post.js).
  var worker = new Worker(poolbenchPost.withToken('host_worker.js'));
  worker.onmessage = function (e) {
    if (e.data && e.data.type === 'exit') finish(e.data.code, e.data.error);
  };
  worker.onerror = function (e) {
    e.preventDefault();
    finish(1, 'worker error: ' + e.message);
  };
  worker.postMessage({args: args, page: page, program: program});
  status.textContent = 'running ' + args.join(' ');

  // The hazard the worker host avoids: the program on the page's own thread.
  // Atomics.wait throws here, so every futex wait busy-spins and the event
  // loop stalls for the whole run. A 10 ms interval timer measures the stall.
  function runOnMainThread(args, page) {
    var last = performance.now(), maxGap = 0, started = last;
    var timer = setInterval(function () {
      var now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 10);
    var postSync = poolbenchPost.sync;
    window.Module = {
      arguments: args,
      poolbenchPage: page,
      // The pthreads' workers carry the run's token on (post.js).
      locateFile: function (file, dir) { return poolbenchPost.withToken(dir + file); },
      print: function (t) { postSync('/log?stream=out', t); },
      printErr: function (t) { postSync('/log?stream=err', t); },
      onExit: function (code) {
        var now = performance.now();
        var stall = Math.max(maxGap, now - last);
        clearInterval(timer);
        var msg = 'with the program on the page\'s main thread the event loop stalled ' +
                  stall.toFixed(0) + ' ms of a ' + (now - started).toFixed(0) +
                  ' ms run (a 10 ms timer could not fire; Atomics.wait is ' +
                  (page.main_thread_atomics_wait ? 'allowed' : 'not allowed') +
                  ' here, so futex waits busy-spin)';
        postSync('/result', poolbenchRecord.record('hazard', poolbenchPost.platform, {
          hazard: 'main_thread_block', verdict: stall > 100 ? 'reproduced' : 'not reproduced',
          evidence: msg, stall_ms: stall, run_ms: now - started}));
        finish(code);
      }
    };
    var s = document.createElement('script');
    s.src = program;
    document.body.appendChild(s);
  }
})();
