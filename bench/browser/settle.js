// Waits until the machine is quiet before a measurement starts. Chromium keeps
// a CPU or more busy for a second or two after launch (its browser, GPU and
// first renderer processes starting up); on a 2-CPU machine a ping-pong
// partner started meanwhile gets time-sliced with them, and its round trips
// measure Chromium's start instead of the platform.
'use strict';
const fs = require('fs');

// Busy CPUs (0..ncpu) since the previous reading of /proc/stat's "cpu" line.
function cpuReader() {
  let prev = null;
  return () => {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] || 0), total = f.reduce((a, b) => a + b, 0);
    const out = prev && total > prev.total ? (1 - (idle - prev.idle) / (total - prev.total)) : null;
    prev = {idle, total};
    return out;
  };
}

// Resolves {waitedMs, busy} once a window of windowMs had less than maxBusy
// CPUs' worth of work (on any CPU: the fraction is of the whole machine), or
// after maxMs with the last reading; without /proc/stat it waits maxMs / 2.
async function settle({maxMs = 5000, windowMs = 250, maxBusyCpus = 0.2} = {}) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const t0 = Date.now();
  let read;
  try {
    read = cpuReader();
    read();
  } catch (e) {
    await sleep(maxMs / 2);
    return {waitedMs: Date.now() - t0, busy: null};
  }
  const ncpu = require('os').cpus().length || 1;
  let busy = null;
  while (Date.now() - t0 < maxMs) {
    await sleep(windowMs);
    busy = read() * ncpu;
    if (busy < maxBusyCpus) break;
  }
  return {waitedMs: Date.now() - t0, busy};
}

module.exports = {settle};
