/* Shared between the harness's own files; hosts use harness.h. */
#ifndef POOLBENCH_HARNESS_INTERNAL_H
#define POOLBENCH_HARNESS_INTERNAL_H

#include "harness.h"
#include "host.h"
#include "json.h"
#include "pool.h"

/* What the session owns that its scenarios reach through it. */
typedef struct call_clock call_clock;
const call_clock *harness_call_clock(const harness *h);
sink *harness_sink(harness *h);

/* Starts a record with its type and platform; the caller adds fields, then
 * harness_write_record closes the object and writes the line. */
void harness_record_begin(harness *h, json *j, const char *type);
void harness_write_record(harness *h, json *j);

/* A repetition's interference check, for a scenario with its own repetition
 * loop (grain_ab): a mark before it, then whether it was interfered with.
 * harness_counts_interference says whether the host counts at all, and
 * the job's threads (of `backend`, NULL: the job's own) each have a core
 * and were placed by the harness. */
typedef struct harness_mark {
  host_interference at;
  pool *pool; /* the watched pool, and its stats at the mark */
  pool_stats_t stats;
} harness_mark;
bool harness_counts_interference(const harness *h, const char *backend);
/* Re-runs allowed per kept repetition: a job keeps clean figures while up
 * to three in four of its repetitions are interfered with. */
#define HARNESS_RERUNS_PER_REP 3
void harness_mark_now(const harness *h, harness_mark *m);
bool harness_interfered(const harness *h, const harness_mark *m, double elapsed_ns);
/* The pool the job's repetitions run on (NULL: none; harness_set_job clears
 * it): a repetition its workers sat out is judged as interfered with. */
void harness_watch_pool(harness *h, pool *p);

#endif
