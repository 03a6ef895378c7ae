#include "watchdog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "json.h"
#include "platform.h"
#include "pool_watch.h"
#include "record.h"

#define POLL_NS 50000000u /* 50 ms */
/* A job is stuck when it has made no progress for the deadline, or for this
 * many times the longest pause between its progress so far, whichever is
 * longer: a busy machine slows every step alike, a hang stops them. */
#define STALL_FACTOR 20

struct watchdog {
  sink *sink;           /* the session's: the dump is a record like any other */
  const char *platform; /* the records' platform */
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
};

/* The running watchdog, for the pools' wait hook: the hook takes no
 * argument, so this is the one way it reaches the session's watchdog. */
static watchdog *_Atomic hooked;

watchdog *watchdog_new(sink *s, const char *platform) {
  watchdog *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->sink = s;
  w->platform = platform;
  pthread_mutex_init(&w->lock, NULL);
  return w;
}

void watchdog_free(watchdog *w) {
  if (!w) return;
  watchdog_stop(w);
  pthread_mutex_destroy(&w->lock);
  free(w);
}

static void copy(char *dst, size_t n, const char *src) {
  snprintf(dst, n, "%s", src ? src : "-");
}

void watchdog_job(watchdog *w, int number, const char *scenario, const char *backend,
                  const char *mode) {
  pthread_mutex_lock(&w->lock);
  atomic_store(&w->number, number);
  copy(w->scenario, sizeof w->scenario, scenario);
  copy(w->backend, sizeof w->backend, backend);
  copy(w->mode, sizeof w->mode, mode);
  w->arm[0] = 0;
  atomic_store(&w->slept_ns, 0);
  atomic_fetch_add(&w->job, 1);
  pthread_mutex_unlock(&w->lock);
}

void watchdog_watch_arm(watchdog *w, pool *p, const char *arm) {
  pthread_mutex_lock(&w->lock);
  w->watched = p;
  snprintf(w->arm, sizeof w->arm, "%s", arm ? arm : "");
  pthread_mutex_unlock(&w->lock);
}

void watchdog_progress(watchdog *w) {
  atomic_fetch_add_explicit(&w->progress, 1, memory_order_relaxed);
}

void watchdog_watch(watchdog *w, pool *p) { watchdog_watch_arm(w, p, NULL); }

/* Credited before sleeping, so the watchdog never counts the sleep under way;
 * a duration, so the two threads' clocks need not compare. */
void watchdog_sleep(watchdog *w, uint64_t ns) {
  atomic_fetch_add(&w->slept_ns, ns);
  plat_sleep_ns(ns);
}

/* Runs on the submitting thread between its sliced waits: the thread that
 * may end the process on every platform. */
static void on_wait(void) {
  watchdog *w = atomic_load_explicit(&hooked, memory_order_relaxed);
  int code = w ? atomic_load_explicit(&w->fired, memory_order_relaxed) : 0;
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

static void dump(watchdog *w, double elapsed_s, double stalled_s, double bound_s) {
  pthread_mutex_lock(&w->lock);
  json j;
  record_begin(&j, "watchdog", w->platform);
  json_str(&j, "scenario", w->scenario);
  json_str(&j, "backend", w->backend);
  json_str(&j, "mode", w->mode);
  json_int(&j, "job", atomic_load(&w->number));
  json_num(&j, "deadline_s", bound_s);
  json_num(&j, "elapsed_s", elapsed_s);
  json_num(&j, "stalled_s", stalled_s);
  if (w->arm[0]) json_str(&j, "arm", w->arm);
  err_line("poolbench: watchdog: job %d, %s %s %s%s%s, made no progress for %.1f s (bound %.0f s) "
           "after %.1f s; thread states:\n",
           atomic_load(&w->number), w->scenario, w->backend, w->mode, w->arm[0] ? ", in arm " : "",
           w->arm, stalled_s, bound_s, elapsed_s);
  pool *p = w->watched;
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
  record_write(w->sink, &j);
  pthread_mutex_unlock(&w->lock);
}

/* Progress is timed on this thread's clock only: in a browser every worker
 * has its own performance.now() origin, so clocks of two threads do not
 * compare. The error is at most one poll. Sleeps a job chose are taken off
 * both its time and its pauses. */
static void *watch(void *arg) {
  watchdog *w = arg;
  uint64_t seen_job = 0, seen_progress = 0, start = 0, last = 0, slept_at_last = 0, longest = 0;
  while (!atomic_load(&w->stop)) {
    plat_sleep_ns(POLL_NS);
    uint64_t job = atomic_load(&w->job), now = plat_now_ns();
    uint64_t progress = atomic_load_explicit(&w->progress, memory_order_relaxed);
    uint64_t slept = atomic_load(&w->slept_ns);
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
    uint64_t bound = w->deadline_ns > STALL_FACTOR * longest ? w->deadline_ns : STALL_FACTOR * longest;
    if (job && pause > bound && !atomic_load(&w->stop)) {
      uint64_t ran = now - start;
      ran = ran > slept ? ran - slept : 0;
      dump(w, (double)ran / 1e9, (double)pause / 1e9, (double)bound / 1e9);
      atomic_store(&w->fired, WATCHDOG_EXIT_CODE);
      host_exit_now(WATCHDOG_EXIT_CODE);
      return NULL;
    }
  }
  return NULL;
}

int watchdog_start(watchdog *w, double deadline_s) {
  if (deadline_s <= 0 || w->running) return 0;
  w->deadline_ns = (uint64_t)(deadline_s * 1e9);
  atomic_store(&w->stop, false);
  atomic_store(&hooked, w);
  pool_set_wait_hook(on_wait);
  if (pthread_create(&w->thread, NULL, watch, w) != 0) return -1;
  w->running = true;
  return 0;
}

void watchdog_stop(watchdog *w) {
  if (!w || !w->running) return;
  atomic_store(&w->stop, true);
  pthread_join(w->thread, NULL);
  w->running = false;
  pool_set_wait_hook(NULL);
  atomic_store(&hooked, NULL);
}
