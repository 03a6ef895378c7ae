/* The clock's resolution. Below both the delay kernel (its calibration runs
 * well above the step) and the session (its batches do): neither needs the
 * other to know it. */
#ifndef POOLBENCH_TIMER_H
#define POOLBENCH_TIMER_H

#include <stdint.h>

/* The smallest non-zero step between two readings of `now(ctx)`, in ns. */
double timer_measure_step_of(uint64_t (*now)(const void *ctx), const void *ctx);
/* The same for the system clock (plat_now_ns). */
double timer_measure_step_ns(void);

#endif
