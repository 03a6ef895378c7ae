// The program's own thread: a dedicated worker, where blocking is allowed.
// Output lines go to the local server synchronously (they reach the driver's
// stdout/stderr); the exit code goes back to the page.
self.onmessage = function (e) {
  'use strict';
  var msg = e.data;
  function post(path, text) {
    var x = new XMLHttpRequest();
    x.open('POST', path, false);
    x.send(text);
  }
  self.Module = {
    arguments: msg.args,
    // Inside a worker the runtime would take this script's URL for pthreads.
    mainScriptUrlOrBlob: new URL(msg.program, self.location.href).href,
    poolbenchPage: msg.page,
    print: function (t) { post('/log?stream=out', t); },
    printErr: function (t) { post('/log?stream=err', t); },
    onExit: function (code) { self.postMessage({type: 'exit', code: code}); },
    onAbort: function (what) {
      // The record first, synchronously: the exit below ends the run, and a
      // pthread's own error report may not have reached the server yet.
      var msg = 'Aborted(' + (what || '') + ')';
      post('/result', JSON.stringify({type: 'error', platform: 'chrome', scenario: 'abort',
                                      backend: null, mode: null, message: msg}));
      self.postMessage({type: 'exit', code: 1, error: msg});
    }
  };
  importScripts(msg.program);
};
