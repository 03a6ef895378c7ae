/* The hazard catalogue: known ways threads misbehave (on Wasm above all),
 * each reproduced in isolation and ended with a verdict record:
 * "reproduced" (with the measured evidence), "not reproduced" (the platform
 * behaves) or "error". The watchdog guards every hazard like any job. */
#include "hazards.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_internal.h"
#include "host.h"
#include "platform.h"
#include "pool.h"
#include "stats.h"
#include "watchdog.h"

#define READY_DEADLINE_NS 10000000000u

static void verdict(harness *h, const char *hazard, const char *v, const char *evidence,
                    const harness_extra *ex, int nex) {
  json j;
  harness_record_begin(h, &j, "hazard");
  json_str(&j, "hazard", hazard);
  json_str(&j, "verdict", v);
  json_str(&j, "evidence", evidence);
  for (int i = 0; i < nex; i++) json_num(&j, ex[i].name, ex[i].value);
  harness_write_record(h, &j);
  printf("%-16s %-15s %s\n", hazard, v, evidence);
  fflush(stdout);
}

static void nop(void *ctx, size_t b, size_t e) { (void)ctx, (void)b, (void)e; }

/* 4. Using a pool before its workers are ready: calls run inline (they must
 * never wait for a thread that has not started). */
static int before_ready(harness *h, int threads) {
  enum { REPS = 5 };
  double ready_us[REPS], inline_calls[REPS], calls[REPS];
  for (int r = 0; r < REPS; r++) {
    pool *p = NULL;
    uint64_t t0 = plat_now_ns();
    if (pool_create(&p, "futex", threads, NULL) != POOL_OK) {
      verdict(h, "before_ready", "error", "pool_create failed", NULL, 0);
      return -1;
    }
    uint64_t n = 0;
    while (pool_ready_threads(p) < threads) {
      pool_parallel_for(p, 0, 64, 1, nop, NULL);
      n++;
      if (plat_now_ns() - t0 > READY_DEADLINE_NS) {
        pool_destroy(p);
        verdict(h, "before_ready", "error", "workers not ready after 10 s", NULL, 0);
        return -1;
      }
    }
    pool_stats_t s;
    pool_stats(p, &s);
    ready_us[r] = (double)(plat_now_ns() - t0) / 1e3;
    inline_calls[r] = (double)s.inline_calls;
    calls[r] = (double)n;
    pool_destroy(p);
  }
  double ready = stats_of(ready_us, REPS).median, inl = stats_of(inline_calls, REPS).median;
  char ev[256];
  snprintf(ev, sizeof ev,
           "workers ready %.0f us after pool_create (median of %d); %.0f of %.0f calls made "
           "meanwhile ran inline on the caller, none waited",
           ready, REPS, inl, stats_of(calls, REPS).median);
  harness_extra ex[] = {{"ready_us", ready}, {"inline_calls", inl}};
  verdict(h, "before_ready", inl > 0 ? "reproduced" : "not reproduced", ev, ex, 2);
  return 0;
}

/* 5. std::atomic::wait without a futex underneath (Emscripten 3.1.6's libc++
 * polls and sleeps in growing steps): wake latency after an idle gap, and the
 * CPU burnt while waiting, next to the futex pool on the same platform. */
typedef struct wake_probe {
  pthread_t caller;
  _Atomic int worker_started;
  uint64_t seen_ns; /* caller's clock: the only clock that compares */
} wake_probe;

static void wake_body(void *ctx, size_t b, size_t e) {
  (void)b, (void)e;
  wake_probe *w = ctx;
  if (!pthread_equal(pthread_self(), w->caller)) {
    atomic_store(&w->worker_started, 1);
    return;
  }
  uint64_t until = plat_now_ns() + 5000000000u;
  while (!atomic_load(&w->worker_started) && plat_now_ns() < until) plat_cpu_relax();
  w->seen_ns = atomic_load(&w->worker_started) ? plat_now_ns() : 0;
}

/* Median wake latency (us) after idle_ms, and CPU share while idle (-1: no
 * CPU clock). */
