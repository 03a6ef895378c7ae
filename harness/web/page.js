// The page: checks cross-origin isolation, measures what only the main
// thread can (performance.now() step, whether Atomics.wait is allowed here),
// then starts the program in a dedicated worker and relays how it ended.
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var status = document.getElementById('status');

  function finish(code, message) {
    status.textContent = 'exit ' + code + (message ? ': ' + message : '');
    fetch('/exit?code=' + code, {method: 'POST', body: message || ''});
  }

  if (!self.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') {
    finish(3, 'the page is not cross-origin isolated (no SharedArrayBuffer): serve it with ' +
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
  var args;
  try {
    args = JSON.parse(params.get('args') || '[]');
  } catch (e) {
    finish(2, 'bad args parameter: ' + e.message);
    return;
  }
  var worker = new Worker('host_worker.js');
  worker.onmessage = function (e) {
    if (e.data && e.data.type === 'exit') finish(e.data.code, e.data.error);
  };
  worker.onerror = function (e) {
    e.preventDefault();
    finish(1, 'worker error: ' + e.message);
  };
  worker.postMessage({
    args: args,
    page: {browser: params.get('browser'), performance_now_step_us: step * 1000,
           main_thread_atomics_wait: mainWait}
  });
  status.textContent = 'running ' + args.join(' ');
})();
