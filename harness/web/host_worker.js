// The program's own thread: a dedicated worker, where blocking is allowed.
// Output lines go to the local server synchronously (they reach the driver's
// stdout/stderr); the exit code goes back to the page.
self.onmessage = function (e) {
  'use strict';
  var msg = e.data;
  importScripts('post.js', 'record.js');
  var post = poolbenchPost.sync;
  self.Module = {
    arguments: msg.args,
    // Inside a worker the runtime would take this script's URL for pthreads.
    // Every pthread's worker is started from a URL carrying the run's token
    // (post.js): locateFile names Emscripten 3.1's pthread script,
    // mainScriptUrlOrBlob is what later versions start pthreads from.
    mainScriptUrlOrBlob: poolbenchPost.withToken(new URL(msg.program, self.location.href).href),
    locateFile: function (file, dir) { return poolbenchPost.withToken(dir + file); },
    poolbenchPage: msg.page,
    // Each line also to the page, which may show it (make serve's progress).
    print: function (t) { post('/log?stream=out', t); self.postMessage({type: 'out', text: t}); },
    printErr: function (t) { post('/log?stream=err', t); self.postMessage({type: 'err', text: t}); },
    onExit: function (code) { self.postMessage({type: 'exit', code: code}); },
    onAbort: function (what) {
      // The record first, synchronously: the exit below ends the run, and a
      // pthread's own error report may not have reached the server yet.
      var msg = 'Aborted(' + (what || '') + ')';
      post('/result', poolbenchRecord.error(poolbenchPost.platform, 'abort', msg));
      self.postMessage({type: 'exit', code: 1, error: msg});
    }
  };
  importScripts(msg.program);
};
