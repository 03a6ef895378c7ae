/* The one table of scenarios, in run order (references first). */
#include <string.h>

#include "scenarios.h"

extern const scenario scenario_pingpong, scenario_dispatch, scenario_grain,
    scenario_latency, scenario_startup, scenario_idle_cpu, scenario_bursts,
    scenario_many_items, scenario_grain_ab, scenario_forkjoin, scenario_forkjoin_spaced;

static const scenario *const table[] = {
    &scenario_pingpong, &scenario_dispatch, &scenario_forkjoin,
    &scenario_forkjoin_spaced, &scenario_grain,
    &scenario_latency,  &scenario_startup,  &scenario_idle_cpu,
    &scenario_bursts,   &scenario_many_items, &scenario_grain_ab,
};

int scenario_count(void) { return (int)(sizeof table / sizeof *table); }

const scenario *scenario_at(int i) {
  return i >= 0 && i < scenario_count() ? table[i] : NULL;
}

const scenario *scenario_find(const char *name) {
  for (int i = 0; i < scenario_count(); i++)
    if (strcmp(table[i]->name, name) == 0) return table[i];
  return NULL;
}
