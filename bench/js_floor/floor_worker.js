// One thread of the browser floor: told its role by the page (floor_page.js),
// it runs floor_kernel.js's lead or partner and posts back the lead's
// results, its progress ({status}) or a failure ({error}: one line).
'use strict';
importScripts('floor_kernel.js');
self.onmessage = ({data}) => {
  const a = new Int32Array(data.sab), now = () => performance.now();
  let variant = null;
  try {
    if (data.role === 'partner') {
      floorKernel.partner(a, now);
    } else {
      const results = floorKernel.lead(a, now, data.variants, data.reps, (v) => {
        variant = v;
        self.postMessage({status: `running ${v}`});
      });
      self.postMessage({results});
    }
  } catch (e) {
    if (data.role === 'lead') floorKernel.quit(a);
    self.postMessage({error: `${variant ? variant + ': ' : ''}${String(e && e.message || e).split('\n')[0]}`});
  }
};
