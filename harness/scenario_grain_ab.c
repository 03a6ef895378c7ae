/* grain_ab: the grain sweep (scenario_grain.c) for one of our pools,
 * measured interleaved with the serial reference and the runtimes users
 * would otherwise pick: repetition by repetition each arm in turn, so load
 * that drifts during a run (the other vCPU busy for a while) hits every arm
 * alike, where the plain sweep measures targets minutes apart. Samples are
 * in repetition order, so records of one W can be compared pairwise. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grain_sweep.h"
#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"
#include "watchdog.h"

#define AB_MAX_ARMS 8
#define AB_SETTLE_NS 20000000u /* lets the last arm's threads stop spinning */
#define AB_SUBJECT "spin"       /* the pool the comparison is about */

/* The runtimes users would pick instead, in table order: every backend
 * without workers of ours but the serial reference (natively OpenMP and
 * oneTBB; none under Wasm). Returns how many, at most max. */
static int ab_references(const char **out, int max) {
  int n = 0;
  for (int i = 0; i < pool_backend_count() && n < max; i++) {
    const char *b = pool_backend_at(i);
    if (!pool_backend_has_workers(b) && !pool_backend_runs_on_caller(b)) out[n++] = b;
  }
  return n;
}

/* For the subject only (warm only: cold targets are skipped), where such runtimes
 * exist. One target, so the reference arms' records are not repeated under
 * the same key. */
bool applies_grain_ab(const char *backend) {
  const char *refs[AB_MAX_ARMS];
  return strcmp(backend, AB_SUBJECT) == 0 && ab_references(refs, AB_MAX_ARMS - 2) > 0;
}

/* One repetition of one arm: `calls` untimed calls (they wake whatever slept
 * through the settle and bring the arm back to its back-to-back state), then
 * `calls` timed ones. ns per call. */
static double ab_sample(grain_ctx *g, uint64_t calls) {
  void (*batch)(void *, uint64_t) = g->p ? grain_parallel_batch : grain_serial_batch;
  batch(g, calls);
  uint64_t t0 = plat_now_ns();
  batch(g, calls);
  double ns = (double)(plat_now_ns() - t0) / (double)calls;
  watchdog_progress(harness_watchdog(g->h));
  return ns;
}

int scenario_run_grain_ab(harness *h, const target *t, summary_row *row) {
  (void)row;
  if (strcmp(t->mode, "warm") != 0) return 0;
  size_t items = (size_t)8 * (size_t)t->threads;
  const char *refs[AB_MAX_ARMS];
  int arms_n = 2 + ab_references(refs, AB_MAX_ARMS - 2);
  target arms[AB_MAX_ARMS] = {{scenario_serial_backend(), "default", t->threads}, *t};
  for (int a = 2; a < arms_n; a++) arms[a] = (target){refs[a - 2], "default", t->threads};
  pool *pools[AB_MAX_ARMS] = {NULL};
  for (int a = 1; a < arms_n; a++) {
    if (!(pools[a] = scenario_pool(h, &arms[a], scenario_name_grain_ab))) {
      for (int b = 1; b < a; b++) scenario_release(h, pools[b]);
      return -1;
    }
  }
  int reps = harness_opts(h)->reps;
  double *samples[AB_MAX_ARMS] = {NULL};
  for (int a = 0; a < arms_n; a++) {
    if (!(samples[a] = malloc((size_t)reps * sizeof **samples))) {
      scenario_error(h, t, scenario_name_grain_ab, "out of memory");
      for (int b = 0; b < arms_n; b++) free(samples[b]);
      for (int b = 1; b < arms_n; b++) scenario_release(h, pools[b]);
      return -1;
    }
  }
  double min_batch = harness_min_batch_ns(h);
  for (size_t w = 0; w < GRAIN_WORKS; w++) {
    grain_ctx g[AB_MAX_ARMS];
    uint64_t calls[AB_MAX_ARMS];
    for (int a = 0; a < arms_n; a++) {
      scenario_watch(h, pools[a], arms[a].backend);
      g[a] = (grain_ctx){pools[a], h, items, harness_work_iters(h, vocab_grain_work_ns[w])};
      double one = ab_sample(&g[a], 1); /* sizes the batch: >= min_batch_ns */
      calls[a] = one >= min_batch ? 1 : (uint64_t)ceil(min_batch / (one > 1 ? one : 1));
    }
    /* An interfered sample is taken again, as harness_measure re-runs a
     * repetition, within the same budget per arm. */
    bool counted[AB_MAX_ARMS];
    int interfered[AB_MAX_ARMS] = {0}, reruns[AB_MAX_ARMS] = {0};
    bool kept[AB_MAX_ARMS] = {false};
    for (int a = 0; a < arms_n; a++) counted[a] = harness_counts_interference(h, arms[a].backend);
    for (int r = 0; r < reps; r++) {
      for (int a = 0; a < arms_n; a++) {
        for (;;) {
          watchdog_sleep(harness_watchdog(h), AB_SETTLE_NS);
          scenario_watch(h, pools[a], arms[a].backend);
          harness_mark m;
          if (counted[a]) harness_mark_now(h, &m);
          samples[a][r] = ab_sample(&g[a], calls[a]);
          if (r == 0 || !counted[a] || !harness_interfered(h, &m, samples[a][r] * (double)calls[a] * 2)) break;
          interfered[a]++;
          if (reruns[a] == HARNESS_RERUNS_PER_REP * (reps - 1)) {
            kept[a] = true;
            break;
          }
          reruns[a]++;
        }
      }
    }
    harness_result res[AB_MAX_ARMS];
    for (int a = 0; a < arms_n; a++) { /* the first repetition is warm-up */
      harness_result_from(samples[a] + 1, reps - 1, &res[a]);
      res[a].counted = counted[a], res[a].interfered = interfered[a], res[a].reruns = reruns[a];
      res[a].kept_interfered = kept[a];
    }
    double serial = res[0].median, ideal = serial / t->threads;
    for (int a = 0; a < arms_n; a++) {
      res[a].inner = calls[a];
      harness_extra ex[GRAIN_EXTRAS];
      grain_extras(h, res[a].median, a == 0 ? serial : ideal, serial, ex);
      harness_key k = {scenario_name_grain_ab, arms[a].backend, arms[a].mode, t->threads,
                       items, vocab_grain_work_ns[w]};
      harness_emit(h, &k, "ns", &res[a], ex, GRAIN_EXTRAS, NULL, 0);
      harness_result_free(&res[a]);
    }
  }
  for (int a = 0; a < arms_n; a++) free(samples[a]);
  for (int a = 1; a < arms_n; a++) scenario_release(h, pools[a]);
  return 0;
}