static int measure_wake(harness *h, const char *backend, int idle_ms, double *wake_us,
                        double *idle_cpu) {
  enum { REPS = 5 };
  pool_options o = {.mode = POOL_MODE_COLD};
  pool *p = NULL;
  if (pool_create(&p, backend, 2, &o) != POOL_OK) return -1;
  if (pool_await_ready(p, READY_DEADLINE_NS) != POOL_OK) { /* calls would run inline: nothing to wake */
    pool_destroy(p);
    return -2;
  }
  watchdog_watch(harness_watchdog(h), p);
  double lat[REPS], cpu[REPS];
  int ok = 0;
  for (int r = 0; r < REPS; r++) {
    int64_t c0 = host_cpu_time_ns();
    uint64_t w0 = plat_now_ns();
    plat_sleep_ns((uint64_t)idle_ms * 1000000u);
    int64_t c1 = host_cpu_time_ns();
    cpu[r] = c0 < 0 ? -1 : (double)(c1 - c0) / (double)(plat_now_ns() - w0);
    wake_probe w = {.caller = pthread_self()};
    uint64_t t0 = plat_now_ns();
    /* Two one-item chunks: the caller keeps the first until the worker
     * takes the second, so the call measures one real wake-up. */
    pool_parallel_for(p, 0, 2, 1, wake_body, &w);
    if (w.seen_ns) lat[ok++] = (double)(w.seen_ns - t0) / 1e3;
  }
  watchdog_watch(harness_watchdog(h), NULL);
  pool_destroy(p);
  if (!ok) return -1;
  *wake_us = stats_of(lat, (size_t)ok).median;
  *idle_cpu = stats_of(cpu, REPS).median;
  return 0;
}

static int atomic_wait_wake(harness *h) {
  static const int idle_ms[] = {1, 10, 100};
  double aw[3], fx[3], awc[3], fxc[3];
  for (int i = 0; i < 3; i++) {
    int rc = measure_wake(h, "atomic_wait", idle_ms[i], &aw[i], &awc[i]);
    if (rc == 0) rc = measure_wake(h, "futex", idle_ms[i], &fx[i], &fxc[i]);
    if (rc != 0) {
      verdict(h, "atomic_wait_wake", "error",
              rc == -2 ? "the pool's worker did not start within 10 s"
                       : "no worker took its chunk within 5 s in any repetition", NULL, 0);
      return -1;
    }
  }
  char ev[400];
  int n = snprintf(ev, sizeof ev,
                   "wake after 1/10/100 ms idle: atomic_wait %.0f/%.0f/%.0f us, futex %.0f/%.0f/%.0f us",
                   aw[0], aw[1], aw[2], fx[0], fx[1], fx[2]);
  if (awc[2] >= 0)
    snprintf(ev + n, sizeof ev - (size_t)n, "; CPU while waiting 100 ms: atomic_wait %.1f%%, futex %.1f%%",
             awc[2] * 100, fxc[2] * 100);
  harness_extra ex[] = {{"atomic_wait_wake_1ms_us", aw[0]}, {"atomic_wait_wake_10ms_us", aw[1]},
                        {"atomic_wait_wake_100ms_us", aw[2]}, {"futex_wake_1ms_us", fx[0]},
                        {"futex_wake_10ms_us", fx[1]}, {"futex_wake_100ms_us", fx[2]},
                        {"atomic_wait_idle_cpu", awc[2] >= 0 ? awc[2] : NAN},
                        {"futex_idle_cpu", fxc[2] >= 0 ? fxc[2] : NAN}};
  /* The hazard: waking takes milliseconds (polling with sleeps), far beyond a
   * futex wake-up on the same platform. */
  bool slow = aw[2] >= 1000 && aw[2] >= 5 * fx[2];
  verdict(h, "atomic_wait_wake", slow ? "reproduced" : "not reproduced", ev, ex, 8);
  return 0;
}

/* 6. console.log from a worker is asynchronous under Node and lost at exit;
 * the synchronous sink is not. A pthread writes each line both ways, then the
 * program exits at once. Only what reached stdout tells the verdict, so the
 * driver (report/diagnose.py) counts it and writes the verdict record. */
#define CONSOLE_LINES 200

static void *console_writer(void *arg) {
  harness *h = arg;
  for (int i = 0; i < CONSOLE_LINES; i++) {
    char line[64];
    snprintf(line, sizeof line, "poolbench console line %d", i);
    host_console_log(line);
    json j;
    harness_record_begin(h, &j, "console_probe");
    json_int(&j, "line", i);
    harness_write_record(h, &j);
  }
  return NULL;
}

static int console_loss(harness *h) {
  if (!host_console_log(NULL)) return 1; /* no asynchronous console here */
  pthread_t th;
  if (pthread_create(&th, NULL, console_writer, h) != 0) return -1;
  pthread_join(th, NULL);
  return 0;
}

/* 1. Blocking right after pthread_create: under Emscripten a thread without a
 * pre-created worker starts only when the creating thread returns to the
 * event loop, so waiting for it right away waits forever. The builds here
 * pre-create workers (not reproduced); the CLI target poolbench_nopool
 * (Node and Chromium) pre-creates none. The wait is bounded: 2 s, in 1 ms slices. */
/* Static: the detached thread may start after the call gave up on it, and
 * its flag must still be there. */
static pool_word started_flag;

