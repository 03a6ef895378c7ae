/* The per-call clock: what times single calls (latency, bursts, spaced
 * fork-joins) and the fork/join stamps. Normally the system clock
 * (plat_now_ns). A browser clamps that to 5 us (performance.now), far above
 * a warm fork-join, so there a counter clock can stand in: one thread
 * incrementing a shared word as fast as it can, calibrated against the
 * system clock over >= 100 ms, read by every thread alike (one clock for
 * all, so fork and join are measurable too). It costs a core: chosen only
 * where one is free for it, or when asked for.
 * Batched figures keep the system clock: a batch lasts >= 1000 of its steps. */
#ifndef POOLBENCH_CALL_CLOCK_H
#define POOLBENCH_CALL_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* One per session (which owns it); the counter's thread, if any, reads
 * its state only through the pointer it was started with. */
typedef struct call_clock call_clock;

/* Which clock times single calls: "auto" (NULL too): the counter where the
 * system clock's step is coarse (> 1 us) and a core is free for it (logical
 * cores > threads + 1); "system"; "counter" (forced). Starts the counter's
 * thread when it is chosen. The clock, or NULL with a one-line reason (a
 * forced counter that cannot start or does not run steadily). */
call_clock *call_clock_start(const char *choice, int threads, double system_step_ns, char *err,
                             size_t errlen);
uint64_t call_clock_now_ns(const call_clock *c);
/* The smallest step it resolves (ns): what single-call figures are limited by. */
double call_clock_step_ns(const call_clock *c);
/* Whether readings taken on two threads compare. */
bool call_clock_shared(const call_clock *c);
/* The run header's "clock" object: which clock, why, its step, and for the
 * counter its calibration and checks against the system clock. */
void call_clock_probe(const call_clock *c, json *j);
/* Stops the counter's thread, if any, and frees the clock. */
void call_clock_close(call_clock *c);

#endif
