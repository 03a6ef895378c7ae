// Included before the Emscripten runtime (--pre-js) in every worker of the
// browser build: the program's own and each pthread's. An uncaught error in
// any of them is reported to the local server synchronously, from that worker:
// one "error" record in the run's file, then the run's exit, so a dead pthread
// cannot leave the driver waiting while the program's thread blocks.
if (typeof importScripts === 'function') {
  self.addEventListener('error', function(ev) {
    var msg = String(ev && ev.message || 'uncaught error');
    var rec = {type: 'error', platform: 'chrome', scenario: 'uncaught', backend: null,
               mode: null, message: msg};
    try {
      var x = new XMLHttpRequest();
      x.open('POST', '/result', false);
      x.send(JSON.stringify(rec));
      var y = new XMLHttpRequest();
      y.open('POST', '/exit?code=1', false);
      y.send(msg);
    } catch (e) {}
  });
}
