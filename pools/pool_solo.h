/* Solo: when a call skips waking sleeping workers (backends with
 * `solo_when_starved`; pool_core.c asks before each call, pool_solo.c learns
 * from each call that woke). After a call whose woken worker ran in the
 * caller's place, calls do not wake sleeping workers for a window of 4 ms (a
 * frame's burst of calls, and time for the kernel to move the worker to a CPU
 * of its own), doubling while each call that wakes again (a probe) finds the
 * same, up to a quarter second between probes. A solo call that runs longer
 * than SOLO_CALL_NS wakes the workers after all, so a long call loses at most
 * that much help. */
#ifndef POOLBENCH_POOL_SOLO_H
#define POOLBENCH_POOL_SOLO_H

#include "platform.h"
#include "pool_core.h"

#define SOLO_CALL_NS 1000000u /* 1 ms */

/* Inline: asked on every call's path. */
static inline bool pool_solo_now(const pool *p) {
  return p->solo_until_ns && atomic_load_explicit(&p->warm, RELAXED) &&
         atomic_load(&p->sleepers[POOL_CH_WORK]) > 0 && plat_now_ns() < p->solo_until_ns;
}

/* After a call that woke a sleeping worker: opens, doubles or closes the
 * window. */
void pool_solo_learn(pool *p, uint64_t caller_items, size_t items);

#endif
