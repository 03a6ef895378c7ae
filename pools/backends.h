/* The registry of backends by name (internal). */
#ifndef POOLBENCH_BACKENDS_H
#define POOLBENCH_BACKENDS_H

#include "backend.h"

/* Backends that exist only on some builds (OpenMP, oneTBB natively), listed
 * in a per-build file (references_*.c), NULL-terminated. */
extern const pool_backend *const pool_reference_backends[];

const pool_backend *pool_backend_find(const char *name);

#endif
