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

/* A distribution-free interval for the median of the population x[0..n)
 * was drawn from: the order statistics of ranks (k, n+1-k), k the largest
 * rank whose binomial(n, 1/2) coverage P(k <= B <= n-k) is at least
 * STATS_CI_TARGET; `level` is that pair's actual coverage (the ranks are
 * whole, so it lies above the target). When even [min, max] falls short
 * (n < 6) the interval is [min, max] and `level` its coverage below the
 * target. It assumes nothing of the distribution, so it holds for the
 * skewed, heavy-tailed times a benchmark sees. n == 0 gives all zeros. */
#define STATS_CI_TARGET 0.95
typedef struct stats_interval {
  double lo, hi, level;
} stats_interval;
stats_interval stats_median_ci(const double *x, size_t n);

#endif
