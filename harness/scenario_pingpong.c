/* pingpong: the same-run physical references. A round trip between two
 * threads, (a) busy-spinning on flags in their own cache lines and (b) each
 * sleeping on a futex and woken by the other. Overheads are also reported in
 * units of these, which makes figures comparable across machines. */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"
#include "stats.h"
#include "records_schema.h" /* the references' names, generated from records/schema.json */

typedef struct pingpong {
  alignas(64) pool_word ping;
  alignas(64) pool_word pong;
  alignas(64) _Atomic bool stop;
  _Atomic bool started;
  bool futex;
  harness *h;
  /* The caller's batch: once a spin wait slow enough to read the clock finds
   * it past `until_ns`, it stops at the end of that round trip. */
  uint64_t batch_cap_ns, until_ns;
  bool over;
} pingpong;

#define SLICE_NS 100000000u /* bounded sleeps: a lost partner cannot hang us */
#define START_DEADLINE_NS 10000000000u /* 10 s: Wasm threads start late */

/* A spin longer than this is no hardware round trip: the partner lost its
 * CPU to another task. Then the spinner offers its own CPU, so that on a
 * busy machine a round trip costs at most about this, not a whole time
 * slice (a batch sized in a quiet moment would take seconds: no progress
 * for the watchdog). Long against a quiet round trip (0.1-1 us) and against
 * Wasm's yield, a timed wait of ~130 us: were it shorter, one side's yield
 * would make the other wait long enough to yield too, and the two would
 * take turns sleeping for good. */
#define SPIN_YIELD_NS 1000000u

/* A batch runs at most this many times the shortest one: a round trip that
 * costs a time slice (the two threads stacked on one CPU beside another
 * process: on Wasm 2 ms, its yield being a timed wait) would otherwise make
 * a batch sized for cache-line transfers last many seconds. */
#define BATCH_CAP_FACTOR 50

/* Waits until *w != old; returns the new value. `caller`: the timed side,
 * which notes when its batch has run past its end. */
static uint32_t await_change(pingpong *pp, pool_word *w, uint32_t old, bool caller) {
  uint32_t v;
  uint64_t since = 0;
  for (unsigned polls = 1; (v = atomic_load_explicit(w, memory_order_acquire)) == old; polls++) {
    if (atomic_load_explicit(&pp->stop, memory_order_relaxed)) return old;
    if (pp->futex) {
      plat_futex_wait(w, old, SLICE_NS); /* a wake-up: no slow regime to cut */
    } else if (polls % 256 == 0) { /* the clock read is a call out on Wasm: rarely */
      uint64_t now = plat_now_ns();
      if (caller && now > pp->until_ns) pp->over = true;
      if (!since) since = now;
      else if (now - since > SPIN_YIELD_NS) plat_yield();
    } else {
      plat_cpu_relax();
    }
  }
  return v;
}

static void post(pingpong *pp, pool_word *w, uint32_t v) {
  atomic_store_explicit(w, v, memory_order_release);
  if (pp->futex) plat_futex_wake(w, 1);
}

static void *partner(void *arg) {
  pingpong *pp = arg;
  atomic_store_explicit(&pp->started, true, memory_order_release);
  uint32_t seen = 0;
  while (!atomic_load_explicit(&pp->stop, memory_order_relaxed)) {
    seen = await_change(pp, &pp->ping, seen, false);
    post(pp, &pp->pong, seen);
  }
  return NULL;
}

static void round_trips(void *ctx, uint64_t iters) {
  pingpong *pp = ctx;
  pp->over = false;
  pp->until_ns = plat_now_ns() + pp->batch_cap_ns;
  uint32_t v = atomic_load_explicit(&pp->ping, memory_order_relaxed);
  for (uint64_t i = 0; i < iters; i++) {
    post(pp, &pp->ping, ++v);
    while (await_change(pp, &pp->pong, v - 1, true) != v) {
    }
    if (pp->over) { /* each round trip completed: the partner is in step */
      harness_batch_stop(pp->h, i + 1);
      return;
    }
  }
}

/* Measures the round trip into r; -1: the partner thread could not be
 * created; -2: the measurement failed. */
