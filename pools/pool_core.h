/* The pool's state, shared by the files of the core: pool_core.c (the
 * protocol), pool_solo.h and .c (when a call skips waking sleepers),
 * pool_query.c and pool_watch.c (what a pool reports of itself). Private to
 * pools/, like backend.h. */
#ifndef POOLBENCH_POOL_CORE_H
#define POOLBENCH_POOL_CORE_H

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

#define CACHE_LINE 64

typedef struct worker {
  alignas(CACHE_LINE) _Atomic uint32_t state; /* pool_worker_state */
  _Atomic uint32_t generation;
  /* The generation whose reserved chunk was taken last, by this worker or by
   * the caller stealing it: on the worker's own line, so taking it is a
   * local CAS unless the caller stole one lately. */
  _Atomic uint32_t taken;
  _Atomic uint64_t items;
  _Atomic uint64_t ready_ns;
  struct pool *pool;
  pthread_t thread;
  uint32_t chunk; /* its reserved chunk: index + 1 */
  bool started;
  /* gen << 32 | chunks this worker finished in that generation; alone on its
   * line, since the caller polls it. */
  alignas(CACHE_LINE) _Atomic uint64_t finished;
} worker;

struct pool {
  const pool_backend *be;
  void *bstate;
  int threads, nworkers;
  uint64_t spin_ns;
  uint64_t yield_ns; /* spinners yield this often (0: never) */
  uint64_t created_ns;
  _Atomic int home_cpu; /* the caller's CPU at its last call; workers pin after it */
  int ncpu;
  bool pin;
  worker *workers;

  /* The call: what workers spin on and what they read next, on one line, so
   * a worker learns both in one transfer. Written only by the busy holder:
   * the job, then go, then gen. */
  alignas(CACHE_LINE) pool_word gen;
  _Atomic uint64_t go; /* gen << 32 | chunks of the call */
  size_t begin, end, grain;
  pool_body body;
  void *ctx;
  alignas(CACHE_LINE) _Atomic uint64_t claim; /* gen << 32 | unreserved chunks left */
  /* The caller sleeps on it; a worker that finished and finds it asleep
   * bumps it and wakes it. */
  alignas(CACHE_LINE) pool_word done;
  alignas(CACHE_LINE) _Atomic int sleepers[2]; /* per pool_channel */
  _Atomic uint32_t sleeps[2]; /* sleeps announced so far, per pool_channel */
  _Atomic bool warm;
  _Atomic bool stop;
  _Atomic int ready; /* workers that reached their loop */

  alignas(CACHE_LINE) _Atomic uint32_t busy;
  _Atomic uint32_t caller; /* pool_caller_state */
  /* Stats written only by the busy holder (plain load+store, no lock prefix)
   * and by inline callers (atomic add): separate so neither loses counts. */
  _Atomic uint64_t par_calls, par_items, par_caller_items;
  _Atomic uint64_t inl_calls, inl_items;
  _Atomic uint64_t wakes;
  uint32_t woken_sleeps;    /* sleeps[POOL_CH_WORK] when the caller woke them all */
  uint64_t solo_until_ns;   /* calls before this do not wake sleepers (0: none) */
  uint64_t solo_window_ns;  /* the last solo window (0: the last probe helped) */
  uint32_t reserved_gen;    /* the generation of the last call that reserved chunks */
};

#define RELAXED memory_order_relaxed
#define ACQUIRE memory_order_acquire
#define RELEASE memory_order_release

/* Sequentially consistent loads: with the sleeper count they form the
 * store-load pair that no lost wake-up can slip through (pool_core.c's
 * notify_caller). */
static inline uint32_t finished_in(const worker *w, uint32_t g) {
  uint64_t f = atomic_load((_Atomic uint64_t *)&w->finished);
  return (uint32_t)(f >> 32) == g ? (uint32_t)f : 0;
}

#endif
