/* Correctness and stress tests of every registered backend.
 * Usage: test_pools CASE [BACKEND]   (all backends when BACKEND is omitted)
 * Each case checks every backend in the table, so a new backend is covered the
 * moment it is registered. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "backends.h"
#include "check.h"
#include "platform.h"
#include "pool.h"
#include "pool_watch.h"

static const char *backend; /* the one under test */

static pool *make(int threads, int warm) {
  pool_options o = {.spin_ns = 0, .warm = warm};
  pool *p = NULL;
  int rc = pool_create(&p, backend, threads, &o);
  CHECK(rc == POOL_OK && p, "%s threads=%d: %s", backend, threads, pool_strerror(rc));
  return p;
}

/* Waits (bounded) until every worker is ready, so calls really run in parallel. */
static void await_ready(pool *p) {
  uint64_t until = plat_now_ns() + 5000000000u;
  while (pool_ready_threads(p) < pool_threads(p)) {
    CHECK(plat_now_ns() < until, "%s: workers not ready after 5 s", backend);
    plat_sleep_ns(100000);
  }
}

/* ---- a counting body: one counter per item, bounds checked per chunk ---- */
typedef struct counts {
  _Atomic uint32_t *hits;
  size_t begin, end, grain;
  _Atomic int bad_chunk;
} counts;

static void count_body(void *ctx, size_t b, size_t e) {
  counts *c = ctx;
  if (b >= e || b < c->begin || e > c->end || e - b > c->grain)
    atomic_store(&c->bad_chunk, 1);
  for (size_t i = b; i < e; i++)
    atomic_fetch_add_explicit(&c->hits[i - c->begin], 1, memory_order_relaxed);
}

static counts *counts_new(size_t begin, size_t end, size_t grain) {
  counts *c = calloc(1, sizeof *c);
  c->hits = calloc(end - begin + 1, sizeof *c->hits);
  c->begin = begin, c->end = end, c->grain = grain ? grain : (size_t)-1;
  return c;
}

static void counts_free(counts *c) {
  free(c->hits);
  free(c);
}

/* Every counter equals `want`; reports the first index that does not. */
static void expect_hits(counts *c, uint32_t want, const char *what) {
  CHECK(!atomic_load(&c->bad_chunk), "%s %s: a chunk outside [begin,end) or over grain", backend, what);
  for (size_t i = 0; i < c->end - c->begin; i++) {
    uint32_t h = atomic_load(&c->hits[i]);
    CHECK(h == want, "%s %s: item %zu hit %u times, want %u", backend, what,
          c->begin + i, h, want);
  }
}

