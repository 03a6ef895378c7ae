// The runners' command line: the options both take (--variant, --reps,
// --json, --help) and a runner's own (`own`: name -> how to read its value).
// A bad one is one line on stderr and exit 2; values are quoted in it.
'use strict';
const {quoted} = require('../browser/quote');
const {VARIANTS} = require('./floor_kernel');

const REPS_DEFAULT = 11; // the first is discarded: the median is of 10

function usageError(prog, msg) {
  process.stderr.write(`${prog}: ${msg}\n`);
  process.exit(2);
}

// argv: process.argv.slice(2). own: {'--name': {key, parse(value) -> value
// or throws Error(message)}}. Returns {variants, reps, json, ...own keys}.
function parseOptions(prog, usage, argv, own = {}) {
  const o = {variants: VARIANTS.slice(), reps: REPS_DEFAULT, json: false};
  const takes = {
    '--variant': {key: 'variants', parse: variantList},
    '--reps': {key: 'reps', parse: reps},
    ...own,
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i], v;
    if (a === '--help' || a === '-h') { process.stdout.write(usage + '\n'); process.exit(0); }
    if (a === '--json') { o.json = true; continue; }
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const spec = takes[a];
    if (!spec) usageError(prog, `unknown option ${quoted(argv[i])} (see --help)`);
    if (v === undefined) {
      if (i + 1 >= argv.length) usageError(prog, `${a} needs a value (see --help)`);
      v = argv[++i];
    }
    try {
      o[spec.key] = spec.parse(v);
    } catch (e) {
      usageError(prog, `${a} ${quoted(v)}: ${e.message}`);
    }
  }
  return o;
}

function variantList(v) {
  const list = v.split(',');
  for (const name of list) {
    if (!VARIANTS.includes(name)) throw new Error(`no variant ${quoted(name)} (${VARIANTS.join(', ')})`);
  }
  return [...new Set(list)];
}

function reps(v) {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n < 2 || n > 1000) throw new Error('must be a whole number from 2 to 1000 (the first is discarded)');
  return n;
}

module.exports = {parseOptions, usageError, REPS_DEFAULT};