static void *starter(void *arg) {
  (void)arg;
  atomic_store(&started_flag, 1);
  plat_futex_wake(&started_flag, 1);
  return NULL;
}

static int late_start(harness *h) {
  atomic_store(&started_flag, 0);
  int pool = host_pre_created_threads(); /* before this thread adds one */
  pthread_t th;
  uint64_t t0 = plat_now_ns();
  if (pthread_create(&th, NULL, starter, NULL) != 0) {
    verdict(h, "late_start", "error", "pthread_create failed", NULL, 0);
    return -1;
  }
  pthread_detach(th); /* never joined: it may never start */
  while (!atomic_load(&started_flag) && plat_now_ns() - t0 < 2000000000u)
    plat_futex_wait(&started_flag, 0, 1000000u);
  double ms = (double)(plat_now_ns() - t0) / 1e6;
  char ev[200];
  harness_extra ex[] = {{"waited_ms", ms}, {"pre_created_workers", pool}};
  if (atomic_load(&started_flag)) {
    snprintf(ev, sizeof ev, "the new thread ran %.3f ms after pthread_create while its creator "
             "blocked (%d pre-created workers)", ms, pool);
    verdict(h, "late_start", "not reproduced", ev, ex, 2);
  } else {
    snprintf(ev, sizeof ev, "the new thread had not started after %.0f ms of its creator blocking "
             "(%d pre-created workers): it waits for the event loop to turn", ms, pool);
    verdict(h, "late_start", "reproduced", ev, ex, 2);
  }
  return 0;
}

/* 3. printf from a pthread while the main thread waits without a timeout:
 * under Emscripten a pthread's stdio is proxied to the main thread, which is
 * blocked, so neither moves. Natively printf just works. When the hazard
 * bites, the watchdog fires (its record is the evidence; report/diagnose.py
 * turns it into the verdict) and ends the run. */
static void *printer(void *arg) {
  pool_word *printed = arg;
  printf("poolbench: a line printed by a pthread\n");
  fflush(stdout);
  atomic_store(printed, 1);
  plat_futex_wake(printed, 1);
  return NULL;
}

static int printf_deadlock(harness *h) {
  pool_word printed = 0;
  pthread_t th;
  if (pthread_create(&th, NULL, printer, &printed) != 0) {
    verdict(h, "printf_deadlock", "error", "pthread_create failed", NULL, 0);
    return -1;
  }
  uint64_t t0 = plat_now_ns();
  while (!atomic_load(&printed)) plat_futex_wait(&printed, 0, UINT64_MAX); /* no timeout */
  pthread_join(th, NULL);
  char ev[200];
  snprintf(ev, sizeof ev, "a pthread's printf completed while the main thread waited without a "
           "timeout (%.0f us): stdio is not proxied here", (double)(plat_now_ns() - t0) / 1e3);
  verdict(h, "printf_deadlock", "not reproduced", ev, NULL, 0);
  return 0;
}

static const struct {
  const char *name;
  const char *description;
} catalogue[] = {
    {"late_start", "blocking right after pthread_create without a pre-created worker"},
    {"before_ready", "using a pool before its workers are ready: calls run inline"},
    {"atomic_wait_wake", "std::atomic::wait wake latency and idle CPU vs a futex"},
    {"console_loss", "console.log from a worker lost at exit vs the synchronous sink (Node)"},
    /* Last: where it bites, the watchdog ends the run. */
    {"printf_deadlock", "printf from a pthread while the main thread waits with no timeout"},
};

bool hazard_known(const char *name) {
  for (size_t i = 0; i < sizeof catalogue / sizeof *catalogue; i++)
    if (strcmp(catalogue[i].name, name) == 0) return true;
  return false;
}

void hazard_list(FILE *out) {
  for (size_t i = 0; i < sizeof catalogue / sizeof *catalogue; i++)
    fprintf(out, "  %-16s %s\n", catalogue[i].name, catalogue[i].description);
}

const char *hazard_at(int i) {
  return i >= 0 && i < (int)(sizeof catalogue / sizeof *catalogue) ? catalogue[i].name : NULL;
}

/* Returns 0 after a verdict, 1 when the hazard does not exist on this
 * platform, -1 on error (an "error" verdict was written). */
int hazard_run(harness *h, const char *name, int threads) {
  watchdog_job(harness_watchdog(h), 1, "hazard", name, "default");
  if (strcmp(name, "late_start") == 0) return late_start(h);
  if (strcmp(name, "before_ready") == 0) return before_ready(h, threads < 2 ? 2 : threads);
  if (strcmp(name, "atomic_wait_wake") == 0) return atomic_wait_wake(h);
  if (strcmp(name, "console_loss") == 0) return console_loss(h);
  if (strcmp(name, "printf_deadlock") == 0) return printf_deadlock(h);
  return -1;
}
