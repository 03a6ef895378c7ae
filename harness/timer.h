/* The clock's resolution. Below both the delay kernel (its calibration runs
 * well above the step) and the session (its batches do): neither needs the
 * other to know it. */
#ifndef POOLBENCH_TIMER_H
#define POOLBENCH_TIMER_H

/* The smallest non-zero step between two clock readings, in ns. */
double timer_measure_step_ns(void);

#endif
