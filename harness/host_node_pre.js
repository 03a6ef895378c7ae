// Included before the Emscripten runtime (--pre-js, after harness/web/record.js), so these handlers run
// before the runtime's own: a fatal error becomes one "error" record in the
// run's file (written synchronously) and a one-line message, then exit 1.
if (!Module['ENVIRONMENT_IS_PTHREAD']) {
  var poolbenchFatalSeen = false;
  var poolbenchFatal = function(kind, message) {
    if (poolbenchFatalSeen) return;
    poolbenchFatalSeen = true;
    var fs = require('fs');
    var fd = Module['poolbenchSinkFd'];
    var rec = poolbenchRecord.error('node', kind, message);
    try { if (fd >= 0) fs.writeSync(fd, rec + '\n'); } catch (e) {}
    try { fs.writeSync(2, 'poolbench: fatal ' + kind + ': ' + String(message).split('\n')[0] + '\n'); } catch (e) {}
  };
  // A pthread's abort() reaches the main thread as onAbort.
  Module['onAbort'] = function(what) { poolbenchFatal('abort', 'Aborted(' + (what || '') + ')'); };
  process.on('uncaughtException', function(e) {
    if (e && e.name === 'ExitStatus') return; // a normal exit(), not an error
    poolbenchFatal('uncaught', e && e.stack || e);
    process.exit(1);
  });
}
