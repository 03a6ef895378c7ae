// A browser sets its threads' niceness itself (Chromium: 0 for its Web
// Workers, -8 for the compositor), so the priority the driver was started
// with (make bench: nice -20 where permitted) never reaches the threads that
// run the benchmark. While a run lasts, the driver holds every thread of
// the browser's process tree at its own niceness, checking twice a second:
// threads come and go, and a browser may set one again.
'use strict';
const fs = require('fs');
const os = require('os');
const {processTree} = require('./proc_tree');

const EVERY_MS = 500;

// Starts holding rootPid's tree at `nice`; returns the function that stops.
// Nothing to hold where the driver runs at the default priority or above it,
// or without /proc.
function holdPriority(rootPid, nice = os.getPriority()) {
  if (!(nice < 0) || !rootPid || !fs.existsSync('/proc/self/task')) return () => {};
  const tick = () => {
    for (const pid of processTree(rootPid).keys()) {
      let tids;
      try {
        tids = fs.readdirSync(`/proc/${pid}/task`);
      } catch (e) {
        continue; // ended meanwhile
      }
      for (const tid of tids.map(Number)) {
        try {
          // Linux: a thread id names one thread to get/setpriority.
          if (os.getPriority(tid) > nice) os.setPriority(tid, nice);
        } catch (e) {
          // the thread ended meanwhile
        }
      }
    }
  };
  tick();
  const timer = setInterval(tick, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

module.exports = {holdPriority};
