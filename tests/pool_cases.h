/* What the pool test cases share (test_pools.c): the backend under test,
 * a pool maker, a counting body, and the cases, grouped by what they check
 * (pool_cases_contract.c: the pool contract; pool_cases_scheduling.c: that
 * workers take part and give their CPU back; pool_cases_protocol.c: the
 * registry's rules). */
#ifndef POOLBENCH_POOL_CASES_H
#define POOLBENCH_POOL_CASES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pool.h"
#include "pool_watch.h"

extern const char *backend; /* the one under test */

pool *make(int threads, pool_mode mode);
/* Waits (bounded) until every worker is ready, so calls really run in parallel. */
void await_ready(pool *p);
/* Waits (bounded) until every worker publishes state s. */
bool await_state(pool *p, pool_worker_state s);

/* A counting body: one counter per item, bounds checked per chunk. */
typedef struct counts {
  _Atomic uint32_t *hits;
  size_t begin, end, grain;
  _Atomic int bad_chunk;
} counts;
void count_body(void *ctx, size_t b, size_t e);
counts *counts_new(size_t begin, size_t end, size_t grain);
void counts_free(counts *c);
/* Every counter equals `want`; reports the first index that does not. */
void expect_hits(counts *c, uint32_t want, const char *what);
void nop_body(void *ctx, size_t b, size_t e);

/* A case that cannot check the backend here (no pinning, one CPU, no idle
 * class) says why and returns: the run prints "skip", never "ok", and a
 * case that checked no backend at all exits 77 (ctest: skipped). */
void case_skip(const char *why);
/* The case does not apply to the backend (solo: adaptive only). */
void case_not_applicable(void);

#define POOL_CASE(name, deadline_s) void case_##name(void);
#include "pool_case_list.h"
#undef POOL_CASE

#endif
