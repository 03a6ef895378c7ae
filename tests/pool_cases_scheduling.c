/* Scheduling, for every backend: workers really take part and wake-ups go
 * only to sleepers; a spinner gives its CPU to a thread moved onto it; a
 * worker woken onto its caller's CPU makes adaptive go solo. */
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

void case_participation(void) {
  if (strcmp(backend, "serial") == 0) { /* no workers by design */
    case_not_applicable();
    return;
  }
  pool *p = make(2, POOL_MODE_COLD);
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
  pool_options o = {.spin_ns = POOL_SPIN_FOREVER, .mode = POOL_MODE_WARM};
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


/* A thread the kernel moves onto a pinned spinner's CPU gets it within the
 * spinner's yield period (~0.2-0.3 ms measured with the move), not after the
 * spin budget (here: forever) or the kernel's time slice (~4 ms measured
 * without the yield). The median of 9 moves, 2 ms apart from either. Needs
 * pinning: under Wasm nothing shares a CPU with a pinned spinner. */
void case_shared_cpu(void) {
  /* Counted once: the case pins this thread, and the count is of the CPUs
   * the calling thread may run on (later backends would read one). */
  static int ncpu;
  if (!ncpu) ncpu = plat_cpu_count();
  if (!pool_backend_has_workers(backend)) {
    case_not_applicable();
    return;
  }
  if (ncpu < 2) {
    case_skip("one CPU: nothing to move onto the worker's");
    return;
  }
  pool_options o = {.spin_ns = POOL_SPIN_FOREVER, .mode = POOL_MODE_WARM};
  pool *p = NULL;
  CHECK(pool_create(&p, backend, 2, &o) == POOL_OK, "%s", backend);
  test_phase("a thread moved onto a spinning worker's CPU", p);
  await_ready(p);
  enum { MOVES = 9 };
  uint64_t wait[MOVES];
  for (int i = 0; i < MOVES; i++) {
    int home = i % 2;
    if (plat_pin_thread(pthread_self(), home) != 0) {
      pool_destroy(p);
      case_skip("this platform cannot pin a thread");
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
  pool_options o = {.mode = POOL_MODE_WARM, .no_pin = true}; /* the worker inherits the caller's one CPU */
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

void case_solo(void) {
  /* The other pools keep waking (pools.participation checks that). */
  if (strcmp(backend, "adaptive") != 0) {
    case_not_applicable();
    return;
  }
  if (plat_pin_thread(pthread_self(), plat_current_cpu()) != 0) {
    case_skip("this platform cannot pin a thread (to share a CPU on purpose)");
    return;
  }
  int r = 0;
  for (int i = 0; i < 5 && r == 0; i++) r = solo_attempt();
  if (r < 0) {
    case_skip("no idle scheduling class here (SCHED_IDLE)");
    return;
  }
  CHECK(r != 0, "%s: 5 attempts said nothing: an idle-class caller sharing the worker's CPU was "
        "never starved by the worker it woke, or the next call came later than %.0f ms (a loaded "
        "machine?)", backend, SOLO_WITHIN_NS / 1e6);
}
