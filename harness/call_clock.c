/* The per-call clock (call_clock.h): the system clock, or a counter thread
 * calibrated against it. */
#include "call_clock.h"

#include <math.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "kernel.h"
#include "platform.h"
#include "timer.h"

#define COARSE_NS 1000.0         /* a system clock above this step is too coarse per call */
#define WINDOW_NS 100000000u     /* each of the two calibration windows */
#define STEADY 0.01              /* their rates must agree this well */
#define ATTEMPTS 4
#define RETRY_PAUSE_NS 250000000u /* a Wasm engine's start-up compiling settles meanwhile */
#define CHECKS 3                 /* 100 ms intervals read on both clocks after calibrating */
#define SHORT_N 2000             /* short intervals, each read on both clocks */
#define SHORT_ITERS 2000         /* delay-kernel iterations in one (~1-3 us) */

struct call_clock {
  alignas(64) pool_u64 ticks; /* the counter's own line: only it writes */
  alignas(64) atomic_bool stop;
  pthread_t thread;
  bool started, counter;
  const char *choice;
  char why[200];
  double step_ns, system_step_ns;
  double ns_per_tick, steadiness;
  uint64_t tick0, ns0;
  double checks[CHECKS][2]; /* system ns, counter ns over one interval */
  double short_mean_ns, short_bias_ns;
};

/* A tick is a few ns of the delay kernel and a store without a barrier:
 * a reader taking the line then costs the counter little, as the store
 * waits in the store buffer (a barrier per store stalls the count each time
 * a call is timed). The count still runs at the speed of the core it gets,
 * so short intervals can read short while the caller is busy (short_bias_ns
 * in the header says by how much, for every run; docs/measurements.md). */
#define TICK_ITERS 8
static void *count(void *arg) {
  call_clock *cc = arg;
  uint64_t n = 0;
  while (!atomic_load_explicit(&cc->stop, memory_order_relaxed)) {
    harness_spin_iters(TICK_ITERS);
    plat_publish_u64(&cc->ticks, ++n);
  }
  return NULL;
}

static uint64_t ticks(const call_clock *cc) {
  return atomic_load_explicit(&cc->ticks, memory_order_relaxed);
}

static uint64_t counter_now_ns(const call_clock *cc) {
  return cc->ns0 + (uint64_t)llround((double)(ticks(cc) - cc->tick0) * cc->ns_per_tick);
}

static uint64_t counter_now_of(const void *cc) { return counter_now_ns(cc); }

uint64_t call_clock_now_ns(const call_clock *cc) {
  return cc->counter ? counter_now_ns(cc) : plat_now_ns();
}
double call_clock_step_ns(const call_clock *cc) { return cc->step_ns; }
bool call_clock_shared(const call_clock *cc) { return cc->counter || host_threads_share_clock(); }

/* ns per tick over two windows back to back; -1 when the counter did not
 * move, and *steadiness how far the two windows' rates differ. */
static double calibrate(const call_clock *cc, double *steadiness, uint64_t *t0, uint64_t *c0) {
  *t0 = plat_now_ns(), *c0 = ticks(cc);
  plat_sleep_ns(WINDOW_NS);
  uint64_t t1 = plat_now_ns(), c1 = ticks(cc);
  plat_sleep_ns(WINDOW_NS);
  uint64_t t2 = plat_now_ns(), c2 = ticks(cc);
  if (c1 == *c0 || c2 == c1) return -1;
  double r1 = (double)(t1 - *t0) / (double)(c1 - *c0), r2 = (double)(t2 - t1) / (double)(c2 - c1);
  *steadiness = fabs(r1 / r2 - 1);
  return (double)(t2 - *t0) / (double)(c2 - *c0);
}

/* What the counter reads against the system clock once calibrated: long
 * intervals (its rate) and many short ones read as a timed call reads it
 * (a reading costs the counting thread its cache line: the bias per call). */
static void check(call_clock *cc) {
  for (int i = 0; i < CHECKS; i++) {
    uint64_t s0 = plat_now_ns(), k0 = counter_now_ns(cc);
    plat_sleep_ns(WINDOW_NS);
    cc->checks[i][1] = (double)(counter_now_ns(cc) - k0);
    cc->checks[i][0] = (double)(plat_now_ns() - s0);
  }
  /* Each clock's two readings alternately inside and outside the other's,
   * so what a reading costs cancels and only the counter's rate remains. */
  double sys = 0, ctr = 0;
  for (int i = 0; i < SHORT_N; i++) {
    uint64_t s0, k0, s1, k1;
    if (i % 2) s0 = plat_now_ns(), k0 = counter_now_ns(cc);
    else k0 = counter_now_ns(cc), s0 = plat_now_ns();
    harness_spin_iters(SHORT_ITERS);
    if (i % 2) k1 = counter_now_ns(cc), s1 = plat_now_ns();
    else s1 = plat_now_ns(), k1 = counter_now_ns(cc);
    sys += (double)(s1 - s0), ctr += (double)(k1 - k0);
  }
  cc->short_mean_ns = sys / SHORT_N;
  cc->short_bias_ns = (ctr - sys) / SHORT_N;
}

/* The largest relative difference of the long checks (the counter's rate
 * against the system clock's after calibration). */
static double check_error(const call_clock *cc) {
  double worst = 0;
  for (int i = 0; i < CHECKS; i++)
    worst = fmax(worst, cc->checks[i][0] > 0 ? fabs(cc->checks[i][1] / cc->checks[i][0] - 1) : 1);
  return worst;
}