static void case_coverage(void) {
  static const int threads[] = {1, 2, 3, 4};
  static const size_t grains[] = {1, 7, 0};
  for (size_t t = 0; t < 4; t++) {
    int P = threads[t];
    pool *p = make(P, -1);
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
static void case_back_to_back(void) {
  const int calls = 100000;
  for (int warm = 0; warm <= 1; warm++) {
    pool *p = make(2, warm);
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

static void case_concurrent(void) {
  pool *p = make(3, -1);
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

static void case_nested(void) {
  pool *p = make(2, -1);
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

static void case_toggle(void) {
  pool *p = make(3, -1);
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

static void case_create_destroy(void) {
  test_phase("create then destroy at once, 1000 times", NULL);
  for (int i = 0; i < 1000; i++) {
    pool *p = make(1 + i % 4, i % 2);
    if (i % 3 == 0) { /* sometimes use it before its workers are ready */
      counts *c = counts_new(0, 10, 1);
      CHECK(pool_parallel_for(p, 0, 10, 1, count_body, c) == POOL_OK, "%s", backend);
      expect_hits(c, 1, "call right after create");
      counts_free(c);
    }
    pool_destroy(p);
  }
}

/* Waits (bounded) until every worker publishes state s. */
static bool await_state(pool *p, pool_worker_state s) {
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

static void case_destroy_warm(void) {
  pool_options o = {.spin_ns = POOL_SPIN_FOREVER, .warm = 1};
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

/* ---- workers really take part, and wake-ups are issued only to sleepers ---- */
typedef struct rendezvous {
  _Atomic int started;
  _Atomic int timed_out;
} rendezvous;

/* Every chunk waits (bounded) until all chunks have started: passes only if
 * the workers run chunks beside the caller. */
static void rendezvous_body(void *ctx, size_t b, size_t e) {
  (void)b, (void)e;
  rendezvous *r = ctx;
  atomic_fetch_add(&r->started, 1);
  uint64_t until = plat_now_ns() + 2000000000u;
  while (atomic_load(&r->started) < 2)
    if (plat_now_ns() > until) {
      atomic_store(&r->timed_out, 1);
      return;
    }
}

/* A worker asleep in the backend's wait must see every call: the caller wakes
 * it, unless the worker saw the new generation by itself first (a wait that
 * polls or returns early, which backend.h allows; such a call needs no
 * wake-up). So a call that issued no wake-up must still be answered well
 * within the worker's 100 ms sleep slice: a wake-up the caller skipped for a
 * new sleep leaves a blocking worker asleep for the rest of that slice. */
#define MISSED_WAKE_NS 50000000u

/* One call of 2 items to a sleeping worker; true when it issued no wake-up
 * and lasted MISSED_WAKE_NS or more (*ms: how long it took). */
static bool call_missed_sleeper(pool *p, int i, double *ms) {
  rendezvous q = {0};
  pool_stats_t a, b;
  pool_stats(p, &a);
  uint64_t t0 = plat_now_ns();
  CHECK(pool_parallel_for(p, 0, 2, 1, rendezvous_body, &q) == POOL_OK, "%s", backend);
  uint64_t took = plat_now_ns() - t0;
  pool_stats(p, &b);
  CHECK(!atomic_load(&q.timed_out), "%s: the sleeping worker never ran a chunk of call %d", backend, i);
  CHECK(b.caller_items - a.caller_items == 1, "%s: caller ran %llu of 2 items in call %d", backend,
        (unsigned long long)(b.caller_items - a.caller_items), i);
  *ms = took / 1e6;
  return b.wakes == a.wakes && took >= MISSED_WAKE_NS;
}

static void case_participation(void) {
  if (strcmp(backend, "serial") == 0) return; /* no workers by design */
  pool *p = make(2, 0);
  test_phase("participation (cold)", p);
  await_ready(p);
  CHECK(await_state(p, POOL_WORKER_SLEEPING), "%s: cold workers not asleep", backend);
  /* The references (OpenMP, oneTBB) manage their threads themselves: their
   * first call only has to run a chunk on a worker. Our pools' calls, one
   * after each time the worker went back to sleep, must each reach it. */
  bool ours = pool_backend_has_workers(backend);
  int calls = ours ? 51 : 1, missed = 0;
  double slowest = 0;
  for (int i = 0; i < calls; i++) {
    CHECK(await_state(p, POOL_WORKER_SLEEPING), "%s: worker not asleep before call %d", backend, i);
    plat_sleep_ns(2000000); /* past the state store, into the backend's wait */
    double ms;
    if (call_missed_sleeper(p, i, &ms) && ours) {
      missed++;
      if (ms > slowest) slowest = ms;
    }
  }
  CHECK(missed == 0, "%s: %d of %d calls to a sleeping worker issued no wake-up and waited up "
        "to %.0f ms for it: a wake-up skipped for a new sleep", backend, missed, calls, slowest);
  pool_destroy(p);
  if (!ours) return;

  /* Warm forever: nobody sleeps, so not one wake-up may be issued. */
  pool_options o = {.spin_ns = POOL_SPIN_FOREVER, .warm = 1};
  CHECK(pool_create(&p, backend, 2, &o) == POOL_OK, "%s", backend);
  test_phase("no wake-ups when warm", p);
  await_ready(p);
  CHECK(await_state(p, POOL_WORKER_SPINNING), "%s: warm workers not spinning", backend);
  for (int i = 0; i < 2000; i++) {
    rendezvous q = {0};
    CHECK(pool_parallel_for(p, 0, 2, 1, rendezvous_body, &q) == POOL_OK, "%s", backend);
    CHECK(!atomic_load(&q.timed_out), "%s: warm worker missed call %d", backend, i);
  }
  pool_stats_t s;
  pool_stats(p, &s);
  CHECK(s.wakes == 0, "%s: %llu wake-ups issued while every thread spun", backend,
        (unsigned long long)s.wakes);
  pool_destroy(p);
}

static void nop_body(void *ctx, size_t b, size_t e) { (void)ctx, (void)b, (void)e; }

/* A thread the kernel moves onto a pinned spinner's CPU gets it within the
 * spinner's yield period (~0.2-0.3 ms measured with the move), not after the
 * spin budget (here: forever) or the kernel's time slice (~4 ms measured
 * without the yield). The median of 9 moves, 2 ms apart from either. Needs
 * pinning: under Wasm nothing shares a CPU with a pinned spinner. */
static void case_shared_cpu(void) {
  int ncpu = plat_cpu_count();
  if (!pool_backend_has_workers(backend) || ncpu < 2) return;
  pool_options o = {.spin_ns = POOL_SPIN_FOREVER, .warm = 1};
  pool *p = NULL;
  CHECK(pool_create(&p, backend, 2, &o) == POOL_OK, "%s", backend);
  test_phase("a thread moved onto a spinning worker's CPU", p);
  await_ready(p);
  enum { MOVES = 9 };
  uint64_t wait[MOVES];
  for (int i = 0; i < MOVES; i++) {
    int home = i % 2;
    if (plat_pin_thread(pthread_self(), home) != 0) { /* this platform cannot pin */
      pool_destroy(p);
      return;
    }
    /* The call re-pins the worker to the CPU after the caller's. */
    CHECK(pool_parallel_for(p, 0, 2, 1, nop_body, NULL) == POOL_OK, "%s", backend);
    CHECK(await_state(p, POOL_WORKER_SPINNING), "%s: worker not spinning", backend);
    uint64_t t0 = plat_now_ns();
    plat_pin_thread(pthread_self(), (home + 1) % ncpu);
    wait[i] = plat_now_ns() - t0;
  }
  for (int i = 1; i < MOVES; i++) /* insertion sort: the median */
    for (int j = i; j > 0 && wait[j - 1] > wait[j]; j--) {
      uint64_t t = wait[j];
      wait[j] = wait[j - 1], wait[j - 1] = t;
    }
  CHECK(wait[MOVES / 2] < 2000000u, "%s: a thread moved onto the spinning worker's CPU waited %.2f ms "
        "(median of %d): the spin does not yield", backend, wait[MOVES / 2] / 1e6, MOVES);
  pool_destroy(p);
}

/* ---- solo: a worker woken onto its caller's CPU runs in the caller's place
 * (Wasm has no affinity; hosts that pack vCPUs place it there). Reproduced
 * natively by sharing one CPU and giving the caller the idle class. adaptive
 * then goes solo: no wake-up for short calls, still one for a long call. ---- */
static void busy_body(void *ctx, size_t b, size_t e) {
  uint64_t ns = *(const uint64_t *)ctx * (e - b), t0 = plat_now_ns();
  while (plat_now_ns() - t0 < ns) {
  }
}

typedef struct starved_call {
  pool *p;
  int idle;              /* plat_idle_priority's result */
  uint64_t caller_items; /* of the call's 8 */
  uint64_t done_ns;      /* when the call returned */
} starved_call;

static void *call_idle_class(void *arg) {
  starved_call *s = arg;
  if ((s->idle = plat_idle_priority()) != 0) return NULL;
  uint64_t item_ns = 20000;
  pool_stats_t a, b;
  pool_stats(s->p, &a);
  CHECK(pool_parallel_for(s->p, 0, 8, 1, busy_body, &item_ns) == POOL_OK, "%s", backend);
  s->done_ns = plat_now_ns();
  pool_stats(s->p, &b);
  s->caller_items = b.caller_items - a.caller_items;
  return NULL;
}

/* Calls that must fall inside the first solo window (4 ms) start within 3 ms
 * of the starved call, or the attempt says nothing (a loaded machine). */
#define SOLO_WITHIN_NS 3000000u

/* One attempt on a fresh pool: 1 checked, 0 says nothing (no starved call in
 * 5 tries, or the next calls came too late), -1 no idle class here. */
static int solo_attempt(void) {
  pool_options o = {.warm = 1, .no_pin = true}; /* the worker inherits the caller's one CPU */
  pool *p = NULL;
  CHECK(pool_create(&p, backend, 2, &o) == POOL_OK, "%s", backend);
  test_phase("solo: a caller starved by the worker it woke", p);
  await_ready(p);
  starved_call s = {p, 0, 8, 0};
  for (int i = 0; i < 5 && s.caller_items * 4 >= 8; i++) {
    CHECK(await_state(p, POOL_WORKER_SLEEPING), "%s: worker not asleep", backend);
    plat_sleep_ns(2000000); /* past the state store, into the futex wait */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, call_idle_class, &s) == 0, "%s: pthread_create", backend);
    pthread_join(t, NULL);
    if (s.idle != 0) {
      pool_destroy(p);
      return -1;
    }
  }
  if (s.caller_items * 4 >= 8) { /* the woken worker never ran in the caller's place */
    pool_destroy(p);
    return 0;
  }

  test_phase("solo: a short call right after", p);
  CHECK(await_state(p, POOL_WORKER_SLEEPING), "%s: worker not asleep", backend);
  plat_sleep_ns(500000); /* into the futex wait */
  uint64_t item_ns = 20000;
  pool_stats_t a, b;
  pool_stats(p, &a);
  uint64_t t0 = plat_now_ns();
  CHECK(pool_parallel_for(p, 0, 8, 1, busy_body, &item_ns) == POOL_OK, "%s", backend);
  pool_stats(p, &b);
  if (t0 - s.done_ns > SOLO_WITHIN_NS) {
    pool_destroy(p);
    return 0;
  }
  CHECK(b.wakes == a.wakes && b.caller_items - a.caller_items == 8,
        "%s: after a starved call, a short call issued %llu wake-ups and ran %llu of 8 items "
        "on the caller (want 0 and 8: solo)", backend, (unsigned long long)(b.wakes - a.wakes),
        (unsigned long long)(b.caller_items - a.caller_items));

  test_phase("solo: a long call", p);
  item_ns = 1000000; /* 8 ms in all, past the 1 ms a solo call runs alone */
  pool_stats(p, &a);
  t0 = plat_now_ns();
  CHECK(pool_parallel_for(p, 0, 8, 1, busy_body, &item_ns) == POOL_OK, "%s", backend);
  pool_stats(p, &b);
  if (t0 - s.done_ns > SOLO_WITHIN_NS) {
    pool_destroy(p);
    return 0;
  }
  CHECK(b.wakes > a.wakes, "%s: a long solo call never woke the sleeping worker", backend);
  CHECK(b.caller_items - a.caller_items < 8, "%s: the woken worker ran none of a long call's items",
        backend);
  pool_destroy(p);
  return 1;
}

static void case_solo(void) {
  /* The other pools keep waking (pools.participation checks that). */
  if (strcmp(backend, "adaptive") != 0) return;
  if (plat_pin_thread(pthread_self(), plat_current_cpu()) != 0) return; /* cannot share a CPU on purpose */
  int r = 0;
  for (int i = 0; i < 5 && r == 0; i++) r = solo_attempt();
  CHECK(r != 0, "%s: 5 attempts said nothing: an idle-class caller sharing the worker's CPU was "
        "never starved by the worker it woke, or the next call came later than %.0f ms (a loaded "
        "machine?)", backend, SOLO_WITHIN_NS / 1e6);
}

static void case_bad_input(void) {
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
  pool_stats_t s;
  pool_stats(p, &s);
  CHECK(s.calls == 1, "rejected calls must not be counted (%llu)", (unsigned long long)s.calls);
  pool_destroy(p);
  pool_destroy(NULL);
  CHECK(strcmp(pool_strerror(POOL_EBACKEND), pool_strerror(POOL_ETHREADS)) != 0, "distinct messages");
}

/* backend.h's pairing rules hold at registration: a backend with only one
 * of wait and wake, or run beside them, is refused with a code of its own,
 * never called. */
static void wait_stub(void *s, pool_channel ch, pool_word *w, uint32_t x, uint64_t t) {
  (void)s, (void)ch, (void)w, (void)x, (void)t;
}
static void wake_stub(void *s, pool_channel ch, pool_word *w, int n) { (void)s, (void)ch, (void)w, (void)n; }
static int run_stub(void *s, int t, size_t b, size_t e, size_t g, pool_body body, void *ctx,
                    uint64_t *mine) {
  (void)s, (void)t, (void)b, (void)e, (void)g, (void)body, (void)ctx, (void)mine;
  return POOL_OK;
}

static void case_protocol(void) {
  test_phase("protocol", NULL);
  const pool_backend *b = pool_backend_find(backend);
  CHECK(b && pool_backend_check(b) == POOL_OK, "%s: breaks backend.h: %s", backend,
        pool_strerror(pool_backend_check(b)));
  static const pool_backend no_wake = {.name = "x", .description = "x", .wait = wait_stub};
  static const pool_backend no_wait = {.name = "x", .description = "x", .wake = wake_stub};
  static const pool_backend both = {.name = "x", .description = "x", .wait = wait_stub,
                                    .wake = wake_stub, .run = run_stub};
  static const pool_backend nameless = {.wait = wait_stub, .wake = wake_stub};
  CHECK(pool_backend_check(&no_wake) == POOL_EPROTOCOL, "wait without wake accepted");
  CHECK(pool_backend_check(&no_wait) == POOL_EPROTOCOL, "wake without wait accepted");
  CHECK(pool_backend_check(&both) == POOL_EPROTOCOL, "run beside wait and wake accepted");
  CHECK(pool_backend_check(&nameless) == POOL_EPROTOCOL, "a backend without a name accepted");
  const char *msg = pool_strerror(POOL_EPROTOCOL);
  CHECK(strcmp(msg, pool_strerror(-1000)) != 0 && !strchr(msg, '\n'), "POOL_EPROTOCOL: no message of its own");
}

static const struct {
  const char *name;
  void (*run)(void);
  unsigned deadline_s;
} cases[] = {
    {"coverage", case_coverage, 120},
    {"back_to_back", case_back_to_back, 240},
    {"concurrent", case_concurrent, 120},
    {"nested", case_nested, 120},
    {"toggle", case_toggle, 120},
    {"create_destroy", case_create_destroy, 240},
    {"destroy_warm", case_destroy_warm, 60},
    {"participation", case_participation, 60},
    {"shared_cpu", case_shared_cpu, 60},
    {"solo", case_solo, 60},
    {"bad_input", case_bad_input, 30},
    {"protocol", case_protocol, 30},
};

int main(int argc, char **argv) {
  size_t ncases = sizeof cases / sizeof *cases;
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: test_pools CASE [BACKEND]\ncases:");
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
    for (int b = 0; b < pool_backend_count(); b++) {
      backend = pool_backend_at(b);
      if (argc == 3 && strcmp(argv[2], backend) != 0) continue;
      uint64_t t0 = plat_now_ns();
      cases[i].run();
      printf("ok %s %s (%.2f s)\n", cases[i].name, backend, (plat_now_ns() - t0) / 1e9);
    }
    return 0;
  }
  fprintf(stderr, "test_pools: unknown case '%s'\n", argv[1]);
  return 2;
}
