/* forkjoin: EPCC's PARALLEL for any pool (forkjoin_call.h): back-to-back
 * calls where every thread joins every call, the pool's fork-join cost,
 * where dispatch (empty items) lets a caller that is quick enough run them
 * all alone; then calls timed alone for the fork, the join and the tail. */
#include <math.h>

#include "call_clock.h"
#include "forkjoin_call.h"
#include "harness_internal.h"
#include "scenarios.h"
#include "stats.h"
#include "watchdog.h"

int scenario_run_forkjoin(harness *h, const target *t, summary_row *row) {
  fj_run fr;
  if (!fj_begin(h, t, scenario_name_forkjoin, &fr)) {
    fj_end(h, &fr);
    return -1;
  }
  pool_stats_t a, b;
  pool_stats(fr.f.p, &a);
  harness_result r;
  int rc = harness_measure(h, fj_batch, &fr.f, &r);
  /* The fork and the join, from calls timed alone, back to back too. */
  for (size_t i = 0; i < fr.calls; i++) {
    fr.lat[i] = fj_timed_call(&fr.f, &fr.fork[i], &fr.join[i]);
    watchdog_progress(harness_watchdog(h));
  }
  pool_stats(fr.f.p, &b);
  if (rc == 0) {
    harness_extra ex[FJ_EXTRAS + 2];
    if (fj_extras(h, t, scenario_name_forkjoin, &fr.f, &a, &b, fr.fork, fr.join, fr.calls,
                  ex)) {
      /* The tail of those single calls, where the per-call clock resolves
       * it (a tail of a few steps would be the clock's grid, not the pool's):
       * what an oversubscribed pool costs now and then. */
      stats_sort(fr.lat, fr.calls);
      double p90 = stats_quantile_sorted(fr.lat, fr.calls, 0.90);
      double p99 = stats_quantile_sorted(fr.lat, fr.calls, 0.99);
      bool resolved = p99 >= 10 * call_clock_step_ns(harness_call_clock(h));
      ex[FJ_EXTRAS] = (harness_extra){"p90", resolved ? p90 : NAN};
      ex[FJ_EXTRAS + 1] = (harness_extra){"p99", resolved ? p99 : NAN};
      harness_key k = {scenario_name_forkjoin, t->backend, t->mode, t->threads,
                       (uint64_t)t->threads, 0};
      harness_emit(h, &k, "ns", &r, ex, FJ_EXTRAS + 2, NULL, 0);
      row->forkjoin_ns = r.median;
      row->worker_share = ex[0].value;
    } else {
      rc = -1;
    }
    harness_result_free(&r);
  }
  fj_end(h, &fr);
  return rc;
}
