/* The numbers records are keyed by that a reader must know to read them:
 * the grain sweep's W values. Defined once here, used by the scenarios that
 * measure them and written into every run's header, so the report reads them
 * from the run instead of keeping its own copy. The references' backend
 * names are records/schema.json's (records_schema.h, generated; the header
 * carries them too). */
#ifndef POOLBENCH_VOCABULARY_H
#define POOLBENCH_VOCABULARY_H

#include <stddef.h>

/* W, ns of work per item, of every grain sweep, ascending. */
#define VOCAB_GRAIN_WORKS 10
extern const double vocab_grain_work_ns[VOCAB_GRAIN_WORKS];

/* The W list for callers through ctypes (bench/pycalls.py): its length, and
 * its i-th value (-1 past the end). */
size_t vocab_grain_work_count(void);
double vocab_grain_work_at(size_t i);

#endif
