/* Test knobs that break a run on purpose, so tests can check that records
 * survive and errors are reported. Never used by a normal run. */
#ifndef POOLBENCH_FAULTS_H
#define POOLBENCH_FAULTS_H

#include <stdbool.h>

#include "harness.h"

/* Names accepted by `poolbench run --test-fault NAME`. */
bool fault_known(const char *name);
/* Triggers the fault (does not return for "abort-in-worker"). */
void fault_trigger(harness *h, const char *name, int threads);

#endif
