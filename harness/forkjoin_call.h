/* What the two fork-join scenarios (scenario_forkjoin.c,
 * scenario_forkjoin_spaced.c) share: the call they time. N = P items, one
 * per chunk; each item marks its arrival and waits until all P have started,
 * so every thread joins every call. A pool that cannot bring every thread in
 * records that, never a time. */
#ifndef POOLBENCH_FORKJOIN_CALL_H
#define POOLBENCH_FORKJOIN_CALL_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "call_clock.h"
#include "scenarios.h"

typedef struct fj_ctx {
  pool *p;
  const call_clock *clock;        /* the session's per-call clock */
  int threads;
  bool stamp;                     /* read the clock in the items (timed calls) */
  uint64_t yield_ns;              /* a waiting item gives its CPU away this often */
  atomic_bool failed;             /* a wait timed out: no more waiting */
  atomic_int arrived_at_failure;  /* what that wait saw */
  /* Items started so far, over all calls: call k is complete at k * P, so
   * no call resets it (a reset store by the caller would wait for the line
   * the last item took). Alone on its line: every item RMWs it and waits on
   * it, the scenario's own price, which sharing a line would raise. */
  alignas(64) _Atomic uint64_t arrived;
  alignas(64) _Atomic uint64_t last_arrival; /* when the P-th item started */
  _Atomic uint64_t last_end;      /* the latest item end */
} fj_ctx;

typedef struct fj_run {
  fj_ctx f;
  size_t calls;
  double *lat, *fork, *join; /* per single call */
} fj_run;

/* Sets up a run of `scenario` on t: its pool (NULL, after the error record,
 * when it cannot) and room for the single calls. fj_end undoes it, also
 * after a NULL. */
pool *fj_begin(harness *h, const target *t, const char *scenario, fj_run *r);
void fj_end(harness *h, fj_run *r);

/* One call (calls never overlap); fj_batch is a harness_measure batch of
 * them. */
void fj_call(fj_ctx *f);
void fj_batch(void *ctx, uint64_t iters);
/* One call timed alone: its time, and from the items' stamps the fork (call
 * start -> the last arrival) and the join (the last end -> return). */
double fj_timed_call(fj_ctx *f, double *fork, double *join);

#define FJ_EXTRAS 3
/* worker_share from the stats delta, fork_ns/join_ns medians of the n calls'
 * stamps (null where threads share no clock: a browser without the counter
 * clock). Returns false, after the error record, when a call did not bring
 * every thread in. */
bool fj_extras(harness *h, const target *t, const char *scenario, fj_ctx *f,
               const pool_stats_t *a, const pool_stats_t *b, double *fork, double *join,
               size_t n, harness_extra *ex);

#endif
