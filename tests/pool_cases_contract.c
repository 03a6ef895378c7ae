/* The pool contract (pool.h), for every backend: every item runs once, back to back,
 * from concurrent submitters, nested, while warm and cold toggle, across
 * create/destroy (also while warm), bad input refused. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "platform.h"
#include "pool.h"
#include "pool_cases.h"
#include "pool_watch.h"

void case_coverage(void) {
  static const int threads[] = {1, 2, 3, 4};
  static const size_t grains[] = {1, 7, 0};
  for (size_t t = 0; t < 4; t++) {
    int P = threads[t];
    pool *p = make(P, POOL_MODE_DEFAULT);
    test_phase("coverage", p);
    await_ready(p);
    size_t ranges[] = {0, 1, (size_t)P - 1, (size_t)P, (size_t)P + 1, 1000, 1000000};
    for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
      for (size_t g = 0; g < 3; g++)
        for (size_t offset = 0; offset <= 5; offset += 5) {
          size_t b = offset, e = offset + ranges[r];
          counts *c = counts_new(b, e, grains[g]);
          int rc = pool_parallel_for(p, b, e, grains[g], count_body, c);
          CHECK(rc == POOL_OK, "%s: %s", backend, pool_strerror(rc));
          char what[96];
          snprintf(what, sizeof what, "P=%d [%zu,%zu) grain=%zu", P, b, e, grains[g]);
          expect_hits(c, 1, what);
          counts_free(c);
        }
    pool_destroy(p);
  }
}

/* Checks after every call that all its items are done: a call that returns
 * early (before the workers finished) fails here, not later. */
void case_back_to_back(void) {
  const int calls = 100000;
  for (int warm = 0; warm <= 1; warm++) {
    pool *p = make(2, warm ? POOL_MODE_WARM : POOL_MODE_COLD);
    test_phase(warm ? "back_to_back warm" : "back_to_back cold", p);
    await_ready(p);
    size_t n = 5;
    counts *c = counts_new(0, n, 1);
    for (int i = 0; i < calls; i++) {
      CHECK(pool_parallel_for(p, 0, n, 1, count_body, c) == POOL_OK, "%s", backend);
      for (size_t k = 0; k < n; k++) {
        uint32_t h = atomic_load(&c->hits[k]);
        CHECK(h == (uint32_t)i + 1, "%s call %d: item %zu hit %u times", backend, i, k, h);
      }
    }
    pool_stats_t s;
    pool_stats(p, &s);
    CHECK(s.calls == (uint64_t)calls, "%s: stats.calls %llu", backend, (unsigned long long)s.calls);
    CHECK(s.items == (uint64_t)calls * n, "%s: stats.items %llu", backend, (unsigned long long)s.items);
    CHECK(s.caller_items <= s.items, "%s: caller_items > items", backend);
    counts_free(c);
    pool_destroy(p);
  }
}

/* ---- four submitters on one pool ---- */
typedef struct submitter {
  pool *p;
  counts *c;
  int calls;
} submitter;

static void *submit_loop(void *arg) {
  submitter *s = arg;
  for (int i = 0; i < s->calls; i++)
    if (pool_parallel_for(s->p, s->c->begin, s->c->end, 3, count_body, s->c) != POOL_OK)
      atomic_store(&s->c->bad_chunk, 1);
  return NULL;
}

void case_concurrent(void) {
  pool *p = make(3, POOL_MODE_DEFAULT);
  test_phase("concurrent submitters", p);
  await_ready(p);
  enum { SUBMITTERS = 4, CALLS = 3000 };
  submitter s[SUBMITTERS];
  pthread_t th[SUBMITTERS];
  for (int i = 0; i < SUBMITTERS; i++) {
    s[i] = (submitter){p, counts_new(100 * i, 100 * i + 37, 3), CALLS};
    pthread_create(&th[i], NULL, submit_loop, &s[i]);
  }
  for (int i = 0; i < SUBMITTERS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < SUBMITTERS; i++) {
    expect_hits(s[i].c, CALLS, "concurrent submitter");
    counts_free(s[i].c);
  }
  pool_stats_t st;
  pool_stats(p, &st);
  CHECK(st.calls == SUBMITTERS * CALLS, "%s: stats.calls %llu", backend, (unsigned long long)st.calls);
  pool_destroy(p);
}

/* ---- nested calls from inside a body (on workers and on the caller) ---- */
typedef struct nest {
  pool *p;
  counts *inner; /* 16 items per outer item */
  _Atomic int failed;
} nest;

static void inner_body(void *ctx, size_t b, size_t e) { count_body(ctx, b, e); }

static void outer_body(void *ctx, size_t b, size_t e) {
  nest *n = ctx;
  for (size_t i = b; i < e; i++) {
    /* Each outer item runs its own slice of the inner counters. */
    counts *c = n->inner;
    if (pool_parallel_for(n->p, i * 16, i * 16 + 16, 4, inner_body, c) != POOL_OK)
      atomic_store(&n->failed, 1);
  }
}

