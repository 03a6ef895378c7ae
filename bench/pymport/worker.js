// One worker_thread of the js_workers scenario: it loads pymport (the same
// interpreter and GIL as every other thread of the process) and, per
// message {n}, makes n synchronous calls into Python, then answers 'done'.
'use strict';
const {parentPort, workerData} = require('node:worker_threads');

try {
  const {pymport} = require(workerData.pymport);
  const sqrt = pymport('math').get('sqrt');
  parentPort.on('message', ({n}) => {
    for (let i = 0; i < n; i++) sqrt.call(2);
    parentPort.postMessage({type: 'done'});
  });
  parentPort.postMessage({type: 'ready'});
} catch (e) {
  parentPort.postMessage({type: 'error', message: String(e && e.message || e).split('\n')[0]});
}
