/* The registry: the table of backend_list.h, found by name, each checked
 * against backend.h's rules before a pool uses it. */
#include <string.h>

#include "backends.h"

#ifdef POOL_HAS_REFERENCES
#define POOL_REFERENCE(x) POOL_BACKEND(x)
#else
#define POOL_REFERENCE(x)
#endif

#define POOL_BACKEND(x) extern const pool_backend pool_backend_##x;
#include "backend_list.h"
#undef POOL_BACKEND

#define POOL_BACKEND(x) &pool_backend_##x,
static const pool_backend *const table[] = {
#include "backend_list.h"
};
#undef POOL_BACKEND

#define COUNT ((int)(sizeof table / sizeof *table))

const pool_backend *pool_backend_find(const char *name) {
  if (!name) return NULL;
  for (int i = 0; i < COUNT; i++)
    if (table[i]->name && strcmp(table[i]->name, name) == 0) return table[i];
  return NULL;
}

/* The combinations backend.h allows: a core pool sleeps with wait and is
 * woken with wake, so one without the other would call NULL or sleep every
 * slice out; `run` replaces the core, so it excludes both. */
int pool_backend_check(const pool_backend *b) {
  if (!b->name || !b->description) return POOL_EPROTOCOL;
  if ((b->wait == NULL) != (b->wake == NULL)) return POOL_EPROTOCOL;
  if (b->run && b->wait) return POOL_EPROTOCOL;
  return POOL_OK;
}

int pool_backend_count(void) { return COUNT; }

const char *pool_backend_at(int i) { return i >= 0 && i < COUNT ? table[i]->name : NULL; }

const char *pool_backend_describe(const char *name) {
  const pool_backend *b = pool_backend_find(name);
  return b ? b->description : NULL;
}

bool pool_backend_has_workers(const char *name) {
  const pool_backend *b = pool_backend_find(name);
  return b && b->wait != NULL;
}

bool pool_backend_runs_on_caller(const char *name) {
  const pool_backend *b = pool_backend_find(name);
  return b && b->wait == NULL && b->run == NULL;
}
