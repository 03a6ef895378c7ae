/* What a watchdog (or a hang dump, or a start-up timeline) may read of a pool
 * while it runs. Apart from pool.h because a user's program needs none of it:
 * these are the core's own words and states, published with one relaxed store
 * per change so they can be read even while the pool's threads are stuck. */
#ifndef POOLBENCH_POOL_WATCH_H
#define POOLBENCH_POOL_WATCH_H

#include <stdint.h>

#include "pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a worker is doing. */
typedef enum pool_worker_state {
  POOL_WORKER_STARTING = 0,
  POOL_WORKER_SPINNING, /* idle, busy-waiting */
  POOL_WORKER_SLEEPING, /* idle, blocked in the backend's wait */
  POOL_WORKER_WORKING,
  POOL_WORKER_DONE, /* exited */
} pool_worker_state;

typedef struct pool_worker_info {
  pool_worker_state state;
  uint32_t generation; /* the last work generation this worker saw */
  uint64_t items;      /* items this worker processed */
  uint64_t ready_ns;   /* plat_now_ns() when it became ready; 0 if not yet */
} pool_worker_info;

/* worker in [0, threads-1); returns POOL_EINVAL when out of range (and for
 * backends without the core's workers). */
int pool_worker(const pool *p, int worker, pool_worker_info *out);
const char *pool_worker_state_name(pool_worker_state s);

/* The generation counter, and the chunks the workers finished in it. */
void pool_words(const pool *p, uint32_t *generation, uint32_t *done);

/* What the thread inside pool_parallel_for is doing. */
typedef enum pool_caller_state {
  POOL_CALLER_IDLE = 0, /* no parallel call in flight */
  POOL_CALLER_RUNNING,  /* running chunks itself */
  POOL_CALLER_WAITING,  /* waiting for workers to finish their chunks */
} pool_caller_state;
pool_caller_state pool_caller(const pool *p);
const char *pool_caller_state_name(pool_caller_state s);

/* A process-wide hook the waiting caller runs between its sliced sleeps
 * (about every millisecond): lets a host's watchdog end a stuck run from the
 * thread that owns the process (a Wasm main thread cannot be exited from
 * another thread). NULL: none. */
void pool_set_wait_hook(void (*hook)(void));

#ifdef __cplusplus
}
#endif
#endif
