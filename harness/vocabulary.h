/* The names and numbers records are keyed by that a reader must know to read
 * them: the grain sweep's W values and the backend names of the same-run
 * references. Defined once here, used by the scenarios that measure them and
 * written into every run's header, so the report reads them from the run
 * instead of keeping its own copy. */
#ifndef POOLBENCH_VOCABULARY_H
#define POOLBENCH_VOCABULARY_H

#include <stddef.h>

/* W, ns of work per item, of every grain sweep, ascending. */
#define VOCAB_GRAIN_WORKS 10
extern const double vocab_grain_work_ns[VOCAB_GRAIN_WORKS];

/* The `backend` of the references' measurements (the pingpong scenario). */
#define VOCAB_SPIN_REFERENCE "spin_pingpong"
#define VOCAB_FUTEX_REFERENCE "futex_pingpong"

/* The W list for callers through ctypes (bench/pycalls.py): its length, and
 * its i-th value (-1 past the end). */
size_t vocab_grain_work_count(void);
double vocab_grain_work_at(size_t i);

#endif
