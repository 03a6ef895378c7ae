/* The clock's resolution, measured rather than trusted: Chromium's clock is
 * coarsened on purpose, and a batch must last well above the real step. */
#include <stdint.h>

#include "platform.h"
#include "timer.h"

double timer_measure_step_of(uint64_t (*now)(const void *ctx), const void *ctx) {
  /* Consecutive readings: the smallest non-zero difference is the step the
   * clock can resolve, including the cost of reading it. */
  uint64_t best = UINT64_MAX;
  int seen = 0;
  for (int i = 0; i < 200000 && seen < 2000; i++) {
    uint64_t a = now(ctx), b = now(ctx);
    while (b == a) b = now(ctx);
    if (b - a < best) best = b - a;
    seen++;
  }
  return (double)best;
}

static uint64_t system_now(const void *ctx) {
  (void)ctx;
  return plat_now_ns();
}

double timer_measure_step_ns(void) { return timer_measure_step_of(system_now, NULL); }
