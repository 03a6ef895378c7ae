/* The scenarios: each drives one target (backend, mode, threads) and emits
 * its records. A scenario never knows which platform it runs on. */
#ifndef POOLBENCH_SCENARIOS_H
#define POOLBENCH_SCENARIOS_H

#include <stdbool.h>

#include "harness.h"
#include "json.h"
#include "pool.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct target {
  const char *backend;
  const char *mode; /* "warm", "cold" or "default" */
  int threads;
} target;

/* What the human summary shows per target; NaN where not measured. */
typedef struct summary_row {
  const char *backend, *mode;
  int threads;
  double dispatch_ns, forkjoin_ns, worker_share, p50_ns, p99_ns, p999_ns, breakeven_ns, startup_ns,
      idle_cores, caller_share;
  bool breakeven_never;
} summary_row;

typedef struct scenario {
  const char *name;
  const char *description;
  bool per_target; /* false: runs once per run (the references) */
  bool (*applies)(const char *backend);
  /* Returns 0, or -1 after emitting an "error" record and printing why. */
  int (*run)(harness *h, const target *t, summary_row *row);
} scenario;

/* Which backends a scenario measures (scenario_list.h's `applies`). */
bool applies_all(const char *backend);
bool applies_workers(const char *backend);  /* our pools with worker threads */
bool applies_parallel(const char *backend); /* all but the serial reference */
bool applies_idle_cpu(const char *backend); /* scenario_idle_cpu.c */
bool applies_grain_ab(const char *backend); /* scenario_grain_ab.c */

/* Each scenario's run function (its file) and name (the table's), from
 * scenario_list.h. */
#define SCENARIO(x, per_target, applies, description) \
  int scenario_run_##x(harness *h, const target *t, summary_row *row); \
  extern const char scenario_name_##x[];
#include "scenario_list.h"
#undef SCENARIO

int scenario_count(void);
const scenario *scenario_at(int i);
const scenario *scenario_find(const char *name);
/* Whether some backend of this build runs it (a reference always runs). */
bool scenario_runs_here(const scenario *s);

/* Helpers shared by the scenarios (scenario_util.c). */
/* Creates the target's pool, waits (bounded) until it is ready, and watches
 * it (scenario_watch); scenario_release undoes both. */
pool *scenario_pool(harness *h, const target *t, const char *scenario);
void scenario_release(harness *h, pool *p);
/* Shows the pool the next repetitions run on to the watchdog (with the arm,
 * where a job runs several) and to the harness's interference check. */
void scenario_watch(harness *h, pool *p, const char *arm);
/* Starts a record of `type` keyed by scenario and target (then add fields and
 * harness_write_record). */
void scenario_record_begin(harness *h, json *j, const char *type,
                           const char *scenario, const target *t);
void scenario_error(harness *h, const target *t, const char *scenario,
                    const char *fmt, ...);
/* The serial reference's backend name (pools' runs_on_caller trait). */
const char *scenario_serial_backend(void);
/* Fills extras from the stats delta of a measurement: caller_share,
 * wakes_per_call, inline_share, and the pool's spin_budget_ns (0 when cold or
 * without workers). Returns how many were written (<= SCENARIO_POOL_EXTRAS). */
#define SCENARIO_POOL_EXTRAS 4
int scenario_pool_extras(const pool *p, const pool_stats_t *before,
                         const pool_stats_t *after, harness_extra *out);
void scenario_empty_body(void *ctx, size_t begin, size_t end);
/* pool_parallel_for for every call a scenario times. The one place of the
 * test knob POOLBENCH_INJECT_DELAY_NS=N [POOLBENCH_INJECT_BACKEND=name]: a
 * call that ran in parallel (not inline) on the named backend (all when
 * unset) busy-waits N ns more, a known slowdown for the gate's detection
 * test. Here, not in the pools, because a pool must not know it is measured;
 * read by scenario_pool, so an unset knob costs a timed call one branch. */
int scenario_parallel_for(pool *p, size_t begin, size_t end, size_t grain,
                          pool_body body, void *ctx);

/* The spin round trip measured again at the end of a run, written as a
 * `reference_drift` record beside the start's (scenario_pingpong.c). */
void scenario_pingpong_recheck(harness *h);
/* The spin round trip re-measured after job `job`: a `reference_check` record. */
void scenario_pingpong_check(harness *h, int job);
/* The CPU the run gets when it asks for `threads` threads, in cores: a
 * `capacity` record (scenario_capacity.c), measured beside the round trips. */
int scenario_capacity_measure(harness *h, int threads);

#ifdef __cplusplus
}
#endif

#endif
