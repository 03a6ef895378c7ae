/* The one table of backends. Adding a backend: one file, one line here (or in
 * references_*.c when it exists only on some builds). */
#include <string.h>

#include "backends.h"

extern const pool_backend pool_backend_serial;
extern const pool_backend pool_backend_condvar;
extern const pool_backend pool_backend_futex;
extern const pool_backend pool_backend_spin;
extern const pool_backend pool_backend_atomic_wait;
extern const pool_backend pool_backend_adaptive;

static const pool_backend *const portable[] = {
    &pool_backend_serial, &pool_backend_condvar,     &pool_backend_futex,
    &pool_backend_spin,   &pool_backend_atomic_wait, &pool_backend_adaptive, NULL};

static const pool_backend *nth(int i) {
  for (const pool_backend *const *b = portable; *b; b++)
    if (i-- == 0) return *b;
  for (const pool_backend *const *b = pool_reference_backends; *b; b++)
    if (i-- == 0) return *b;
  return NULL;
}

const pool_backend *pool_backend_find(const char *name) {
  if (!name) return NULL;
  const pool_backend *b;
  for (int i = 0; (b = nth(i)) != NULL; i++)
    if (strcmp(b->name, name) == 0) return b;
  return NULL;
}

int pool_backend_count(void) {
  int n = 0;
  while (nth(n)) n++;
  return n;
}

const char *pool_backend_at(int i) {
  const pool_backend *b = i >= 0 ? nth(i) : NULL;
  return b ? b->name : NULL;
}

const char *pool_backend_describe(const char *name) {
  const pool_backend *b = pool_backend_find(name);
  return b ? b->description : NULL;
}

bool pool_backend_has_workers(const char *name) {
  const pool_backend *b = pool_backend_find(name);
  return b && b->wait != NULL;
}
