/* Shared between the harness's own files; hosts use harness.h. */
#ifndef POOLBENCH_HARNESS_INTERNAL_H
#define POOLBENCH_HARNESS_INTERNAL_H

#include "harness.h"
#include "json.h"

int kernel_calibrate(double step_ns, double *iters_per_ns, char *err, size_t errlen);
/* The smallest non-zero step between two clock readings. */
double timer_measure_step_ns(void);

/* Starts a record with its type and platform; the caller adds fields, then
 * harness_write_record closes the object and writes the line. */
void harness_record_begin(harness *h, json *j, const char *type);
void harness_write_record(harness *h, json *j);

#endif
