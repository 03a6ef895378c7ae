/* Order statistics on samples (internal to the harness). */
#ifndef POOLBENCH_STATS_H
#define POOLBENCH_STATS_H

#include <stddef.h>

typedef struct stats {
  double median, mad, min, max, mean;
} stats;

/* Summary of x[0..n); n == 0 gives all zeros. x is not modified. */
stats stats_of(const double *x, size_t n);
/* q-quantile (0..1) of sorted x, linear between closest ranks (numpy's
 * default, Hyndman-Fan type 7). */
double stats_quantile_sorted(const double *sorted, size_t n, double q);
void stats_sort(double *x, size_t n);

#endif
