/* The calibrated delay kernel: a positive iteration count that grows with W.
 * (Whether W ns really takes W ns is a benchmark question, not a unit test:
 * the machine is shared.) And harness_measure re-sizes a batch that was
 * sized during a slow spell, and times a batch that stopped early by the
 * operations it ran. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"

/* The first calls take 2 x min_batch each whatever their size (a partner
 * not yet running), later ones ~1 us per iteration. */
typedef struct {
  int calls;
  double slow_ns;
} spell;

static void slow_then_fast(void *ctx, uint64_t iters) {
  spell *s = ctx;
  if (s->calls++ < 3) {
    struct timespec ts = {0, (long)s->slow_ns};
    nanosleep(&ts, NULL);
    return;
  }
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do clock_gettime(CLOCK_MONOTONIC, &t);
  while ((double)(t.tv_sec - t0.tv_sec) * 1e9 + (double)(t.tv_nsec - t0.tv_nsec) < 1000.0 * (double)iters);
}

/* Each operation ~20 us; a batch of more than STOP_AFTER stops after them,
 * as a pingpong batch does when its round trips turn slow. */
#define STOP_AFTER 5
static void stops_early(void *ctx, uint64_t iters) {
  harness *h = ctx;
  uint64_t n = iters > STOP_AFTER ? STOP_AFTER : iters;
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do clock_gettime(CLOCK_MONOTONIC, &t);
  while ((double)(t.tv_sec - t0.tv_sec) * 1e9 + (double)(t.tv_nsec - t0.tv_nsec) < 20000.0 * (double)n);
  if (n < iters) harness_batch_stop(h, n);
}

int main(void) {
  test_deadline(60);
  char path[] = "/tmp/poolbench-kernel-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0, "mkstemp");
  close(fd);
  harness_options o = {.platform = "native", .out_path = path, .threads = 2, .reps = 3, .quick = true};
  char err[256] = "";
  harness *h = harness_open(&o, err, sizeof err);
  CHECK(h, "harness_open: %s", err);
  CHECK(harness_iters_per_ns(h) > 0, "iterations per ns %g", harness_iters_per_ns(h));
  CHECK(harness_timer_step_ns(h) > 0, "timer step %g", harness_timer_step_ns(h));
  CHECK(harness_work_iters(h, 0) == 0, "W=0 must be no work");
  double w[] = {100, 300, 1000, 3000, 10000, 30000, 100000};
  uint64_t prev = 0;
  for (int i = 0; i < 7; i++) {
    uint64_t it = harness_work_iters(h, w[i]);
    CHECK(it > prev, "iterations for %g ns (%llu) not above those for less work (%llu)", w[i],
          (unsigned long long)it, (unsigned long long)prev);
    prev = it;
  }

  spell sp = {0, 2 * harness_min_batch_ns(h)};
  harness_result r;
  CHECK(harness_measure(h, slow_then_fast, &sp, &r) == 0, "harness_measure failed");
  CHECK((double)r.inner * r.median >= harness_min_batch_ns(h) / 4,
        "batch sized in the slow spell was kept: %llu iterations of %g ns, min batch %g ns",
        (unsigned long long)r.inner, r.median, harness_min_batch_ns(h));
  harness_result_free(&r);

  /* A batch that stops early is timed per operation it ran, not per one it
   * was given (that would read 20 us x 5 / 10 and less). */
  CHECK(harness_measure(h, stops_early, h, &r) == 0, "harness_measure failed");
  CHECK(r.n == o.reps - 1 && r.median >= 15000 && r.median < 200000,
        "a batch stopped after %d operations of 20 us: median %g ns per operation, n %d",
        STOP_AFTER, r.median, r.n);
  harness_result_free(&r);
  harness_close(h);
  unlink(path);
  printf("ok kernel\n");
  return 0;
}
