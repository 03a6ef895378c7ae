/* Solo: the window pool_solo.h describes, learnt from the calls that woke a
 * sleeping worker. */
#include "pool_solo.h"

#define SOLO_MIN_NS 4000000u   /* 4 ms */
#define SOLO_MAX_NS 256000000u /* 256 ms */

/* A call that woke a sleeping worker tells whether the worker ran beside the
 * caller or in its place: a woken worker placed on the caller's CPU (no
 * affinity under Wasm, and hosts that pack vCPUs) preempts the caller, runs
 * the chunks itself and spins its budget out there, so such calls pay a
 * wake-up and two context switches to run no faster than serial ones.
 * Starved = the caller ran under half its fair share. */
void pool_solo_learn(pool *p, uint64_t caller_items, size_t items) {
  if (!p->be->solo_when_starved || !atomic_load_explicit(&p->warm, RELAXED)) return;
  if (caller_items * 2 * (uint64_t)p->threads < items) {
    uint64_t w = p->solo_window_ns ? 2 * p->solo_window_ns : SOLO_MIN_NS;
    p->solo_window_ns = w < SOLO_MAX_NS ? w : SOLO_MAX_NS;
    p->solo_until_ns = plat_now_ns() + p->solo_window_ns;
  } else {
    p->solo_window_ns = 0;
    p->solo_until_ns = 0;
  }
}
