/* The suite: which scenarios over which targets, run in order with progress. */
#ifndef POOLBENCH_SUITE_H
#define POOLBENCH_SUITE_H

#include <stdbool.h>
#include <stdio.h>

#include "scenarios.h"

#define SUITE_MAX 64
#define SUITE_MAX_P 8 /* thread counts in one sweep (--threads 1,2,4) */

typedef struct suite_plan {
  const char *backends[SUITE_MAX];
  int nbackends;
  const scenario *scenarios[SUITE_MAX];
  int nscenarios;
  bool warm, cold; /* modes for backends that have them */
  int threads[SUITE_MAX_P]; /* P of each sweep step, in the order given */
  int nthreads;
  const char *fault; /* a test fault to trigger after the references, or NULL */
  int skip_jobs;     /* jobs 2..skip_jobs are not run: an earlier process ran them
                        (or one hung: the watchdog record names its number) */
} suite_plan;

/* Runs the plan (the ping-pong references always first, job 1), each
 * scenario at each P in turn, the spin reference re-measured after every
 * job (a `reference_check` record: figures are judged against the one
 * measured beside them). Fills rows (one per target and P: room for
 * SUITE_MAX * 2 * SUITE_MAX_P) and returns the number of failed jobs. Progress lines go to
 * `progress` (NULL: silent). */
int suite_run(harness *h, const suite_plan *plan, summary_row *rows,
              int *nrows, FILE *progress);
/* Prints the human summary table. */
void suite_print_summary(FILE *out, harness *h, const summary_row *rows, int n);

#endif
