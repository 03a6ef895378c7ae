/* No allocation on the parallel_for path: every malloc-family call made by
 * the pools' own code goes through these wrappers (linked with -Wl,--wrap),
 * and once a pool is ready, 10^4 calls of every backend must make none.
 * OpenMP's and oneTBB's runtimes are shared libraries the wrap cannot reach:
 * for them only the wrapper is checked, and the output says so. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "platform.h"
#include "pool.h"

static _Atomic long allocs;
static _Atomic int counting;

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);

static void count(void) {
  if (atomic_load_explicit(&counting, memory_order_relaxed)) atomic_fetch_add(&allocs, 1);
}
void *__wrap_malloc(size_t n) { count(); return __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { count(); return __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { count(); return __real_realloc(p, n); }
void *__wrap_aligned_alloc(size_t a, size_t n) { count(); return __real_aligned_alloc(a, n); }

static void body(void *ctx, size_t b, size_t e) {
  _Atomic long *sum = ctx;
  atomic_fetch_add_explicit(sum, (long)(e - b), memory_order_relaxed);
}

int main(void) {
  test_deadline(120);
  /* The wrappers must see the pools' allocations at all: pool_create does
   * allocate, so a missing wrap shows up here, not as a vacuous pass. */
  atomic_store(&counting, 1);
  pool *probe = NULL;
  CHECK(pool_create(&probe, "futex", 2, NULL) == POOL_OK, "create");
  atomic_store(&counting, 0);
  CHECK(atomic_load(&allocs) > 0, "the allocation wrappers saw nothing: not linked with --wrap?");
  pool_destroy(probe);

  for (int i = 0; i < pool_backend_count(); i++) {
    const char *name = pool_backend_at(i);
    pool *p = NULL;
    CHECK(pool_create(&p, name, 2, NULL) == POOL_OK, "%s: create", name);
    test_phase("no_alloc", p);
    CHECK(pool_await_ready(p, 5000000000u) == POOL_OK, "%s: workers not ready after 5 s", name);
    _Atomic long sum = 0;
    for (int k = 0; k < 100; k++) pool_parallel_for(p, 0, 64, 0, body, &sum); /* warm-up */
    atomic_store(&allocs, 0);
    atomic_store(&counting, 1);
    for (int k = 0; k < 10000; k++) pool_parallel_for(p, 0, 64, k % 3, body, &sum);
    atomic_store(&counting, 0);
    long n = atomic_load(&allocs);
    CHECK(n == 0, "%s: %ld allocations in 10^4 parallel_for calls", name, n);
    CHECK(atomic_load(&sum) == 64 * 10100, "%s: items lost", name);
    pool_destroy(p);
    if (pool_backend_has_workers(name) || pool_backend_runs_on_caller(name))
      printf("ok no_alloc %s\n", name);
    else /* a runtime of its own (OpenMP, oneTBB): a shared library --wrap cannot reach */
      printf("ok no_alloc %s: its wrapper only; allocations inside its runtime library are not seen\n",
             name);
  }
  return 0;
}
