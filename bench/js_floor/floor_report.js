// A runner's output: per variant the median of its kept batches and the 95%
// interval (floor_stats.js), as one JSON line each (--json) or a line of text.
'use strict';
const {medianCi} = require('./floor_stats');

// engine: node, chrome or firefox; version: its own words for its version;
// raw: what floor_kernel.js's lead returned.
function summarize(engine, version, raw) {
  return raw.map(({variant, batch, samples}) => {
    const m = medianCi(samples);
    const r = (x) => Math.round(x * 10) / 10;
    return {engine, version, variant, median_ns: r(m.median), ci_lo: r(m.lo), ci_hi: r(m.hi),
            reps: m.n, coverage: Math.round(m.coverage * 1000) / 1000, batch};
  });
}

function print(rows, json) {
  for (const x of rows) {
    process.stdout.write(json ? JSON.stringify(x) + '\n' :
      `${x.engine} ${x.variant.padEnd(15)} ${x.median_ns.toFixed(1).padStart(8)} ns ` +
      `[${x.ci_lo.toFixed(1)}, ${x.ci_hi.toFixed(1)}] (${x.reps} batches of ${x.batch}, ` +
      `interval coverage ${(x.coverage * 100).toFixed(1)}%)\n`);
  }
}

module.exports = {summarize, print};