static void stop_counter(call_clock *cc) {
  cc->counter = false;
  cc->step_ns = cc->system_step_ns;
  if (!cc->started) return;
  atomic_store(&cc->stop, true);
  pthread_join(cc->thread, NULL);
  cc->started = false;
}

/* Starts and calibrates the counter, then checks it; 0, or -1 with why in
 * cc->why. A counter that runs unsteadily (its thread shares a core) or
 * drifts from the system clock after calibrating is not used: its figures
 * would be wrong, not just coarse. */
static int start_counter(call_clock *cc) {
  atomic_store(&cc->stop, false);
  if (pthread_create(&cc->thread, NULL, count, cc) != 0) {
    snprintf(cc->why, sizeof cc->why, "the counter clock's thread could not be created");
    return -1;
  }
  cc->started = true;
  for (int a = 0; a < ATTEMPTS; a++) {
    if (a > 0) plat_sleep_ns(RETRY_PAUSE_NS);
    cc->ns_per_tick = calibrate(cc, &cc->steadiness, &cc->ns0, &cc->tick0);
    if (cc->ns_per_tick < 0) {
      snprintf(cc->why, sizeof cc->why, "the counter clock's thread did not run");
      break;
    }
    if (cc->steadiness > STEADY) {
      snprintf(cc->why, sizeof cc->why, "the counter clock ran unsteadily (two 100 ms windows %.1f%% "
               "apart, bound %.0f%%): is a core free for it?", cc->steadiness * 100, STEADY * 100);
      continue;
    }
    check(cc);
    double err = check_error(cc);
    if (err <= STEADY) {
      cc->counter = true;
      cc->step_ns = timer_measure_step_of(counter_now_of, cc);
      return 0;
    }
    snprintf(cc->why, sizeof cc->why, "the counter clock drifted %.1f%% from the system clock over "
             "100 ms after calibrating (bound %.0f%%): is a core free for it?", err * 100, STEADY * 100);
  }
  stop_counter(cc);
  return -1;
}

/* Aligned: the counter's word has a cache line of its own. */
static call_clock *clock_new(void) {
  size_t size = (sizeof(call_clock) + 63) / 64 * 64;
  call_clock *cc = aligned_alloc(64, size);
  if (cc) memset(cc, 0, size);
  return cc;
}

call_clock *call_clock_start(const char *choice, int threads, double system_step_ns, char *err,
                             size_t errlen) {
  call_clock *cc = clock_new();
  if (!cc) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  cc->choice = choice ? choice : "auto";
  cc->step_ns = cc->system_step_ns = system_step_ns;
  int cores = plat_cpu_count();
  /* A pool of P takes P - 1 threads, the watchdog one: the counter needs one more. */
  bool room = threads + 1 <= host_max_threads();
  if (strcmp(cc->choice, "system") == 0) {
    snprintf(cc->why, sizeof cc->why, "--clock system");
    return cc;
  }
  if (strcmp(cc->choice, "counter") == 0) {
    if (!room) {
      snprintf(err, errlen, "--clock counter needs a thread beyond the pool's: at most %d threads here",
               host_max_threads() - 1);
      free(cc);
      return NULL;
    }
    if (start_counter(cc) != 0) {
      snprintf(err, errlen, "--clock counter: %s", cc->why);
      free(cc);
      return NULL;
    }
    snprintf(cc->why, sizeof cc->why, "--clock counter");
    return cc;
  }
  if (system_step_ns <= COARSE_NS) {
    snprintf(cc->why, sizeof cc->why, "the system clock's step (%.0f ns) is fine enough", system_step_ns);
    return cc;
  }
  if (cores <= threads + 1 || !room) {
    snprintf(cc->why, sizeof cc->why, "the system clock's step is %.0f ns, but no core is free for a "
             "counter clock (%d logical cores, P + 1 = %d)", system_step_ns, cores, threads + 1);
    return cc;
  }
  if (start_counter(cc) != 0) return cc; /* auto: the system clock, and why */
  snprintf(cc->why, sizeof cc->why, "the system clock's step is %.0f ns and a core is free (%d logical "
           "cores > P + 1 = %d)", system_step_ns, cores, threads + 1);
  return cc;
}

void call_clock_probe(const call_clock *cc, json *j) {
  json_key_obj_begin(j, "clock");
  json_str(j, "per_call", cc->counter ? "counter" : "system");
  json_str(j, "choice", cc->choice ? cc->choice : "auto");
  json_str(j, "why", cc->why);
  json_num(j, "step_ns", cc->step_ns);
  json_num(j, "system_step_ns", cc->system_step_ns);
  json_num(j, "ns_per_tick", cc->counter ? cc->ns_per_tick : NAN);
  json_num(j, "calibration_ms", cc->counter ? 2 * WINDOW_NS / 1e6 : NAN);
  json_num(j, "steadiness", cc->counter ? cc->steadiness : NAN);
  json_arr_begin(j, "checks");
  for (int i = 0; cc->counter && i < CHECKS; i++) {
    json_arr_begin(j, NULL);
    json_num(j, NULL, cc->checks[i][0]);
    json_num(j, NULL, cc->checks[i][1]);
    json_arr_end(j);
  }
  json_arr_end(j);
  json_num(j, "short_mean_ns", cc->counter ? cc->short_mean_ns : NAN);
  json_num(j, "short_bias_ns", cc->counter ? cc->short_bias_ns : NAN);
  json_obj_end(j);
}

void call_clock_close(call_clock *cc) {
  if (!cc) return;
  stop_counter(cc);
  free(cc);
}
