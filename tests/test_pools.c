/* Correctness and stress tests of every registered backend.
 * Usage: test_pools CASE [BACKEND]   (all backends when BACKEND is omitted)
 *        test_pools --list           (the cases, as ctest runs them)
 * Each case checks every backend in the table, so a new backend is covered the
 * moment it is registered. The cases live in pool_cases_*.c. */
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

const char *backend;

pool *make(int threads, pool_mode mode) {
  pool_options o = {.mode = mode};
  pool *p = NULL;
  int rc = pool_create(&p, backend, threads, &o);
  CHECK(rc == POOL_OK && p, "%s threads=%d: %s", backend, threads, pool_strerror(rc));
  return p;
}

void await_ready(pool *p) {
  CHECK(pool_await_ready(p, 5000000000u) == POOL_OK, "%s: workers not ready after 5 s", backend);
}


void count_body(void *ctx, size_t b, size_t e) {
  counts *c = ctx;
  if (b >= e || b < c->begin || e > c->end || e - b > c->grain)
    atomic_store(&c->bad_chunk, 1);
  for (size_t i = b; i < e; i++)
    atomic_fetch_add_explicit(&c->hits[i - c->begin], 1, memory_order_relaxed);
}

counts *counts_new(size_t begin, size_t end, size_t grain) {
  counts *c = calloc(1, sizeof *c);
  c->hits = calloc(end - begin + 1, sizeof *c->hits);
  c->begin = begin, c->end = end, c->grain = grain ? grain : (size_t)-1;
  return c;
}

void counts_free(counts *c) {
  free(c->hits);
  free(c);
}

void expect_hits(counts *c, uint32_t want, const char *what) {
  CHECK(!atomic_load(&c->bad_chunk), "%s %s: a chunk outside [begin,end) or over grain", backend, what);
  for (size_t i = 0; i < c->end - c->begin; i++) {
    uint32_t h = atomic_load(&c->hits[i]);
    CHECK(h == want, "%s %s: item %zu hit %u times, want %u", backend, what,
          c->begin + i, h, want);
  }
}

bool await_state(pool *p, pool_worker_state s) {
  uint64_t until = plat_now_ns() + 3000000000u;
  for (;;) {
    bool all = true;
    pool_worker_info w;
    for (int i = 0; pool_worker(p, i, &w) == POOL_OK; i++) all &= w.state == s;
    if (all) return true;
    if (plat_now_ns() > until) return false;
    plat_sleep_ns(200000);
  }
}

void nop_body(void *ctx, size_t b, size_t e) { (void)ctx, (void)b, (void)e; }

static const char *skipped; /* why the running case could not check */
static bool not_applicable;

void case_skip(const char *why) { skipped = why; }
void case_not_applicable(void) { not_applicable = true; }

static const struct {
  const char *name;
  void (*run)(void);
  unsigned deadline_s;
} cases[] = {
#define POOL_CASE(name, deadline_s) {#name, case_##name, deadline_s},
#include "pool_case_list.h"
#undef POOL_CASE
};

int main(int argc, char **argv) {
  size_t ncases = sizeof cases / sizeof *cases;
  if (argc == 2 && strcmp(argv[1], "--list") == 0) { /* ctest's cases, one a line */
    for (size_t i = 0; i < ncases; i++) printf("%s\n", cases[i].name);
    return 0;
  }
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: test_pools CASE [BACKEND] | --list\ncases:");
    for (size_t i = 0; i < ncases; i++) fprintf(stderr, " %s", cases[i].name);
    fputc('\n', stderr);
    return 2;
  }
  if (argc == 3 && !pool_backend_describe(argv[2])) {
    fprintf(stderr, "test_pools: unknown backend '%s'\n", argv[2]);
    return 2;
  }
  for (size_t i = 0; i < ncases; i++) {
    if (strcmp(cases[i].name, argv[1]) != 0) continue;
    test_deadline(cases[i].deadline_s);
    int checked = 0;
    for (int b = 0; b < pool_backend_count(); b++) {
      backend = pool_backend_at(b);
      if (argc == 3 && strcmp(argv[2], backend) != 0) continue;
      skipped = NULL, not_applicable = false;
      uint64_t t0 = plat_now_ns();
      cases[i].run();
      if (skipped)
        printf("skip %s %s: %s\n", cases[i].name, backend, skipped);
      else if (not_applicable)
        printf("n/a %s %s\n", cases[i].name, backend);
      else {
        printf("ok %s %s (%.2f s)\n", cases[i].name, backend, (plat_now_ns() - t0) / 1e9);
        checked++;
      }
    }
    if (checked == 0) printf("skip %s: no backend could be checked here\n", cases[i].name);
    return checked ? 0 : 77;
  }
  fprintf(stderr, "test_pools: unknown case '%s'\n", argv[1]);
  return 2;
}
