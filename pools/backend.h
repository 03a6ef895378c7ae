/* What a backend provides. Internal to pools/: the public header is pool.h.
 *
 * Most backends differ only in how an idle thread sleeps and is woken, so they
 * supply `wait` and `wake` and pool_core.c does everything else (workers, chunk
 * claiming, inline fallbacks, warm spinning, stats). References that bring
 * their own runtime (OpenMP, oneTBB) supply `run` instead and get no workers. */
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
  const char *name;
  const char *description;
  bool warm_default;
  size_t state_size; /* bytes of backend state, zeroed before init */
  /* The idle spin budget when the user gives none (NULL: the default). */
  uint64_t (*spin_budget_ns)(void);
  int (*init)(void *state, int threads);
  void (*fini)(void *state);
  /* Blocks while *word == expected, for at most timeout_ns; may return early.
   * NULL: the backend spawns no workers (serial) or uses `run`. */
  void (*wait)(void *state, pool_channel ch, pool_word *word,
               uint32_t expected, uint64_t timeout_ns);
  /* Wakes up to n threads blocked in wait on ch. Called only when some thread
   * announced a sleep not yet woken, so a backend need not track sleepers. */
  void (*wake)(void *state, pool_channel ch, pool_word *word, int n);
  /* A whole parallel_for on the backend's own runtime, with the caller taking
   * part; adds the items the caller ran to *caller_items. */
  int (*run)(void *state, int threads, size_t begin, size_t end, size_t grain,
             pool_body body, void *ctx, uint64_t *caller_items);
  /* When warm, stop waking sleeping workers for a while after a woken one
   * ran in the caller's place (see learn_solo in pool_core.c). */
  bool solo_when_starved;
} pool_backend;

/* The platform futex as a backend's wait/wake (futex and spin share them). */
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
