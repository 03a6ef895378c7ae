// The engine's floor: the hand-offs of poolbench's Wasm scenarios written in
// plain JS on an Int32Array over a SharedArrayBuffer, no C, no Wasm. One
// thread leads (times batches), one partner serves. Plain JS on purpose: the
// same file runs in a Node worker_thread (require) and in a browser Worker
// (importScripts); the clock is passed in (performance.now in both).
//   rt_seqcst       ping-pong, Atomics.store + spin on Atomics.load (as the
//                   Wasm pingpong: i32.atomic.store is seq-cst, xchg on x86)
//   rt_plain        the same with plain typed-array stores (a mov on x86):
//                   whether the seq-cst store explains a round trip above native's
//   forkjoin        P = 2: the caller bumps a go word, the worker claims its
//                   item (Atomics.add), runs nothing, adds to done; the caller
//                   claims and runs its own, spins until done == P - 1
//   forkjoin_clock  the same with one clock read per call in the caller's spin
//                   path (its deadline): what a clock read costs there
'use strict';
(function (root) {
  const LINE = 16; // Int32 words per 64-byte cache line: each word has its own
  const CMD = 0, ACK = LINE, PING = 2 * LINE, PONG = 3 * LINE, GO = 4 * LINE,
        CLAIM = 5 * LINE, DONE = 6 * LINE;
  const WORDS = 8 * LINE; // a spare line at the end: no neighbour shares DONE's
  const VARIANTS = ['rt_seqcst', 'rt_plain', 'forkjoin', 'forkjoin_clock'];
  const STOP = -1;     // in PING or GO: the partner leaves its serving loop
  const QUIT = -1;     // in CMD: the partner returns
  const STUCK_MS = 5000; // a spin waiting this long is a fault, not a wait
  const POLLS = 1023;  // the clock is read once every POLLS + 1 polls only
  const IDLE_MS = 60000; // the partner waits this long at most for a command
  const BATCH_MS = 1;  // a timed batch lasts at least this long (5 us clock step
                       // in Chromium: <= 0.5% of a batch)
  const BATCH_MAX = 1 << 24;
  const WARM_N = 1024, WARM_BATCHES = 5, WARM_MS = 100; // >= 5 batches and 100 ms

  class Stuck extends Error {}

  function stuck(who, what) {
    return new Stuck(`${who} waited ${STUCK_MS / 1000} s for ${what}`);
  }

  // Every spin below polls without reading the clock; from the POLLS+1-th
  // poll on it reads it once per POLLS+1, so a short wait costs nothing and
  // a stuck one ends after STUCK_MS.

  // The lead's batches: n iterations from sequence number seq; returns the
  // last one used. Sequence numbers stay positive (STOP is -1).
  function leadRt(a, seq, n, now, plain) {
    const end = seq + n;
    while (seq < end) {
      const s = ++seq;
      if (plain) a[PING] = s; else Atomics.store(a, PING, s);
      let polls = 0, t0 = -1;
      while (Atomics.load(a, PONG) !== s) {
        if ((++polls & POLLS) === 0) {
          const t = now();
          if (t0 < 0) t0 = t;
          else if (t - t0 > STUCK_MS) throw stuck('the lead', `the partner's pong ${s}`);
        }
      }
    }
    return seq;
  }

  function leadForkjoin(a, seq, n, now, clock) {
    const end = seq + n;
    while (seq < end) {
      const k = ++seq;
      Atomics.store(a, GO, k);
      Atomics.add(a, CLAIM, 1); // the caller's own item: claimed, nothing run
      let polls = 0, t0 = clock ? now() : -1;
      while (Atomics.load(a, DONE) !== k) { // done counts up: P - 1 = 1 per call
        if ((++polls & POLLS) === 0) {
          const t = now();
          if (t0 < 0) t0 = t;
          else if (t - t0 > STUCK_MS) throw stuck('the caller', `the worker's done of call ${k}`);
        }
      }
    }
    return seq;
  }

  function leadBatch(variant, a, seq, n, now) {
    switch (variant) {
      case 'rt_seqcst': return leadRt(a, seq, n, now, false);
      case 'rt_plain': return leadRt(a, seq, n, now, true);
      case 'forkjoin': return leadForkjoin(a, seq, n, now, false);
      default: return leadForkjoin(a, seq, n, now, true);
    }
  }

  // The partner's side of a variant, until the lead writes STOP.
  function serveRt(a, now, plain, variant) {
    let last = 0;
    for (;;) {
      let v, polls = 0, t0 = -1;
      while ((v = Atomics.load(a, PING)) === last) {
        if ((++polls & POLLS) === 0) {
          const t = now();
          if (t0 < 0) t0 = t;
          else if (t - t0 > STUCK_MS) throw stuck('the partner', `ping ${last + 1} of ${variant}`);
        }
      }
      if (v === STOP) return;
      if (plain) a[PONG] = v; else Atomics.store(a, PONG, v);
      last = v;
    }
  }

  function serveForkjoin(a, now, variant) {
    let last = 0;
    for (;;) {
      let v, polls = 0, t0 = -1;
      while ((v = Atomics.load(a, GO)) === last) {
        if ((++polls & POLLS) === 0) {
          const t = now();
          if (t0 < 0) t0 = t;
          else if (t - t0 > STUCK_MS) throw stuck('the worker', `call ${last + 1} of ${variant}`);
        }
      }
      if (v === STOP) return;
      Atomics.add(a, CLAIM, 1); // its item: claimed, nothing run
      Atomics.add(a, DONE, 1);
      last = v;
    }
  }

  // Spins until a[i] === want, bounded (the hand-shakes around a variant).
  function await_(a, i, want, now, who, what) {
    const t0 = now();
    while (Atomics.load(a, i) !== want) {
      if (now() - t0 > STUCK_MS) throw stuck(who, what);
    }
  }

  // The partner thread's whole life: waits (Atomics.wait, not a spin) for
  // a command, serves that variant until STOP, acknowledges, again until QUIT.
  // Throws on a stuck wait (its message says what it waited for).
  function partner(a, now) {
    let cmd = 0;
    for (;;) {
      const t0 = now();
      while (Atomics.load(a, CMD) === cmd) {
        Atomics.wait(a, CMD, cmd, 1000);
        if (now() - t0 > IDLE_MS) throw new Stuck(`the partner waited ${IDLE_MS / 1000} s for a command`);
      }
      cmd = Atomics.load(a, CMD);
      if (cmd === QUIT) return;
      const variant = VARIANTS[(cmd & 15) - 1];
      Atomics.store(a, ACK, cmd);
      if (variant === 'rt_seqcst' || variant === 'rt_plain') serveRt(a, now, variant === 'rt_plain', variant);
      else serveForkjoin(a, now, variant);
      Atomics.store(a, ACK, -cmd);
    }
  }

  // The lead thread: each variant with the partner serving it. Per variant:
  // a warm-up that sizes the batch n to last BATCH_MS, then `reps` batches,
  // each timed by one clock-read pair. Returns
  // [{variant, batch: n, samples: ns per iteration of each batch}]; the
  // caller discards the first (floor_stats.js). onVariant(name) says which
  // runs. On a throw the partner is told to quit.
  function lead(a, now, variants, reps, onVariant = () => {}) {
    const out = [];
    let gen = 0;
    try {
      for (const variant of variants) {
        if (!VARIANTS.includes(variant)) throw new Error(`no variant ${JSON.stringify(variant)}`);
        onVariant(variant);
        const cmd = ++gen * 16 + VARIANTS.indexOf(variant) + 1;
        for (const i of [PING, PONG, GO, CLAIM, DONE]) Atomics.store(a, i, 0);
        Atomics.store(a, CMD, cmd);
        Atomics.notify(a, CMD);
        await_(a, ACK, cmd, now, 'the lead', `the partner to start ${variant}`);
        // Warm-up (the JIT's top tier compiles on a background thread that
        // takes one of the two cores meanwhile), then n from the fastest
        // warm-up batch: a batch slowed by a preemption would size n too small.
        let seq = 0, fastest = Infinity;
        const w0 = now();
        for (let b = 0; b < WARM_BATCHES || now() - w0 < WARM_MS; b++) {
          const t0 = now();
          seq = leadBatch(variant, a, seq, WARM_N, now);
          fastest = Math.min(fastest, (now() - t0) / WARM_N);
        }
        const n = Math.min(BATCH_MAX, Math.max(WARM_N, Math.ceil(BATCH_MS / Math.max(fastest, 1e-6))));
        const samples = [];
        for (let r = 0; r < reps; r++) {
          const t0 = now();
          seq = leadBatch(variant, a, seq, n, now);
          samples.push((now() - t0) * 1e6 / n);
        }
        Atomics.store(a, variant.startsWith('rt_') ? PING : GO, STOP);
        await_(a, ACK, -cmd, now, 'the lead', `the partner to end ${variant}`);
        out.push({variant, batch: n, samples});
      }
    } finally {
      quit(a);
    }
    return out;
  }

  // Ends the partner wherever it is: serving (STOP) or idle (QUIT).
  function quit(a) {
    Atomics.store(a, PING, STOP);
    Atomics.store(a, GO, STOP);
    Atomics.store(a, CMD, QUIT);
    Atomics.notify(a, CMD);
  }

  function newBuffer() {
    return new Int32Array(new SharedArrayBuffer(WORDS * 4));
  }

  const api = {VARIANTS, Stuck, lead, partner, quit, newBuffer};
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.floorKernel = api;
})(typeof self !== 'undefined' ? self : globalThis);
