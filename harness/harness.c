/* The session: records file, header, repetition scheme, record writing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call_clock.h"
#include "git_commit.h" /* generated: POOLBENCH_GIT_COMMIT */
#include "harness_internal.h"
#include "host.h"
#include "kernel.h"
#include "platform.h"
#include "pool.h"
#include "record.h"
#include "records_schema.h" /* generated from records/schema.json */
#include "stats.h"
#include "timer.h"
#include "vocabulary.h"
#include "watchdog.h"

/* A record's threads are within the schema's limit: the pools' cap. */
_Static_assert(RECORDS_MAX_THREADS == POOL_MAX_THREADS, "records/schema.json's max_threads is not POOL_MAX_THREADS");

/* Everything a run keeps lives here: the records file, the per-call clock
 * and the watchdog are the session's, not the process's. */
struct harness {
  harness_options o;
  sink *sink;
  call_clock *clock;
  watchdog *wd;
  double step_ns;
  double iters_per_ns;
  double min_batch_ns;
  double spin_rt_ns, futex_rt_ns;
  int job_threads;
  const char *job_backend; /* NULL: no pool (the references) */
  pool *job_pool;          /* the pool its repetitions run on, if watched */
  uint64_t opened_ns;      /* when the session began (the end record's elapsed_s) */
  host_machine_cpu taken_cpu; /* the machine's CPU time at the last take */
  uint64_t taken_ns;
  uint64_t batch_stopped_after; /* the running batch's operations, if it stopped (0: all) */
};

/* What a reader needs to read the run's records without a copy of the
 * vocabulary. */
void harness_write_vocabulary(json *j) {
  json_arr_begin(j, "grain_work_ns");
  for (size_t i = 0; i < VOCAB_GRAIN_WORKS; i++) json_num(j, NULL, vocab_grain_work_ns[i]);
  json_arr_end(j);
  /* Keyed by the unit: spin_rt_units and futex_rt_units are in these. */
  json_key_obj_begin(j, "references");
  json_str(j, "spin", RECORDS_REF_SPIN);
  json_str(j, "futex", RECORDS_REF_FUTEX);
  json_obj_end(j);
}

