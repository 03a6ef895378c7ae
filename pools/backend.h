/* What a backend provides, and the protocol the core (pool_core.c) follows
 * with it. Internal to pools/: the user's header, with the contract every
 * pool keeps, is pool.h. Registering a backend: its file defines
 * `const pool_backend pool_backend_<name>`, one line in backend_list.h names
 * it, pools/CMakeLists.txt builds the file.
 *
 * Most backends differ only in how an idle thread sleeps and is woken, so they
 * supply `wait` and `wake` and the core does everything else (workers, chunk
 * claiming, inline fallbacks, warm spinning, stats). References that bring
 * their own runtime (OpenMP, oneTBB) supply `run` instead and get no workers.
 * A backend with neither (serial) runs every call inline on its caller.
 * pool_create refuses a backend that supplies only one of wait and wake, or
 * run beside them (POOL_EPROTOCOL): one without the other would be a NULL
 * call, or a sleep that nothing ends before its slice does.
 *
 * The protocol, step by step (why in brackets):
 *  1. pool_create zeroes `state_size` bytes of state (none when 0) and calls
 *     `init(state, threads)` before any worker starts. An init that fails
 *     returns a pool_error code, which pool_create returns; `fini` runs then
 *     too, so it must undo a partial init (the zeroed state tells what was
 *     done). Otherwise `fini` runs once, in pool_destroy, after every worker
 *     exited [no thread can be inside wait or wake while the state goes].
 *  2. An idle thread waits for a word to change: a worker for the generation
 *     word (POOL_CH_WORK, a new call), the caller for the completion word
 *     (POOL_CH_DONE, the last chunk). While the pool is warm it first spins
 *     on the word for the spin budget; a cold pool does not spin. Then it
 *     announces a sleep and calls `wait` in bounded slices (100 ms for
 *     workers, 1 ms for the caller), re-reading the word (and whether the
 *     pool is being destroyed) after every return [no wait is ever unbounded:
 *     a Wasm main thread must keep turning, a watchdog must see a stuck pool,
 *     and a lost wake-up costs one slice, not a hang].
 *  3. So `wait(state, ch, word, expected, timeout_ns)` may return at any time
 *     before the timeout: spuriously, early, or at once after polling the
 *     word (a sched_yield loop is a valid wait). What it must not do is
 *     sleep past a change: it may block only while *word == expected, checked
 *     atomically with respect to `wake` (a futex compares in the kernel;
 *     condvar.c checks under the lock that wake takes) [else a wake between
 *     the check and the sleep is lost for a whole slice]. Nor may it sleep
 *     much past timeout_ns [the caller's wait hook and the stop flag are
 *     checked between slices]. A polling wait burns its CPU while the pool
 *     looks asleep: idle_cpu and bursts show that cost, as they do for
 *     Emscripten's std::atomic::wait, which polls.
 *  4. `wake(state, ch, word, n)` is called after the word changed, to end up
 *     to n waits on that channel (n = the helpers a call wants, or 1 for the
 *     caller; waking more is allowed, condvar broadcasts). The core calls it
 *     only when some thread announced a sleep that no earlier wake covered,
 *     and counts each call in pool_stats.wakes [a backend need not track
 *     sleepers, and stats say how often a pool paid for a wake-up]; and
 *     unconditionally in pool_destroy. A polling backend's wake may do
 *     nothing, but must exist.
 *  5. wait and wake run on any of the pool's threads at once, on the parallel
 *     path: thread-safe, never allocating (pools.no_alloc), never printing
 *     (a worker's output may be proxied to a blocked Wasm main thread).
 *  6. `run` (own-runtime backends) gets every call that would run in parallel;
 *     the core keeps doing the rest (nested and concurrent calls run inline
 *     before run is asked; stats). run executes each chunk of
 *     [begin, end) by grain exactly once (pool_chunk_count), the calling
 *     thread taking part, adds the items the caller ran to *caller_items and
 *     returns POOL_OK or an error code.
 */
#ifndef POOLBENCH_BACKEND_H
#define POOLBENCH_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "pool.h"
#include "pool_word.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The two words threads sleep on: workers wait for a new work generation, the
 * submitting caller waits for the last chunk to finish. */
typedef enum pool_channel { POOL_CH_WORK = 0, POOL_CH_DONE = 1 } pool_channel;

typedef struct pool_backend {
  const char *name;        /* what pool_create and --backend take */
  const char *description; /* one line for `poolbench list` */
  /* Warm (spin for the budget before sleeping) or cold (sleep at once) when
   * pool_options.mode is POOL_MODE_DEFAULT: the pool's character, e.g. spin warm, futex
   * cold. pool_set_warm changes it at any time. */
  bool warm_default;
  size_t state_size; /* bytes of per-pool state, zeroed before init (step 1) */
  /* The idle spin budget when the user gives none (NULL: the default). Called
   * by every pool_create, so a measured budget is measured once per process
   * (adaptive.c) [a calibration per pool would slow every create]. */
  uint64_t (*spin_budget_ns)(void);
  int (*init)(void *state, int threads); /* NULL: nothing to set up */
  void (*fini)(void *state);             /* NULL: nothing to undo */
  /* Sleeps while *word == expected, for at most timeout_ns (step 3). */
  void (*wait)(void *state, pool_channel ch, pool_word *word,
               uint32_t expected, uint64_t timeout_ns);
  /* Ends up to n waits on ch (step 4). */
  void (*wake)(void *state, pool_channel ch, pool_word *word, int n);
  /* A whole parallel_for on the backend's own runtime (step 6). */
  int (*run)(void *state, int threads, size_t begin, size_t end, size_t grain,
             pool_body body, void *ctx, uint64_t *caller_items);
  /* When warm, stop waking sleeping workers for a while after a woken one
   * ran in the caller's place (pool_solo.c) [where a woken worker lands on
   * the caller's CPU, waking it only adds two context switches]. For core
   * backends; leave false unless a test proves it pays. */
  bool solo_when_starved;
} pool_backend;

/* The platform futex as a backend's wait/wake (futex, spin, adaptive). */
void pool_futex_wait(void *state, pool_channel ch, pool_word *word,
                     uint32_t expected, uint64_t timeout_ns);
void pool_futex_wake(void *state, pool_channel ch, pool_word *word, int n);

/* Splits [begin, end) by grain: the shared chunking every backend uses. */
size_t pool_chunk_count(size_t begin, size_t end, size_t grain);
size_t pool_auto_grain(size_t items, int threads);

#ifdef __cplusplus
}
#endif
#endif
