// The records the JavaScript hosts write themselves (an uncaught error, the
// main-thread hazard's verdict, a deadline's watchdog record), built in one
// place: type and platform first, as the C harness writes them, and the
// fields each type always carries. A classic script, so every host can load
// it: <script>, importScripts(), Emscripten's --pre-js (self.poolbenchRecord
// or the global poolbenchRecord) or Node's require (its poolbenchRecord export).
(function (g) {
  'use strict';

  function record(type, platform, fields) {
    var rec = {type: type, platform: platform};
    for (var k in fields) rec[k] = fields[k];
    return JSON.stringify(rec);
  }

  var api = {
    // type and platform, then `fields`: one JSON line without its newline.
    record: record,
    // A failure the program could not record itself: no backend or mode ran.
    error: function (platform, scenario, message) {
      return record('error', platform, {scenario: scenario, backend: null, mode: null,
                                        message: String(message)});
    },
    // Pyodide ran past the deadline (one thread: no watchdog of its own).
    // `step` is the host's free text of what it was doing, so it goes in
    // `caller`; `scenario` must be a name.
    watchdog: function (platform, step, deadline_s, elapsed_s) {
      return record('watchdog', platform, {scenario: 'pyodide', backend: 'pyodide', mode: 'default',
                                           deadline_s: deadline_s, elapsed_s: elapsed_s, caller: step});
    }
  };
  g.poolbenchRecord = api;
  if (typeof exports === 'object' && exports) exports.poolbenchRecord = api;
})(typeof self !== 'undefined' ? self : globalThis);
