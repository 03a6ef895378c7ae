/* condvar: idle threads block on a pthread condition variable. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "backend.h"

typedef struct condvar_state {
  pthread_mutex_t lock;
  pthread_cond_t cond[2]; /* per pool_channel */
  int inited;
} condvar_state;

static int cv_init(void *state, int threads) {
  (void)threads;
  condvar_state *s = state;
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  int rc = pthread_mutex_init(&s->lock, NULL) ||
           pthread_cond_init(&s->cond[0], &attr) ||
           pthread_cond_init(&s->cond[1], &attr);
  pthread_condattr_destroy(&attr);
  if (rc) return POOL_ENOMEM;
  s->inited = 1;
  return POOL_OK;
}

static void cv_fini(void *state) {
  condvar_state *s = state;
  if (!s->inited) return;
  pthread_cond_destroy(&s->cond[0]);
  pthread_cond_destroy(&s->cond[1]);
  pthread_mutex_destroy(&s->lock);
}

static void cv_wait(void *state, pool_channel ch, pool_word *word,
                    uint32_t expected, uint64_t timeout_ns) {
  condvar_state *s = state;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t ns = (uint64_t)ts.tv_nsec + timeout_ns;
  ts.tv_sec += (time_t)(ns / 1000000000u);
  ts.tv_nsec = (long)(ns % 1000000000u);
  pthread_mutex_lock(&s->lock);
  /* Checked under the lock: a waker changes the word before it takes the
   * lock to broadcast, so the change cannot slip between check and wait. */
  while (atomic_load(word) == expected)
    if (pthread_cond_timedwait(&s->cond[ch], &s->lock, &ts) == ETIMEDOUT) break;
  pthread_mutex_unlock(&s->lock);
}

static void cv_wake(void *state, pool_channel ch, pool_word *word, int n) {
  (void)word, (void)n;
  condvar_state *s = state;
  pthread_mutex_lock(&s->lock);
  pthread_cond_broadcast(&s->cond[ch]);
  pthread_mutex_unlock(&s->lock);
}

const pool_backend pool_backend_condvar = {
    .name = "condvar",
    .description = "pthread mutex + condition variable",
    .state_size = sizeof(condvar_state),
    .init = cv_init,
    .fini = cv_fini,
    .wait = cv_wait,
    .wake = cv_wake,
};
