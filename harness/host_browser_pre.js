// Included before the Emscripten runtime (--pre-js) in every worker of the
// browser build: the program's own and each pthread's. Each loads the posting
// helper (harness/web/post.js: the run's token, from the worker's own URL)
// and the record builder (harness/web/record.js).
// An uncaught error in any of them is reported to the local server
// synchronously, from that worker: one "error" record in the run's file, then
// the run's exit, so a dead pthread cannot leave the driver waiting while the
// program's thread blocks.
if (typeof importScripts === 'function') {
  if (!self.poolbenchPost) importScripts('post.js');
  if (!self.poolbenchRecord) importScripts('record.js');
  self.addEventListener('error', function(ev) {
    var msg = String(ev && ev.message || 'uncaught error');
    poolbenchPost.sync('/result', poolbenchRecord.error(poolbenchPost.platform, 'uncaught', msg));
    poolbenchPost.sync('/exit?code=1', msg);
  });
}
