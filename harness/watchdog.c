#include "watchdog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_internal.h"
#include "host.h"
#include "platform.h"
#include "pool_watch.h"

#define POLL_NS 50000000u /* 50 ms */
/* A job is stuck when it has made no progress for the deadline, or for this
 * many times the longest pause between its progress so far, whichever is
 * longer: a busy machine slows every step alike, a hang stops them. */
#define STALL_FACTOR 20

static struct {
  harness *h;
  uint64_t deadline_ns;
  pthread_t thread;
  bool running;
  _Atomic bool stop;
  _Atomic int fired; /* exit code requested, 0: none */
  pthread_mutex_t lock; /* guards the job and the watched pool */
  _Atomic uint64_t job; /* bumped per job; the watchdog times it on its own clock */
  _Atomic uint64_t slept_ns; /* the job's deliberate sleeps so far: not counted */
  _Atomic uint64_t progress; /* bumped per finished batch or repetition */
  _Atomic int number;        /* the job's place in the run (as progress prints it) */
  char scenario[32], backend[32], mode[16], arm[32];
  pool *watched;
} wd = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void copy(char *dst, size_t n, const char *src) {
  snprintf(dst, n, "%s", src ? src : "-");
}

void watchdog_job(int number, const char *scenario, const char *backend, const char *mode) {
  pthread_mutex_lock(&wd.lock);
  atomic_store(&wd.number, number);
  copy(wd.scenario, sizeof wd.scenario, scenario);
  copy(wd.backend, sizeof wd.backend, backend);
  copy(wd.mode, sizeof wd.mode, mode);
  wd.arm[0] = 0;
  atomic_store(&wd.slept_ns, 0);
  atomic_fetch_add(&wd.job, 1);
  pthread_mutex_unlock(&wd.lock);
}

void watchdog_watch_arm(pool *p, const char *arm) {
  pthread_mutex_lock(&wd.lock);
  wd.watched = p;
  snprintf(wd.arm, sizeof wd.arm, "%s", arm ? arm : "");
  pthread_mutex_unlock(&wd.lock);
}

void watchdog_progress(void) {
  atomic_fetch_add_explicit(&wd.progress, 1, memory_order_relaxed);
}

void watchdog_watch(pool *p) { watchdog_watch_arm(p, NULL); }

/* Credited before sleeping, so the watchdog never counts the sleep under way;
 * a duration, so the two threads' clocks need not compare. */
void watchdog_sleep(uint64_t ns) {
  atomic_fetch_add(&wd.slept_ns, ns);
  plat_sleep_ns(ns);
}

/* Runs on the submitting thread between its sliced waits: the thread that
 * may end the process on every platform. */
static void on_wait(void) {
  int code = atomic_load_explicit(&wd.fired, memory_order_relaxed);
  if (code) exit(code);
}

static void err_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err_line(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  host_write_stderr(buf, n < 0 ? 0 : (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
}

static void dump(double elapsed_s, double stalled_s, double bound_s) {
  pthread_mutex_lock(&wd.lock);
  json j;
  harness_record_begin(wd.h, &j, "watchdog");
  json_str(&j, "scenario", wd.scenario);
  json_str(&j, "backend", wd.backend);
  json_str(&j, "mode", wd.mode);
  json_int(&j, "job", atomic_load(&wd.number));
  json_num(&j, "deadline_s", bound_s);
  json_num(&j, "elapsed_s", elapsed_s);
  json_num(&j, "stalled_s", stalled_s);
  if (wd.arm[0]) json_str(&j, "arm", wd.arm);
  err_line("poolbench: watchdog: job %d, %s %s %s%s%s, made no progress for %.1f s (bound %.0f s) "
           "after %.1f s; thread states:\n",
           atomic_load(&wd.number), wd.scenario, wd.backend, wd.mode, wd.arm[0] ? ", in arm " : "",
           wd.arm, stalled_s, bound_s, elapsed_s);
  pool *p = wd.watched;
  if (p) {
    uint32_t gen, done;
    pool_words(p, &gen, &done);
    json_str(&j, "caller", pool_caller_state_name(pool_caller(p)));
    json_int(&j, "generation", gen);
    json_int(&j, "done", done);
    err_line("  caller: %s (generation %u, chunks done %u)\n",
             pool_caller_state_name(pool_caller(p)), gen, done);
    json_arr_begin(&j, "workers");
    pool_worker_info w;
    for (int i = 0; pool_worker(p, i, &w) == POOL_OK; i++) {
      json_obj_begin(&j);
      json_int(&j, "id", i);
      json_str(&j, "state", pool_worker_state_name(w.state));
      json_int(&j, "generation", w.generation);
      json_int(&j, "items", (int64_t)w.items);
      json_bool(&j, "ready", w.ready_ns != 0);
      json_obj_end(&j);
      err_line("  worker %d: %s, last generation %u, %llu items%s\n", i,
               pool_worker_state_name(w.state), w.generation, (unsigned long long)w.items,
               w.ready_ns ? "" : ", never became ready");
    }
    json_arr_end(&j);
  } else {
    json_str(&j, "caller", NULL);
    err_line("  (no pool was being measured)\n");
  }
  harness_write_record(wd.h, &j);
  pthread_mutex_unlock(&wd.lock);
}

/* Progress is timed on this thread's clock only: in a browser every worker
 * has its own performance.now() origin, so clocks of two threads do not
 * compare. The error is at most one poll. Sleeps a job chose are taken off
 * both its time and its pauses. */
static void *watch(void *arg) {
  (void)arg;
  uint64_t seen_job = 0, seen_progress = 0, start = 0, last = 0, slept_at_last = 0, longest = 0;
  while (!atomic_load(&wd.stop)) {
    plat_sleep_ns(POLL_NS);
    uint64_t job = atomic_load(&wd.job), now = plat_now_ns();
    uint64_t progress = atomic_load_explicit(&wd.progress, memory_order_relaxed);
    uint64_t slept = atomic_load(&wd.slept_ns);
    if (job != seen_job) {
      seen_job = job, seen_progress = progress, start = last = now, slept_at_last = 0, longest = 0;
      continue;
    }
    uint64_t pause = now - last, pause_slept = slept - slept_at_last;
    pause = pause > pause_slept ? pause - pause_slept : 0;
    if (progress != seen_progress) {
      if (pause > longest) longest = pause;
      seen_progress = progress, last = now, slept_at_last = slept;
      continue;
    }
    uint64_t bound = wd.deadline_ns > STALL_FACTOR * longest ? wd.deadline_ns : STALL_FACTOR * longest;
    if (job && pause > bound && !atomic_load(&wd.stop)) {
      uint64_t ran = now - start;
      ran = ran > slept ? ran - slept : 0;
      dump((double)ran / 1e9, (double)pause / 1e9, (double)bound / 1e9);
      atomic_store(&wd.fired, WATCHDOG_EXIT_CODE);
      host_exit_now(WATCHDOG_EXIT_CODE);
      return NULL;
    }
  }
  return NULL;
}

int watchdog_start(harness *h, double deadline_s) {
  if (deadline_s <= 0 || wd.running) return 0;
  wd.h = h;
  wd.deadline_ns = (uint64_t)(deadline_s * 1e9);
  atomic_store(&wd.stop, false);
  pool_set_wait_hook(on_wait);
  if (pthread_create(&wd.thread, NULL, watch, NULL) != 0) return -1;
  wd.running = true;
  return 0;
}

void watchdog_stop(void) {
  if (!wd.running) return;
  atomic_store(&wd.stop, true);
  pthread_join(wd.thread, NULL);
  wd.running = false;
  pool_set_wait_hook(NULL);
}
