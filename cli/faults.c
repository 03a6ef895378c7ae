#include "faults.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_internal.h"
#include "host.h"
#include "platform.h"
#include "pool.h"
#include "watchdog.h"

/* What a fault's chunks share: the caller, and how many chunks began. */
typedef struct fault_ctx {
  pthread_t caller;
  _Atomic int started;
} fault_ctx;

/* Runs on every chunk: waits (bounded) until two chunks run at once, so a
 * worker surely has one, then aborts there. */
static void abort_on_worker(void *ctx, size_t b, size_t e) {
  fault_ctx *f = ctx;
  (void)b, (void)e;
  atomic_fetch_add(&f->started, 1);
  uint64_t until = plat_now_ns() + 2000000000u;
  while (atomic_load(&f->started) < 2 && plat_now_ns() < until) {
  }
  if (!pthread_equal(pthread_self(), f->caller)) abort();
}

/* Blocks forever on a worker: the watchdog's case. */
static void hang_on_worker(void *ctx, size_t b, size_t e) {
  fault_ctx *f = ctx;
  (void)b, (void)e;
  atomic_fetch_add(&f->started, 1);
  uint64_t until = plat_now_ns() + 2000000000u;
  while (atomic_load(&f->started) < 2 && plat_now_ns() < until) {
  }
  if (!pthread_equal(pthread_self(), f->caller))
    for (;;) plat_sleep_ns(1000000);
}

bool fault_known(const char *name) {
  return strcmp(name, "abort-in-worker") == 0 || strcmp(name, "hang-in-worker") == 0 ||
         strcmp(name, "bad-record") == 0;
}

void fault_trigger(harness *h, const char *name, int threads) {
  if (strcmp(name, "bad-record") == 0) { /* a record the contract refuses: the browser's server must */
    static const char line[] = "{\"type\":\"no_such_type\",\"note\":\"poolbench --test-fault bad-record\"}";
    sink_write_line(harness_sink(h), line, sizeof line - 1);
    return;
  }
  bool hang = strcmp(name, "hang-in-worker") == 0;
  pool *p = NULL;
  if (pool_create(&p, "futex", threads < 2 ? 2 : threads, NULL) != POOL_OK) return;
  pool_await_ready(p, 10000000000u); /* else the fault runs inline: it says so */
  fault_ctx f = {.caller = pthread_self()};
  watchdog_watch(harness_watchdog(h), p);
  fprintf(stderr, "poolbench: test fault: %s\n", hang ? "a pool worker blocks forever" : "abort() in a pool worker");
  pool_parallel_for(p, 0, 2, 1, hang ? hang_on_worker : abort_on_worker, &f);
  fprintf(stderr, "poolbench: test fault: %s did not happen\n", name);
  watchdog_watch(harness_watchdog(h), NULL);
  pool_destroy(p);
}
