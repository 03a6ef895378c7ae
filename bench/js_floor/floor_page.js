// The page of the browser floor (floor_browser.js loads it with ?variants=
// and &reps=): two dedicated Workers of floor_worker.js on one
// SharedArrayBuffer, the lead and its partner. The page spawns both rather
// than the lead spawning its partner: nested Workers do work in both
// browsers, but Firefox with a WebDriver BiDi session attached stalls now and
// then creating a nested Worker (/work/shared/TOOLCHAIN.md), and a spinning
// thread measures the same whichever thread created it. The page's own
// thread never spins (it would block puppeteer's evaluate and the page):
// window.floorDone resolves to {results} or rejects with one line;
// window.floorStatus says what runs.
'use strict';
(function () {
  const status = document.getElementById('status');
  const say = (text) => { window.floorStatus = text; status.textContent = text; };
  window.floorDone = new Promise((resolve, reject) => {
    if (!self.crossOriginIsolated) {
      reject(new Error('the page is not cross-origin isolated: no SharedArrayBuffer (COOP/COEP headers)'));
      return;
    }
    const q = new URLSearchParams(location.search);
    const variants = (q.get('variants') || '').split(','), reps = Number(q.get('reps'));
    const sab = floorKernel.newBuffer().buffer;
    const workers = ['partner', 'lead'].map((role) => {
      const w = new Worker('floor_worker.js', {name: role});
      w.onerror = (e) => { e.preventDefault(); reject(new Error(`${role}: ${e.message || 'worker error'}`)); };
      w.onmessage = ({data}) => {
        if (data.status) say(data.status);
        else if (data.error) reject(new Error(`${role}: ${data.error}`));
        else if (data.results) resolve({results: data.results});
      };
      return w;
    });
    workers[0].postMessage({role: 'partner', sab});
    workers[1].postMessage({role: 'lead', sab, variants, reps});
    say('started');
  });
  window.floorDone.then(() => say('done'), (e) => say(`failed: ${e.message}`));
})();
