/* What a pool reports of itself through pool.h: its settings, readiness,
 * stats and error strings. */
#include <string.h>

#include "platform.h"
#include "pool_core.h"

bool pool_is_warm(const pool *p) {
  return p && atomic_load_explicit(&((pool *)p)->warm, RELAXED);
}

int pool_threads(const pool *p) { return p ? p->threads : 0; }

uint64_t pool_spin_budget_ns(const pool *p) { return p ? p->spin_ns : 0; }

int pool_ready_threads(const pool *p) {
  if (!p) return 0;
  int workers = atomic_load_explicit(&((pool *)p)->ready, ACQUIRE);
  return 1 + workers + (p->threads - 1 - p->nworkers); /* run-backends: all */
}

int pool_await_ready(const pool *p, uint64_t timeout_ns) {
  if (!p) return POOL_EINVAL;
  uint64_t until = plat_now_ns() + timeout_ns;
  while (pool_ready_threads(p) < p->threads) {
    if (plat_now_ns() >= until) return POOL_ETIMEDOUT;
    plat_sleep_ns(50000);
  }
  return POOL_OK;
}

const char *pool_backend_name(const pool *p) { return p ? p->be->name : NULL; }

uint64_t pool_created_ns(const pool *p) { return p ? p->created_ns : 0; }

void pool_stats(const pool *p, pool_stats_t *out) {
  if (!out) return;
  memset(out, 0, sizeof *out);
  if (!p) return;
  pool *q = (pool *)p;
  uint64_t inl = atomic_load_explicit(&q->inl_calls, RELAXED);
  uint64_t inl_items = atomic_load_explicit(&q->inl_items, RELAXED);
  out->calls = atomic_load_explicit(&q->par_calls, RELAXED) + inl;
  out->inline_calls = inl;
  out->items = atomic_load_explicit(&q->par_items, RELAXED) + inl_items;
  /* Inline calls run on their caller, but not necessarily on the submitter:
   * caller_items counts the items run by whoever called. */
  out->caller_items = atomic_load_explicit(&q->par_caller_items, RELAXED) + inl_items;
  out->wakes = atomic_load_explicit(&q->wakes, RELAXED);
}

const char *pool_strerror(int err) {
  switch (err) {
    case POOL_OK: return "success";
    case POOL_EBACKEND: return "unknown backend (see pool_backend_at for the list)";
    case POOL_ETHREADS: return "threads must be between 1 and 256";
    case POOL_ERANGE: return "begin must not exceed end";
    case POOL_EINVAL: return "NULL pool, body or output pointer";
    case POOL_ENOMEM: return "out of memory";
    case POOL_ESPAWN: return "could not create a worker thread";
    case POOL_EUNSUPPORTED: return "backend not available on this platform";
    case POOL_ETIMEDOUT: return "the pool's threads were not ready in time";
    case POOL_EPROTOCOL:
      return "backend breaks pools/backend.h: it needs both wait and wake, or run and neither, and a name and description";
    default: return "unknown error";
  }
}
