/* startup: from pool_create until each worker is ready, as a timeline. On
 * Wasm this shows workers coming up only after the event loop turns. */
#include <math.h>
#include <stdlib.h>

#include "harness_internal.h"
#include "platform.h"
#include "pool_watch.h"
#include "scenarios.h"
#include "watchdog.h"
#include "stats.h"

#define DEADLINE_NS 10000000000u

int scenario_run_startup(harness *h, const target *t, summary_row *row) {
  int reps = harness_opts(h)->quick ? 4 : harness_opts(h)->reps;
  int workers = t->threads - 1;
  double *all = calloc((size_t)reps, sizeof *all);
  double *timeline = calloc((size_t)(workers > 0 ? workers : 1) * (size_t)reps, sizeof *timeline);
  if (!all || !timeline) {
    free(all), free(timeline);
    return -1;
  }
  int rc = 0;
  for (int rep = 0; rep < reps && rc == 0; rep++) {
    watchdog_progress(harness_watchdog(h));
    pool_options o = {.no_pin = harness_opts(h)->no_pin};
    pool *p = NULL;
    uint64_t t0 = plat_now_ns();
    int e = pool_create(&p, t->backend, t->threads, &o);
    if (e != POOL_OK) {
      scenario_error(h, t, scenario_name_startup, "pool_create: %s", pool_strerror(e));
      rc = -1;
      break;
    }
    /* Each worker's ready time as this thread sees it: in a browser the
     * workers' clocks have other origins, so their own stamps do not compare. */
    int seen = 0;
    double last = (double)(plat_now_ns() - t0);
    while (seen < workers && rc == 0) {
      uint64_t now = plat_now_ns();
      for (int w = 0; w < workers; w++) {
        double *at = &timeline[(size_t)rep * (size_t)workers + (size_t)w];
        pool_worker_info info;
        if (*at == 0 && pool_worker(p, w, &info) == POOL_OK && info.ready_ns) {
          *at = last = (double)(now - t0);
          seen++;
        }
      }
      if (now - t0 > DEADLINE_NS) {
        scenario_error(h, t, scenario_name_startup, "workers not ready after 10 s");
        rc = -1;
      }
      plat_cpu_relax();
    }
    all[rep] = last;
    pool_destroy(p);
  }
  if (rc == 0) {
    harness_result r;
    /* The first creation pays one-off costs (thread stacks, libraries). */
    harness_result_from(all + 1, reps - 1, &r);
    harness_extra ex[] = {{"first_ns", all[0]}};
    harness_key k = {scenario_name_startup, t->backend, t->mode, t->threads, 0, 0};
    harness_emit(h, &k, "ns", &r, ex, 1, NULL, 0);
    row->startup_ns = r.median;
    harness_result_free(&r);

    /* Each worker's ready time, median over the repetitions after the first. */
    json j;
    scenario_record_begin(h, &j, "timeline", scenario_name_startup, t);
    json_arr_begin(&j, "ready_ns");
    double *col = calloc((size_t)reps, sizeof *col);
    for (int w = 0; w < workers && col; w++) {
      for (int rep = 1; rep < reps; rep++) col[rep - 1] = timeline[(size_t)rep * (size_t)workers + (size_t)w];
      json_num(&j, NULL, stats_of(col, (size_t)reps - 1).median);
    }
    free(col);
    json_arr_end(&j);
    harness_write_record(h, &j);
  }
  free(all), free(timeline);
  return rc;
}
