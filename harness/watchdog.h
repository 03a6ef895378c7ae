/* The watchdog: a dedicated thread that ends a run whose job makes no
 * progress (no batch or repetition finished) for its deadline, or for 20x
 * the longest pause between its progress so far when that is longer: it
 * catches hangs, not a busy machine's slowness. It first writes what every
 * thread of the watched pool was doing (one "watchdog" record through the
 * sink, naming the job's number, plus a readable dump on stderr). It reads
 * only the atomics the pools publish, so it works when the workers are stuck.
 * Exit code 3: `poolbench run --skip-jobs N --append` goes on with the rest
 * in a fresh process (scripts/run_resuming.sh does). */
#ifndef POOLBENCH_WATCHDOG_H
#define POOLBENCH_WATCHDOG_H

#include "host.h"
#include "pool.h"

#define WATCHDOG_EXIT_CODE 3

/* One per session, which owns it (harness_watchdog); idle until started.
 * Its dump goes to the session's sink as a record of `platform`. */
typedef struct watchdog watchdog;
watchdog *watchdog_new(sink *s, const char *platform);
void watchdog_free(watchdog *w); /* stops it first */

/* Starts the thread; deadline_s <= 0 disables the watchdog. */
int watchdog_start(watchdog *w, double deadline_s);
/* Job `number` (its place in the run) begins now: its progress counts from here. */
void watchdog_job(watchdog *w, int number, const char *scenario, const char *backend,
                  const char *mode);
/* The job finished a batch or a repetition: it is alive. Cheap (a relaxed
 * increment), but off the timed path. */
void watchdog_progress(watchdog *w);
/* The pool a dump shows (NULL: none). Call with NULL before destroying it. */
void watchdog_watch(watchdog *w, pool *p);
/* The same, for a job that drives several pools in turn: the dump also names
 * the `arm` (the backend) it was in. watchdog_watch clears it. */
void watchdog_watch_arm(watchdog *w, pool *p, const char *arm);
/* Sleeps ns on purpose: a job's deliberate sleeps do not count against its
 * deadline, which bounds what it computes and waits for, not how long it
 * chose to pause (a job that settles between samples would trip under load). */
void watchdog_sleep(watchdog *w, uint64_t ns);
void watchdog_stop(watchdog *w);

#endif
