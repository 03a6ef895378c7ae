/* poolbench pools: one interface for every thread pool under test.
 *
 * The pool contract, stated here and nowhere else. Every backend honours it;
 * the core (pool_core.c) implements it once for all of them:
 *   - a pool of `threads` runs on that many threads: the caller plus
 *     threads-1 workers (the core's, or those of the backend's own runtime;
 *     serial runs every call on its caller alone);
 *   - pool_parallel_for runs every item of [begin, end) exactly once, as
 *     body(ctx, b, e) on chunks of `grain` consecutive items (the last may be
 *     shorter; grain 0 picks about four chunks per thread, and a grain that
 *     would make more than 2^31 - 1 chunks is raised to fit), in any order on
 *     any of the pool's threads; it returns once every chunk has run, the
 *     bodies' writes visible to the caller;
 *   - the caller always takes part in the work;
 *   - a nested call (from inside a body) or a call while another thread's call
 *     is in flight runs inline on its caller, serially, and never deadlocks;
 *   - until every worker is ready, calls run inline (Wasm threads start late
 *     and must never be waited for on a thread that cannot block);
 *   - warm or cold (pool_mode below), switchable at any time (pool_set_warm);
 *   - once the pool is ready, pool_parallel_for allocates nothing (in the
 *     pools' own code: the openmp and tbb runtimes manage their own);
 *   - pool_destroy works at any time: before workers are ready, while warm.
 * Thread safety: pool_parallel_for, pool_set_warm and the read-only queries may
 * be called from any thread; pool_destroy must not race with other calls.
 * What a watchdog reads of a running pool is in pool_watch.h; what a backend
 * provides, in pools/backend.h (private to the pools).
 */
#ifndef POOLBENCH_POOL_H
#define POOLBENCH_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POOL_MAX_THREADS 256

typedef struct pool pool;

/* Runs items [begin, end) of one chunk. */
typedef void (*pool_body)(void *ctx, size_t begin, size_t end);

typedef enum pool_error {
  POOL_OK = 0,
  POOL_EBACKEND = -1, /* unknown backend name */
  POOL_ETHREADS = -2, /* threads < 1 or > POOL_MAX_THREADS */
  POOL_ERANGE = -3,   /* begin > end */
  POOL_EINVAL = -4,   /* NULL pool, body or output pointer */
  POOL_ENOMEM = -5,
  POOL_ESPAWN = -6, /* a worker thread could not be created */
  POOL_EUNSUPPORTED = -7, /* backend not built for this platform */
  POOL_EPROTOCOL = -8, /* the backend breaks backend.h (e.g. wait without wake) */
  POOL_ETIMEDOUT = -9, /* pool_await_ready: workers not ready in time */
} pool_error;

/* How a pool starts: warm (its idle threads spin for the budget before
 * sleeping) or cold (they sleep at once). Zero keeps the backend's own
 * character (spin warm, futex cold), so zeroed options are the defaults. */
typedef enum pool_mode { POOL_MODE_DEFAULT = 0, POOL_MODE_WARM, POOL_MODE_COLD } pool_mode;

/* Zeroed (or a NULL pointer): every default. */
typedef struct pool_options {
  /* Warm pools busy-wait this long when idle before sleeping; 0 picks the
   * default (POOL_DEFAULT_SPIN_NS), POOL_SPIN_FOREVER never sleeps. */
  uint64_t spin_ns;
  pool_mode mode;
  /* Natively each worker is pinned to its own CPU, the ones after the CPU
   * the caller runs on (re-pinned when the caller moves): otherwise the
   * kernel often wakes a worker onto the caller's CPU, where it waits behind
   * the caller for a whole burst of calls while the other CPU idles. true
   * leaves placement to the kernel. */
  bool no_pin;
} pool_options;

#define POOL_DEFAULT_SPIN_NS 2000000u /* 2 ms: covers back-to-back bursts */
#define POOL_SPIN_FOREVER UINT64_MAX

typedef struct pool_stats_t {
  uint64_t calls;        /* pool_parallel_for calls that returned POOL_OK */
  uint64_t inline_calls; /* of those, run serially on the caller */
  uint64_t items;        /* items processed in all calls */
  uint64_t caller_items; /* of those, processed by the calling thread */
  uint64_t wakes;        /* wake-ups issued (futex_wake, notify, broadcast) */
} pool_stats_t;

/* Creates a pool; *out is NULL on error. */
int pool_create(pool **out, const char *backend, int threads,
                const pool_options *opt);
/* grain: items per chunk; 0 chooses one. */
int pool_parallel_for(pool *p, size_t begin, size_t end, size_t grain,
                      pool_body body, void *ctx);
void pool_set_warm(pool *p, bool warm);
bool pool_is_warm(const pool *p);
int pool_threads(const pool *p);
/* How long idle threads spin before sleeping while the pool is warm. */
uint64_t pool_spin_budget_ns(const pool *p);
int pool_ready_threads(const pool *p); /* counts the caller */
/* Sleeps (never spins: a Wasm worker starts only while its creator lets the
 * runtime run) until every thread is ready, for at most timeout_ns: POOL_OK,
 * or POOL_ETIMEDOUT with the pool still usable (calls run inline). */
int pool_await_ready(const pool *p, uint64_t timeout_ns);
const char *pool_backend_name(const pool *p);
uint64_t pool_created_ns(const pool *p);
void pool_stats(const pool *p, pool_stats_t *out);
void pool_destroy(pool *p);

const char *pool_strerror(int err);

/* Registered backends, in table order: names[i] for i < pool_backend_count(). */
int pool_backend_count(void);
const char *pool_backend_at(int i);
const char *pool_backend_describe(const char *name); /* NULL if unknown */
/* Whether the backend runs the shared worker core, i.e. has warm and cold
 * modes, a start-up timeline and per-worker state. */
bool pool_backend_has_workers(const char *name);
/* Whether every call runs on its caller (no workers, no runtime of its own):
 * the serial reference that parallel figures are measured against. */
bool pool_backend_runs_on_caller(const char *name);

#ifdef __cplusplus
}
#endif
#endif
