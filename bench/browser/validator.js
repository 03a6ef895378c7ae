// The record check of the browser run's server: the project's one record
// contract (records/check.py) in a child process, fed one line at a time.
// `check.py stream --platform P FILE` learns FILE's state, then answers each
// line on stdin with one line: "ok" (the caller appends the line to FILE) or
// "error FILE:LINE: what". Lines go through it one at a time, in the order
// they arrived, so its line count and the file always agree.
'use strict';
const {spawn} = require('child_process');
const fs = require('fs');
const path = require('path');

const RECORDS_PY = path.join(__dirname, '..', '..', 'records', 'check.py');
const ANSWER_MS = 30000; // a validator silent this long is taken for dead

// Returns {check(line) -> Promise<{status, text}>, close()}: status 200 once
// the line is valid and appended, 400 with the reason when it is not, 500
// when the validator is gone (onDeath(reason) was told why, once).
function startValidator({platform, records, onDeath, command}) {
  const argv = command || ['python3', RECORDS_PY, 'stream', '--platform', platform, records];
  const child = spawn(argv[0], argv.slice(1), {stdio: ['pipe', 'pipe', 'pipe']});
  let dead = null, stderrTail = '', buffered = '', waiting = null, queue = Promise.resolve();

  function die(reason) {
    if (dead) return;
    dead = reason;
    child.kill('SIGKILL');
    if (waiting) waiting(null);
    onDeath(reason);
  }
  child.on('error', (e) => die(`the record validator could not start (${argv[0]}: ${e.message})`));
  child.on('close', (code, signal) => {
    const why = stderrTail.trim().split('\n').pop();
    die(`the record validator (records/check.py stream) exited (${signal || 'code ' + code})` + (why ? `: ${why}` : ''));
  });
  child.stdin.on('error', () => {}); // a dead child: reported by 'exit'
  child.stderr.on('data', (d) => { stderrTail = (stderrTail + d).slice(-2000); });
  child.stdout.on('data', (d) => {
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const answer = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!waiting) return die(`the record validator said '${answer.slice(0, 200)}' unasked`);
      waiting(answer);
    }
  });

  function ask(line) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => die(`the record validator did not answer within ${ANSWER_MS / 1000} s`),
                               ANSWER_MS);
      waiting = (answer) => { clearTimeout(timer); waiting = null; resolve(answer); };
      child.stdin.write(line + '\n');
    });
  }

  async function checkNow(line) {
    if (dead) return {status: 500, text: dead};
    const answer = await ask(line);
    if (answer === null) return {status: 500, text: dead};
    if (answer === 'ok') {
      try {
        fs.appendFileSync(records, line + '\n');
      } catch (e) {
        // The validator counted a line the file lacks: its state is wrong now.
        die(`cannot append to ${records}: ${e.message}`);
        return {status: 500, text: dead};
      }
      return {status: 200, text: 'ok'};
    }
    if (answer.startsWith('error ')) return {status: 400, text: answer.slice(6)};
    die(`the record validator answered '${answer.slice(0, 200)}' (want 'ok' or 'error ...')`);
    return {status: 500, text: dead};
  }

  return {
    check(line) {
      const result = queue.then(() => checkNow(line));
      queue = result.catch(() => {});
      return result;
    },
    alive() { return !dead; },
    reason() { return dead; },
    close() {
      if (!dead) { dead = 'the server closed'; child.kill('SIGKILL'); }
    },
  };
}

module.exports = {startValidator};
