/* The hazard catalogue (hazards.c): `poolbench diagnose`. */
#ifndef POOLBENCH_HAZARDS_H
#define POOLBENCH_HAZARDS_H

#include <stdbool.h>
#include <stdio.h>

#include "harness.h"

bool hazard_known(const char *name);
const char *hazard_at(int i); /* NULL past the end */
void hazard_list(FILE *out);
/* 0: verdict written; 1: the hazard does not exist here; -1: error verdict. */
int hazard_run(harness *h, const char *name, int threads);

#endif