harness *harness_open(const harness_options *o, char *err, size_t errlen) {
  harness *h = calloc(1, sizeof *h);
  if (!h) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  h->o = *o;
  h->job_threads = o->threads;
  h->opened_ns = plat_now_ns();
  h->taken_ns = h->opened_ns;
  host_machine_cpu_now(&h->taken_cpu);
  (void)host_others_demand_ns(0); /* the first snapshot */
  /* Opens the counters on the calling thread, the one whose migrations count. */
  host_interference first;
  host_interference_now(&first);
  if (h->o.reps < HARNESS_MIN_REPS) h->o.reps = HARNESS_DEFAULT_REPS;
  h->sink = sink_open(o->out_path, err, errlen);
  if (!h->sink) {
    free(h);
    return NULL;
  }
  h->wd = watchdog_new(h->sink, h->o.platform);
  if (!h->wd) {
    snprintf(err, errlen, "out of memory");
    harness_close(h);
    return NULL;
  }
  h->step_ns = timer_measure_step_ns();
  if (kernel_calibrate(h->step_ns, &h->iters_per_ns, err, errlen) != 0) {
    harness_close(h);
    return NULL;
  }
  double floor_ns = o->min_batch_ns > 0 ? o->min_batch_ns : (o->quick ? 2e5 : 1e6);
  h->min_batch_ns = fmax(1000 * h->step_ns, floor_ns);
  h->clock = call_clock_start(o->clock, o->threads, h->step_ns, err, errlen);
  if (!h->clock) {
    harness_close(h);
    return NULL;
  }

  if (o->continue_run) return h;
  json j;
  harness_record_begin(h, &j, "header");
  json_int(&j, "schema", RECORDS_SCHEMA);
  char when[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  json_str(&j, "start_time", when);
  json_str(&j, "git_commit", POOLBENCH_GIT_COMMIT);
#if defined(__clang__)
  json_str(&j, "compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  json_str(&j, "compiler", "gcc " __VERSION__);
#else
  json_str(&j, "compiler", NULL);
#endif
  json_num(&j, "timer_step_ns", h->step_ns);
  json_num(&j, "kernel_iters_per_ns", h->iters_per_ns);
  json_num(&j, "min_batch_ns", h->min_batch_ns);
  host_probe(&j);
  call_clock_probe(h->clock, &j);
  json_str(&j, "interference", host_interference_source());
  json_bool(&j, "spin_rt_physical", plat_spin_rt_physical());
  json_key_obj_begin(&j, "backends"); /* what each backend is, and why */
  for (int i = 0; i < pool_backend_count(); i++)
    json_str(&j, pool_backend_at(i), pool_backend_describe(pool_backend_at(i)));
  json_obj_end(&j);
  harness_write_vocabulary(&j);
  json_key_obj_begin(&j, "options");
  json_int(&j, "threads", o->threads);
  json_int(&j, "reps", h->o.reps);
  json_bool(&j, "quick", o->quick);
  json_bool(&j, "no_pin", o->no_pin);
  json_str(&j, "command", o->argv_line);
  json_obj_end(&j);
  harness_write_record(h, &j);
  return h;
}

/* The last line of a run that finished: a file without it was cut short
 * (killed, crashed, out of time), and its readers say so. */
void harness_end(harness *h, int jobs, int failed) {
  json j;
  harness_record_begin(h, &j, "end");
  json_int(&j, "jobs", jobs);
  json_int(&j, "failed", failed);
  json_num(&j, "elapsed_s", (double)(plat_now_ns() - h->opened_ns) / 1e9);
  harness_write_record(h, &j);
}

void harness_close(harness *h) {
  if (!h) return;
  watchdog_free(h->wd);
  call_clock_close(h->clock);
  sink_close(h->sink);
  free(h);
}

watchdog *harness_watchdog(const harness *h) { return h->wd; }
const call_clock *harness_call_clock(const harness *h) { return h->clock; }
sink *harness_sink(harness *h) { return h->sink; }

void harness_record_begin(harness *h, json *j, const char *type) {
  record_begin(j, type, h->o.platform);
}

void harness_write_record(harness *h, json *j) { record_write(h->sink, j); }

void harness_emit_raw(harness *h, const char *type, const char *fields) {
  json j;
  harness_record_begin(h, &j, type);
  if (fields && *fields) json_raw(&j, NULL, fields);
  harness_write_record(h, &j);
}

void harness_batch_stop(harness *h, uint64_t done) { h->batch_stopped_after = done; }

/* A timed batch of up to `iters` operations; *ran: how many it ran. Each one
 * finished is progress for the watchdog. */
static double elapsed(harness *h, harness_batch fn, void *ctx, uint64_t iters, uint64_t *ran) {
  h->batch_stopped_after = 0;
  uint64_t t0 = plat_now_ns();
  fn(ctx, iters);
  double e = (double)(plat_now_ns() - t0);
  watchdog_progress(h->wd);
  uint64_t stopped = h->batch_stopped_after;
  *ran = stopped > 0 && stopped < iters ? stopped : iters;
  return e;
}

/* Grows iters until one batch takes at least min_batch_ns (>= 1000x the
 * timer step); returns the last batch's time. */
static double size_batch(harness *h, harness_batch fn, void *ctx, uint64_t *iters) {
  uint64_t ran;
  double t = elapsed(h, fn, ctx, *iters, &ran);
  while (t < h->min_batch_ns && ran == *iters && *iters < (1ull << 32)) {
    double grow = t > 0 ? h->min_batch_ns / t * 1.2 : 10;
    if (grow > 10) grow = 10;
    if (grow < 1.5) grow = 1.5;
    *iters = (uint64_t)ceil((double)*iters * grow);
    t = elapsed(h, fn, ctx, *iters, &ran);
  }
  return t;
}

/* A repetition's threads may wait this share of it for a CPU (a woken
 * thread's own few microseconds, the watchdog's wake-ups) before it measures
 * the machine rather than the pool. */
#define INTERFERENCE_SHARE 0.02

/* A pool's workers taking under this share of their fair share of long
 * items (1 - 1/P of them) sat the repetition out: a quiet machine gives them
 * 0.9 and more of it once an item takes a few round trips. */
#define FAIR_SHARE_MIN 0.6

/* Whether the watched pool's workers sat out a repetition they should have
 * shared. A worker kept off its CPU for a whole repetition adds no run-queue
 * delay until it runs again (the kernel counts a wait when it ends), while
 * the caller runs the items alone: another regime, not the pool's cost.
 * Judged only where the same run's round trips make the evidence clear:
 * - a warm pool's call in under half a spin round trip: no worker joined it;
 * - no item taken by a worker in calls of two spin round trips and more;
 * - items of four governing round trips each (spin: warm, futex: cold),
 *   of which the workers took under FAIR_SHARE_MIN of their fair share. */
static bool workers_sat_out(const harness *h, const harness_mark *m, double elapsed_ns) {
  pool *p = m->pool;
  if (!p || pool_threads(p) < 2 || !pool_backend_has_workers(pool_backend_name(p)) ||
      !(h->spin_rt_ns > 0))
    return false;
  pool_stats_t now;
  pool_stats(p, &now);
  double calls = (double)(now.calls - m->stats.calls);
  double items = (double)(now.items - m->stats.items);
  double caller = (double)(now.caller_items - m->stats.caller_items);
  if (calls <= 0 || items <= 0) return false;
  double per_call = elapsed_ns / calls;
  bool warm = pool_is_warm(p);
  if (warm && per_call < h->spin_rt_ns / 2) return true;
  if (caller >= items) return per_call >= 2 * h->spin_rt_ns;
  double governing = warm ? h->spin_rt_ns : h->futex_rt_ns;
  double fair = 1 - 1.0 / pool_threads(p); /* the workers' share */
  return governing > 0 && caller > 0 && elapsed_ns / caller >= 4 * governing &&
         1 - caller / items < FAIR_SHARE_MIN * fair;
}

/* Whether a repetition of `elapsed_ns` that began at `m` was disturbed: one
 * of the process's threads waited for a CPU another task held, or moved, or
 * the pool's workers sat it out. */
bool harness_interfered(const harness *h, const harness_mark *mark, double elapsed_ns) {
  const host_interference *m = &mark->at;
  host_interference now;
  host_interference_now(&now);
  return (m->run_delay_ns >= 0 &&
          (double)(now.run_delay_ns - m->run_delay_ns) > INTERFERENCE_SHARE * elapsed_ns) ||
         (m->migrations >= 0 && now.migrations > m->migrations) ||
         workers_sat_out(h, mark, elapsed_ns);
}

void harness_mark_now(const harness *h, harness_mark *m) {
  host_interference_now(&m->at);
  m->pool = h->job_pool;
  if (m->pool) pool_stats(m->pool, &m->stats);
}

void harness_watch_pool(harness *h, pool *p) { h->job_pool = p; }

/* Whether this host counts interference, and the job's threads each have a
 * core of their own (otherwise they preempt each other by design). */
bool harness_counts_interference(const harness *h, const char *backend) {
  if (!backend) backend = h->job_backend;
  /* Where the harness does not place the threads (a runtime of its own,
   * OpenMP or oneTBB, or --no-pin), the kernel may stack two of them on one
   * CPU on a quiet machine (a wake-up lands on its waker's CPU): their wait
   * for each other is the figure, and run-queue delay cannot tell it from
   * another task's. Such jobs are judged by the references beside them. */
  bool placed = !backend || (!h->o.no_pin && (pool_backend_has_workers(backend) ||
                                              pool_backend_runs_on_caller(backend)));
  return placed && host_interference_source() != NULL && h->job_threads <= plat_cpu_count();
}

int harness_measure(harness *h, harness_batch fn, void *ctx, harness_result *r) {
  memset(r, 0, sizeof *r);
  /* One untimed operation first: it pays one-off costs (a partner thread
   * still starting, page faults, a Wasm tier-up) that would otherwise make a
   * single operation look like a full batch. */
  fn(ctx, 1);
  uint64_t iters = 1;
  double t = size_batch(h, fn, ctx, &iters);
  int keep = h->o.reps - 1; /* the first repetition is warm-up */
  r->samples = malloc((size_t)keep * sizeof *r->samples);
  if (!r->samples) return -1;
  r->counted = harness_counts_interference(h, NULL);
  /* A repetition another task interfered with measures the machine, not the
   * pool: it is re-run, a bounded number of times, so a busy machine costs
   * time, not figures. */
  int rerun_budget = HARNESS_RERUNS_PER_REP * keep;
  /* A batch sized during a slow spell (a partner thread descheduled at the
   * start, so one operation "filled" a batch and later batches read 0 on a
   * coarse timer) is re-sized and the repetitions start over, a bounded
   * number of times. */
  for (int resize = 0;; resize++) {
    double fastest = INFINITY;
    r->kept_interfered = false;
    for (int rep = 0; rep <= keep; rep++) {
      harness_mark mark;
      if (r->counted) harness_mark_now(h, &mark);
      uint64_t ran;
      double e = elapsed(h, fn, ctx, iters, &ran);
      if (rep > 0 && r->counted && harness_interfered(h, &mark, e)) {
        r->interfered++;
        if (r->reruns < rerun_budget) {
          r->reruns++;
          rep--;
          continue;
        }
        r->kept_interfered = true;
      }
      if (rep > 0) r->samples[rep - 1] = e / (double)ran;
      if (e < fastest && ran == iters) fastest = e; /* a stopped batch ran long */
    }
    if (fastest >= h->min_batch_ns / 4 || resize == 3) break;
    t = size_batch(h, fn, ctx, &iters);
  }
  r->n = keep;
  r->inner = iters;
  stats s = stats_of(r->samples, (size_t)keep);
  r->median = s.median, r->mad = s.mad, r->min = s.min, r->max = s.max, r->mean = s.mean;
  r->below_resolution = t < 1000 * h->step_ns;
  return 0;
}

int harness_result_from(const double *samples, int n, harness_result *r) {
  memset(r, 0, sizeof *r);
  r->samples = malloc((size_t)(n > 0 ? n : 1) * sizeof *r->samples);
  if (!r->samples) return -1;
  memcpy(r->samples, samples, (size_t)n * sizeof *samples);
  r->n = n;
  r->inner = 1;
  stats s = stats_of(samples, (size_t)n);
  r->median = s.median, r->mad = s.mad, r->min = s.min, r->max = s.max, r->mean = s.mean;
  return 0;
}

int harness_result_latencies(const harness *h, double *lat, size_t n, int blocks,
                             harness_result *r) {
  size_t per = n / (size_t)blocks;
  double *medians = malloc((size_t)blocks * sizeof *medians);
  if (!medians || per == 0) {
    free(medians);
    memset(r, 0, sizeof *r);
    return -1;
  }
  for (int k = 0; k < blocks; k++) medians[k] = stats_of(lat + (size_t)k * per, per).median;
  /* The record's median, spread and interval are those of the block
   * medians, its samples, so the interval is the median's own; the
   * percentiles are of every single call. */
  int rc = harness_result_from(medians, blocks, r);
  free(medians);
  if (rc != 0) return rc;
  stats_sort(lat, n);
  r->p50 = stats_quantile_sorted(lat, n, 0.50);
  r->p90 = stats_quantile_sorted(lat, n, 0.90);
  r->p99 = stats_quantile_sorted(lat, n, 0.99);
  r->p999 = stats_quantile_sorted(lat, n, 0.999);
  /* A call timed alone (by the per-call clock): quantization hurts below
   * ~10 steps. */
  r->below_resolution = r->p50 < 10 * call_clock_step_ns(h->clock);
  return 0;
}

void harness_result_free(harness_result *r) {
  free(r->samples);
  r->samples = NULL;
}

void harness_emit(harness *h, const harness_key *k, const char *unit,
                  const harness_result *r, const harness_extra *extra,
                  int nextra, const char *const *flags, int nflags) {
  json j;
  harness_record_begin(h, &j, "measurement");
  json_str(&j, "scenario", k->scenario);
  json_str(&j, "backend", k->backend);
  json_str(&j, "mode", k->mode);
  json_int(&j, "threads", k->threads);
  json_int(&j, "items", (int64_t)k->items);
  json_num(&j, "work_ns", k->work_ns);
  json_str(&j, "unit", unit);
  json_num(&j, "median", r->median);
  json_num(&j, "mad", r->mad);
  json_num(&j, "min", r->min);
  json_num(&j, "max", r->max);
  json_num(&j, "mean", r->mean);
  /* Every median goes out with its interval: a reader ranks two figures
   * only where their intervals do not overlap. */
  stats_interval ci = stats_median_ci(r->samples, (size_t)r->n);
  json_num(&j, "ci_lo", ci.lo);
  json_num(&j, "ci_hi", ci.hi);
  json_num(&j, "ci_level", ci.level);
  json_int(&j, "n", r->n);
  json_int(&j, "inner", (int64_t)r->inner);
  bool time_unit = strcmp(unit, "ns") == 0;
  json_num(&j, "spin_rt_units",
           time_unit && h->spin_rt_ns > 0 ? r->median / h->spin_rt_ns : NAN);
  json_num(&j, "futex_rt_units",
           time_unit && h->futex_rt_ns > 0 ? r->median / h->futex_rt_ns : NAN);
  if (r->counted) {
    json_int(&j, "interfered", r->interfered);
    json_int(&j, "reruns", r->reruns);
  }
  for (int i = 0; i < nextra; i++) json_num(&j, extra[i].name, extra[i].value);
  json_arr_begin(&j, "samples");
  for (int i = 0; i < r->n; i++) json_num(&j, NULL, r->samples[i]);
  json_arr_end(&j);
  json_arr_begin(&j, "flags");
  if (r->below_resolution) json_str(&j, NULL, "below_timer_resolution");
  if (r->kept_interfered) json_str(&j, NULL, "interfered");
  for (int i = 0; i < nflags; i++) json_str(&j, NULL, flags[i]);
  json_arr_end(&j);
  harness_write_record(h, &j);
}

double harness_measure_emit(harness *h, const harness_key *k, harness_batch fn,
                            void *ctx, const harness_extra *extra, int nextra) {
  harness_result r;
  if (harness_measure(h, fn, ctx, &r) != 0) return -1;
  harness_emit(h, k, "ns", &r, extra, nextra, NULL, 0);
  double m = r.median;
  harness_result_free(&r);
  return m;
}

double harness_iters_per_ns(const harness *h) { return h->iters_per_ns; }
uint64_t harness_work_iters(const harness *h, double work_ns) {
  return kernel_iters(h->iters_per_ns, work_ns);
}
void harness_work(const harness *h, double work_ns) {
  harness_spin_iters(harness_work_iters(h, work_ns));
}
double harness_timer_step_ns(const harness *h) { return h->step_ns; }
double harness_min_batch_ns(const harness *h) { return h->min_batch_ns; }
void harness_set_job(harness *h, int threads, const char *backend) {
  h->job_threads = threads;
  h->job_backend = backend;
  h->job_pool = NULL;
}

/* The machine's busy time less the process's own, over the wall time. Both
 * ends of the window read counters kept in accounting steps (truncated per
 * field, ticked per CPU), so a few steps of it may be nobody's: those are
 * taken off, which makes the figure a lower bound, safe to flag a job on. */
harness_beside harness_take_beside(harness *h) {
  host_machine_cpu now, was = h->taken_cpu;
  host_machine_cpu_now(&now);
  uint64_t t = plat_now_ns();
  double wall = (double)(t - h->taken_ns);
  int64_t demand = host_others_demand_ns((int64_t)(t - h->taken_ns));
  h->taken_cpu = now;
  h->taken_ns = t;
  harness_beside b = {NAN, NAN};
  if (!(wall > 0)) return b;
  if (demand >= 0) b.others_demand = (double)demand / wall;
  if (was.all_ns < 0 || was.self_ns < 0 || now.all_ns < 0 || now.self_ns < 0) return b;
  double slack = (double)(2 + plat_cpu_count()) * (double)now.step_ns;
  double others = (double)(now.all_ns - was.all_ns) - (double)(now.self_ns - was.self_ns) - slack;
  b.others_cores = others > 0 ? others / wall : 0;
  return b;
}
void harness_set_references(harness *h, double spin, double futex) {
  h->spin_rt_ns = spin;
  h->futex_rt_ns = futex;
}
double harness_spin_rt_ns(const harness *h) { return h->spin_rt_ns; }
double harness_futex_rt_ns(const harness *h) { return h->futex_rt_ns; }
const harness_options *harness_opts(const harness *h) { return &h->o; }
const char *harness_platform(const harness *h) { return h->o.platform; }
