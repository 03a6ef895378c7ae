/* The calibrated delay kernel: a positive iteration count that grows with W.
 * (Whether W ns really takes W ns is a benchmark question, not a unit test:
 * the machine is shared.) */
#include <stdio.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"

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
  harness_close(h);
  unlink(path);
  printf("ok kernel\n");
  return 0;
}
