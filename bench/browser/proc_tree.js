// A local browser's processes: the one puppeteer started and its
// descendants, read from Linux's /proc (empty elsewhere).
'use strict';
const fs = require('fs');

// Map pid -> the fields of /proc/<pid>/stat after the command's ")" (state,
// ppid, ...; utime and stime are [11] and [12], in clock ticks) of rootPid
// and every process descended from it.
function processTree(rootPid) {
  const stats = new Map(), parent = new Map();
  let pids;
  try {
    pids = fs.readdirSync('/proc');
  } catch (e) {
    return stats; // no /proc
  }
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch (e) {
      continue; // ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(pid), Number(f[1]));
    stats.set(Number(pid), f);
  }
  for (const pid of [...stats.keys()]) {
    let p = pid;
    while (p && p !== rootPid) p = parent.get(p);
    if (p !== rootPid) stats.delete(pid);
  }
  return stats;
}

module.exports = {processTree};
