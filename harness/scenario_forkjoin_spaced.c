/* forkjoin_spaced: the fork-join call (forkjoin_call.h) 1 ms apart, each
 * timed alone, so sleeping threads are really asleep when it comes (cold
 * targets, and the runtimes with modes of their own). */
#include <string.h>

#include "forkjoin_call.h"
#include "platform.h"
#include "harness_internal.h"
#include "scenarios.h"
#include "watchdog.h"

#define SPACING_NS 1000000u /* the pause before each call */
#define BLOCKS 10           /* per-block medians are a spaced record's samples */

int scenario_run_forkjoin_spaced(harness *h, const target *t, summary_row *row) {
  (void)row;
  if (strcmp(t->mode, "warm") == 0) return 0; /* spaced calls find a warm pool asleep too */
  fj_run fr;
  if (!fj_begin(h, t, scenario_name_forkjoin_spaced, &fr)) {
    fj_end(h, &fr);
    return -1;
  }
  for (int i = 0; i < 10; i++) fj_call(&fr.f); /* first-call costs stay out */
  pool_stats_t a, b;
  pool_stats(fr.f.p, &a);
  for (size_t i = 0; i < fr.calls; i++) {
    plat_sleep_ns(SPACING_NS);
    fr.lat[i] = fj_timed_call(&fr.f, &fr.fork[i], &fr.join[i]);
    watchdog_progress(harness_watchdog(h));
  }
  pool_stats(fr.f.p, &b);
  int rc = -1;
  harness_extra ex[FJ_EXTRAS + 2];
  if (fj_extras(h, t, scenario_name_forkjoin_spaced, &fr.f, &a, &b, fr.fork, fr.join,
                fr.calls, ex)) {
    harness_result r;
    rc = harness_result_latencies(h, fr.lat, fr.calls, BLOCKS, &r);
    if (rc == 0) {
      ex[FJ_EXTRAS] = (harness_extra){"p90", r.p90};
      ex[FJ_EXTRAS + 1] = (harness_extra){"p99", r.p99};
      harness_key k = {scenario_name_forkjoin_spaced, t->backend, t->mode, t->threads,
                       (uint64_t)t->threads, 0};
      harness_emit(h, &k, "ns", &r, ex, FJ_EXTRAS + 2, NULL, 0);
      harness_result_free(&r);
    }
  }
  fj_end(h, &fr);
  return rc;
}
