/* The registry of backends by name (internal; the table is backend_list.h). */
#ifndef POOLBENCH_BACKENDS_H
#define POOLBENCH_BACKENDS_H

#include "backend.h"

const pool_backend *pool_backend_find(const char *name); /* NULL if unknown */
/* POOL_OK, or POOL_EPROTOCOL when b breaks backend.h's rules (wait without
 * wake or the reverse, run beside wait, no name or description). */
int pool_backend_check(const pool_backend *b);

#endif
