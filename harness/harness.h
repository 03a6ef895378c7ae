/* poolbench harness: the measurement engine, the same C on every platform.
 *
 * A session owns the run's records file (through the synchronous sink), the
 * calibrated delay kernel and the same-run physical references. Scenarios
 * drive pools and emit one NDJSON record per measurement; hosts (the CLI, the
 * Python baselines through ctypes, the Wasm hosts) only choose what to run. */
#ifndef POOLBENCH_HARNESS_H
#define POOLBENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HARNESS_MIN_REPS 3
#define HARNESS_DEFAULT_REPS 11 /* the first is discarded as warm-up */

typedef struct harness harness;

/* bench/py_baselines.py mirrors this struct in ctypes (checked by size). */
typedef struct harness_options {
  const char *platform;  /* "native", "node", "chrome", "python" */
  const char *out_path;  /* the NDJSON records file (appended) */
  int threads;           /* P, counting the caller */
  int reps;              /* outer repetitions, incl. the discarded first */
  bool quick;            /* fewer reps, shorter batches, fewer latency calls */
  bool no_pin;           /* natively, leave thread placement to the kernel as Wasm must */
  double min_batch_ns;   /* lower bound for one timed batch; 0: automatic */
  const char *argv_line; /* the command line, recorded in the header */
  bool continue_run;     /* the file already holds a run (--append): its header
                            stays the only one, these records join that run */
  const char *clock;     /* what times single calls: "auto" (NULL), "system",
                            "counter" (call_clock.h) */
} harness_options;

/* Opens the records file, probes the environment, measures the timer and
 * calibrates the delay kernel, then writes the run header (unless
 * continue_run: a file holds one run, one header). NULL on error, with
 * a one-line reason in err. */
harness *harness_open(const harness_options *o, char *err, size_t errlen);
/* Writes the `end` record: the run finished, `jobs` of them, `failed` of
 * which wrote an error instead of a figure. Only a run that got to its end
 * calls it, so a file that lacks it says the run was cut short. */
void harness_end(harness *h, int jobs, int failed);
void harness_close(harness *h);

/* A timed operation: runs `iters` operations back to back. */
typedef void (*harness_batch)(void *ctx, uint64_t iters);
/* Called by a batch that stops after `done` (>= 1) of its operations, its
 * time then divided by those: one that finds its operations costing a time
 * slice each where it was sized for a cache-line transfer (two threads
 * stacked on one CPU beside another process) would otherwise run for
 * seconds with nothing to show the watchdog. */
void harness_batch_stop(harness *h, uint64_t done);

/* What a measurement is (the record's key fields). */
typedef struct harness_key {
  const char *scenario;
  const char *backend;
  const char *mode; /* "warm", "cold" or "default" */
  int threads;
  uint64_t items;
  double work_ns;
} harness_key;

/* Per-op time statistics of one measurement (nanoseconds). */
typedef struct harness_result {
  double median, mad, min, max, mean;
  double p50, p90, p99, p999; /* latency scenarios only, else 0 */
  int n;                      /* kept samples */
  double *samples;            /* n per-repetition per-op times (owned) */
  uint64_t inner;             /* ops per timed batch */
  bool below_resolution;      /* a batch or a single timing near the step */
  /* Repetitions during which the process's threads were preempted or
   * migrated (counted where the host has counters: `counted`), how many of
   * them were re-run, and whether interfered ones remain among the kept
   * samples (the re-run budget ran out). */
  bool counted;
  int interfered, reruns;
  bool kept_interfered;
} harness_result;

/* Measures fn with the engine's repetition scheme: a batch sized to at least
 * 1000x the timer's step, `reps` outer repetitions, the first discarded. */
int harness_measure(harness *h, harness_batch fn, void *ctx, harness_result *out);
void harness_result_free(harness_result *r);
/* Builds a result from samples measured by other means (copies them). */
int harness_result_from(const double *samples, int n, harness_result *out);
/* A result of single calls timed one by one: the statistics and percentiles
 * of all n latencies (sorted in place), `samples` the per-block medians of
 * `blocks` equal blocks of calls, flagged when p50 is within 10 timer steps. */
int harness_result_latencies(const harness *h, double *lat, size_t n, int blocks,
                             harness_result *out);

/* Extra numbers a record carries beside the statistics. */
typedef struct harness_extra {
  const char *name;
  double value;
} harness_extra;

/* Writes one measurement record (adds the reference-normalized fields). */
void harness_emit(harness *h, const harness_key *k, const char *unit,
                  const harness_result *r, const harness_extra *extra,
                  int nextra, const char *const *flags, int nflags);
/* Writes a free-form record: `json_fields` is the inside of an object
 * (`"a":1,"b":[2]`), prefixed with type and platform. */
void harness_emit_raw(harness *h, const char *type, const char *json_fields);
/* Measures fn and emits the record; returns the median per op (ns) or -1. */
double harness_measure_emit(harness *h, const harness_key *k, harness_batch fn,
                            void *ctx, const harness_extra *extra, int nextra);

/* The delay kernel: spins about work_ns nanoseconds (calibrated at open). */
void harness_work(const harness *h, double work_ns);
uint64_t harness_work_iters(const harness *h, double work_ns);
double harness_iters_per_ns(const harness *h);
/* harness_spin_iters and harness_calibrate (the kernel without a session)
 * come from kernel.h, included above. */
double harness_timer_step_ns(const harness *h);
double harness_min_batch_ns(const harness *h); /* the shortest timed batch */

/* The job under way (the suite sets it per job; backend NULL: no pool).
 * With more threads than cores, or threads the harness does not place,
 * waiting for a CPU is the job's own, not interference. */
void harness_set_job(harness *h, int threads, const char *backend);
/* What went on beside the job since the session opened or the last take
 * (the check after each job takes it, so it covers the job), which no
 * per-thread counter sees while the job's threads sleep: at least how many
 * cores' worth of CPU time other processes took, and how many cores'
 * worth their CPU-bound threads ran or waited for (wanted, whether the job
 * let them run or not). NAN where the host cannot read them. */
typedef struct harness_beside {
  double others_cores, others_demand;
} harness_beside;
harness_beside harness_take_beside(harness *h);

/* Same-run physical references (set by the pingpong scenario). */
void harness_set_references(harness *h, double spin_rt_ns, double futex_rt_ns);
double harness_spin_rt_ns(const harness *h);
double harness_futex_rt_ns(const harness *h);

const harness_options *harness_opts(const harness *h);
/* The session's watchdog (watchdog.h): its driver starts and stops it, the
 * jobs report their progress to it. */
struct watchdog *harness_watchdog(const harness *h);
const char *harness_platform(const harness *h);

/* Writes the vocabulary's fields (`grain_work_ns`, `references`) into an
 * open JSON object: every run's header, and `poolbench list --json`. */
struct json;
void harness_write_vocabulary(struct json *j);

#ifdef __cplusplus
}
#endif
#endif
