/* The one table of scenarios, expanded from scenario_list.h. */
#include <string.h>

#include "scenarios.h"

#define SCENARIO(x, per_target, applies, description) const char scenario_name_##x[] = #x;
#include "scenario_list.h"
#undef SCENARIO

#define SCENARIO(x, per_target_, applies_, description_) \
  {.name = scenario_name_##x,                            \
   .description = description_,                          \
   .per_target = per_target_,                            \
   .applies = applies_,                                  \
   .run = scenario_run_##x},
static const scenario table[] = {
#include "scenario_list.h"
};
#undef SCENARIO

int scenario_count(void) { return (int)(sizeof table / sizeof *table); }

const scenario *scenario_at(int i) {
  return i >= 0 && i < scenario_count() ? &table[i] : NULL;
}

const scenario *scenario_find(const char *name) {
  for (int i = 0; i < scenario_count(); i++)
    if (strcmp(table[i].name, name) == 0) return &table[i];
  return NULL;
}

bool scenario_runs_here(const scenario *s) {
  bool any = !s->per_target;
  for (int b = 0; b < pool_backend_count() && !any; b++) any = s->applies(pool_backend_at(b));
  return any;
}