static int measure_into(harness *h, bool futex, harness_result *r) {
  pingpong *pp = aligned_alloc(64, sizeof(pingpong));
  if (!pp) return -2;
  atomic_init(&pp->ping, 0);
  atomic_init(&pp->pong, 0);
  atomic_init(&pp->stop, false);
  atomic_init(&pp->started, false);
  pp->futex = futex;
  pp->h = h;
  pp->batch_cap_ns = (uint64_t)(BATCH_CAP_FACTOR * harness_min_batch_ns(h));
  harness_set_job(h, 2, NULL);
  pthread_t th;
  if (pthread_create(&th, NULL, partner, pp) != 0) {
    free(pp);
    return -1;
  }
  /* Wait for the partner in sleeps, as scenario_pool waits for workers: a
   * Wasm thread may start only once its creator lets the runtime hand it a
   * worker, which a spin never does. */
  uint64_t until = plat_now_ns() + START_DEADLINE_NS;
  while (!atomic_load_explicit(&pp->started, memory_order_acquire) && plat_now_ns() < until)
    plat_sleep_ns(50000);
  int rc = harness_measure(h, round_trips, pp, r) == 0 && r->median > 0 ? 0 : -2;
  if (rc != 0) harness_result_free(r);
  atomic_store(&pp->stop, true);
  post(pp, &pp->ping, atomic_load(&pp->ping) + 1);
  pthread_join(th, NULL);
  free(pp);
  return rc;
}

/* Where counters judge repetitions, a reference another task interfered
 * with (a partner sharing a CPU with it: each round trip a time slice) is
 * taken again, up to REFERENCE_TRIES times in all: the figures are divided
 * by it, and the pools' own checks read it. Under Wasm a reference is the
 * evidence of load beside the jobs, and stands as measured. *tries: how
 * many it took. */
#define REFERENCE_TRIES 4
static int measure_clean(harness *h, bool futex, harness_result *r, int *tries) {
  for (*tries = 1;; ++*tries) {
    int rc = measure_into(h, futex, r);
    if (rc != 0 || *tries == REFERENCE_TRIES || !r->kept_interfered) return rc;
    harness_result_free(r);
  }
}

/* The round trip (ns), or measure_into's error. backend NULL: measured,
 * not emitted. */
static double measure(harness *h, bool futex, const char *backend) {
  harness_result r;
  int tries;
  int rc = measure_clean(h, futex, &r, &tries);
  if (rc != 0) return rc;
  if (backend) {
    harness_key k = {scenario_name_pingpong, backend, "default", 2, 1, 0};
    harness_emit(h, &k, "ns", &r, NULL, 0, NULL, 0);
  }
  double rt = r.median;
  harness_result_free(&r);
  return rt;
}

int scenario_run_pingpong(harness *h, const target *t, summary_row *row) {
  (void)row;
  double spin = measure(h, false, RECORDS_REF_SPIN);
  double futex = measure(h, true, RECORDS_REF_FUTEX);
  if (spin <= 0 || futex <= 0) {
    double bad = spin <= 0 ? spin : futex;
    scenario_error(h, t, scenario_name_pingpong, "%s round trip: %s",
                   spin <= 0 ? "spin" : "futex",
                   bad == -1 ? "could not create the partner thread"
                             : "no valid measurement (partner descheduled or timer stalled)");
    return -1;
  }
  harness_set_references(h, spin, futex);
  return scenario_capacity_measure(h, harness_opts(h)->threads);
}

/* EPCC checks a run's references did not drift while it ran: the spin round
 * trip again at the end, beside the one the run's figures were divided by
 * (a `reference_drift` record; the report calls a drift beyond x2 noisy). */
void scenario_pingpong_recheck(harness *h) {
  double start = harness_spin_rt_ns(h), end = measure(h, false, NULL);
  if (!(start > 0) || !(end > 0)) return;
  json j;
  harness_record_begin(h, &j, "reference_drift");
  json_str(&j, "scenario", scenario_name_pingpong);
  json_str(&j, "backend", RECORDS_REF_SPIN);
  json_num(&j, "start_ns", start);
  json_num(&j, "end_ns", end);
  harness_write_record(h, &j);
}

/* Where no counter says whether a job was interfered with (Wasm), the
 * reference measured right beside it does: the spin round trip again after
 * every job, short (the run's own repetitions of batches of a few ms). A
 * reader judges and scales each job by the checks on either side of it.
 * Where counters judge the jobs themselves, the check only tells whether
 * the host moved the vCPUs, and says so if no try of it came out clean. */
void scenario_pingpong_check(harness *h, int job) {
  harness_beside beside = harness_take_beside(h); /* before the check's own threads run */
  harness_result r;
  int tries;
  if (measure_clean(h, false, &r, &tries) != 0) return;
  stats_interval ci = stats_median_ci(r.samples, (size_t)r.n);
  json j;
  harness_record_begin(h, &j, "reference_check");
  json_str(&j, "scenario", scenario_name_pingpong);
  json_str(&j, "backend", RECORDS_REF_SPIN);
  json_int(&j, "job", job);
  json_num(&j, "median", r.median);
  json_num(&j, "ci_lo", ci.lo);
  json_num(&j, "ci_hi", ci.hi);
  json_int(&j, "n", r.n);
  json_int(&j, "tries", tries);
  if (r.counted) json_bool(&j, "clean", !r.kept_interfered);
  json_num(&j, "others_cores", beside.others_cores);
  json_num(&j, "others_demand", beside.others_demand);
  harness_write_record(h, &j);
  harness_result_free(&r);
}