void case_nested(void) {
  pool *p = make(2, POOL_MODE_DEFAULT);
  test_phase("nested", p);
  await_ready(p);
  for (int round = 1; round <= 200; round++) {
    nest n = {.p = p, .inner = counts_new(0, 64 * 16, 4)};
    CHECK(pool_parallel_for(p, 0, 64, 1, outer_body, &n) == POOL_OK, "%s", backend);
    CHECK(!atomic_load(&n.failed), "%s: a nested call failed", backend);
    expect_hits(n.inner, 1, "nested");
    counts_free(n.inner);
  }
  pool_stats_t s;
  pool_stats(p, &s);
  CHECK(s.inline_calls >= 200 * 64, "%s: nested calls not counted inline (%llu)",
        backend, (unsigned long long)s.inline_calls);
  pool_destroy(p);
}

/* ---- warm/cold toggled while calls run ---- */
typedef struct toggler {
  pool *p;
  _Atomic bool stop;
} toggler;

static void *toggle_loop(void *arg) {
  toggler *t = arg;
  for (unsigned i = 0; !atomic_load(&t->stop); i++) {
    pool_set_warm(t->p, i & 1);
    plat_sleep_ns(20000 + (i % 7) * 30000);
  }
  return NULL;
}

void case_toggle(void) {
  pool *p = make(3, POOL_MODE_DEFAULT);
  test_phase("warm/cold toggled during calls", p);
  await_ready(p);
  toggler t = {.p = p};
  pthread_t th;
  pthread_create(&th, NULL, toggle_loop, &t);
  counts *c = counts_new(0, 9, 1);
  for (int i = 0; i < 20000; i++) {
    CHECK(pool_parallel_for(p, 0, 9, 1, count_body, c) == POOL_OK, "%s", backend);
    if (i % 1000 == 999) plat_sleep_ns(3000000); /* let workers cool down */
  }
  atomic_store(&t.stop, true);
  pthread_join(th, NULL);
  expect_hits(c, 20000, "toggle");
  counts_free(c);
  pool_destroy(p);
}

void case_create_destroy(void) {
  test_phase("create then destroy at once, 1000 times", NULL);
  for (int i = 0; i < 1000; i++) {
    pool *p = make(1 + i % 4, i % 2 ? POOL_MODE_WARM : POOL_MODE_COLD);
    if (i % 3 == 0) { /* sometimes use it before its workers are ready */
      counts *c = counts_new(0, 10, 1);
      CHECK(pool_parallel_for(p, 0, 10, 1, count_body, c) == POOL_OK, "%s", backend);
      expect_hits(c, 1, "call right after create");
      counts_free(c);
    }
    pool_destroy(p);
  }
}

void case_destroy_warm(void) {
  pool_options o = {.spin_ns = POOL_SPIN_FOREVER, .mode = POOL_MODE_WARM};
  for (int i = 0; i < 20; i++) {
    pool *p = NULL;
    CHECK(pool_create(&p, backend, 3, &o) == POOL_OK, "%s", backend);
    test_phase("destroy while warm", p);
    await_ready(p);
    counts *c = counts_new(0, 8, 1);
    CHECK(pool_parallel_for(p, 0, 8, 1, count_body, c) == POOL_OK, "%s", backend);
    expect_hits(c, 1, "before destroy");
    counts_free(c);
    CHECK(await_state(p, POOL_WORKER_SPINNING), "%s: workers not spinning", backend);
    pool_destroy(p);
  }
}

void case_bad_input(void) {
  test_phase("bad input", NULL);
  pool *p = (pool *)1;
  CHECK(pool_create(&p, "no-such-backend", 2, NULL) == POOL_EBACKEND && !p, "unknown backend");
  CHECK(pool_create(&p, NULL, 2, NULL) == POOL_EBACKEND, "NULL backend");
  CHECK(pool_create(&p, backend, 0, NULL) == POOL_ETHREADS, "threads 0");
  CHECK(pool_create(&p, backend, -3, NULL) == POOL_ETHREADS, "threads -3");
  CHECK(pool_create(&p, backend, POOL_MAX_THREADS + 1, NULL) == POOL_ETHREADS, "threads 257");
  CHECK(pool_create(NULL, backend, 2, NULL) == POOL_EINVAL, "NULL out");
  CHECK(pool_create(&p, backend, 1, NULL) == POOL_OK, "threads 1 is legal");
  counts *c = counts_new(0, 100, 0);
  CHECK(pool_parallel_for(p, 0, 100, 0, count_body, c) == POOL_OK, "P=1 call");
  expect_hits(c, 1, "P=1");
  counts_free(c);
  CHECK(pool_parallel_for(p, 5, 4, 1, nop_body, NULL) == POOL_ERANGE, "begin > end");
  CHECK(pool_parallel_for(p, 0, 4, 1, NULL, NULL) == POOL_EINVAL, "NULL body");
  CHECK(pool_parallel_for(NULL, 0, 4, 1, nop_body, NULL) == POOL_EINVAL, "NULL pool");
  CHECK(pool_await_ready(NULL, 0) == POOL_EINVAL, "await_ready of a NULL pool");
  CHECK(pool_await_ready(p, 0) == POOL_OK, "a pool of one thread is ready at once");
  pool_stats_t s;
  pool_stats(p, &s);
  CHECK(s.calls == 1, "rejected calls must not be counted (%llu)", (unsigned long long)s.calls);
  pool_destroy(p);
  pool_destroy(NULL);
  CHECK(strcmp(pool_strerror(POOL_EBACKEND), pool_strerror(POOL_ETHREADS)) != 0, "distinct messages");
}
