/* idle_cpu: CPU burnt per wall second while a pool sits idle after a call,
 * warm vs cold (warm pools spin for their idle budget, references like
 * OpenMP spin by their own policy). */
#include <math.h>
#include <string.h>

#include "host.h"
#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"
#include "watchdog.h"

#define WINDOW_NS 100000000u /* 100 ms */

/* A pool's idle threads (the serial reference has none); needs a process
 * CPU clock, which a browser does not offer. */
bool applies_idle_cpu(const char *backend) {
  return !pool_backend_runs_on_caller(backend) && host_cpu_time_ns() >= 0;
}

int scenario_run_idle_cpu(harness *h, const target *t, summary_row *row) {
  pool *p = scenario_pool(h, t, scenario_name_idle_cpu);
  if (!p) return -1;
  int windows = harness_opts(h)->quick ? 2 : 5;
  double samples[5];
  pool_parallel_for(p, 0, (size_t)t->threads, 1, scenario_empty_body, NULL);
  for (int i = 0; i < windows; i++) {
    int64_t c0 = host_cpu_time_ns();
    uint64_t t0 = plat_now_ns();
    plat_sleep_ns(WINDOW_NS);
    int64_t c1 = host_cpu_time_ns();
    uint64_t t1 = plat_now_ns();
    samples[i] = (double)(c1 - c0) / (double)(t1 - t0);
    watchdog_progress(harness_watchdog(h));
  }
  scenario_release(h, p);
  harness_result r;
  harness_result_from(samples, windows, &r);
  harness_key k = {scenario_name_idle_cpu, t->backend, t->mode, t->threads, 0, 0};
  harness_extra ex[] = {{"window_ns", WINDOW_NS}};
  harness_emit(h, &k, "cores", &r, ex, 1, NULL, 0);
  row->idle_cores = r.median;
  harness_result_free(&r);
  return 0;
}
