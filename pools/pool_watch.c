/* What a watchdog reads of a running pool (pool_watch.h): the words and
 * states the core publishes, and their names. */
#include "pool_core.h"
#include "pool_watch.h"

int pool_worker(const pool *p, int i, pool_worker_info *out) {
  if (!p || !out || i < 0 || i >= p->nworkers) return POOL_EINVAL;
  worker *w = &p->workers[i];
  out->state = (pool_worker_state)atomic_load_explicit(&w->state, RELAXED);
  out->generation = atomic_load_explicit(&w->generation, RELAXED);
  out->items = atomic_load_explicit(&w->items, RELAXED);
  out->ready_ns = atomic_load_explicit(&w->ready_ns, RELAXED);
  return POOL_OK;
}

void pool_words(const pool *p, uint32_t *generation, uint32_t *done) {
  pool *q = (pool *)p;
  if (generation) *generation = q ? atomic_load_explicit(&q->gen, RELAXED) : 0;
  if (!done) return;
  *done = 0;
  if (!q) return;
  uint32_t g = atomic_load_explicit(&q->gen, RELAXED);
  for (int i = 0; i < q->nworkers; i++) *done += finished_in(&q->workers[i], g);
}

pool_caller_state pool_caller(const pool *p) {
  return p ? (pool_caller_state)atomic_load_explicit(&((pool *)p)->caller, RELAXED)
           : POOL_CALLER_IDLE;
}

const char *pool_caller_state_name(pool_caller_state s) {
  static const char *const names[] = {"idle", "running chunks", "waiting for workers"};
  return (unsigned)s < sizeof names / sizeof *names ? names[s] : "unknown";
}

const char *pool_worker_state_name(pool_worker_state s) {
  static const char *const names[] = {"starting", "idle-spinning",
                                      "idle-sleeping", "working", "done"};
  return (unsigned)s < sizeof names / sizeof *names ? names[s] : "unknown";
}
