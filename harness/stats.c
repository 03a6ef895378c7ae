#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void stats_sort(double *x, size_t n) { qsort(x, n, sizeof *x, cmp_double); }

double stats_quantile_sorted(const double *s, size_t n, double q) {
  if (n == 0) return 0;
  if (q <= 0) return s[0];
  if (q >= 1) return s[n - 1];
  double pos = q * (double)(n - 1);
  size_t lo = (size_t)floor(pos);
  double frac = pos - (double)lo;
  return lo + 1 < n ? s[lo] + frac * (s[lo + 1] - s[lo]) : s[lo];
}

/* A sorted copy of x[0..n) (the caller frees it), or NULL. */
static double *sorted_copy(const double *x, size_t n) {
  double *s = n ? malloc(n * sizeof *s) : NULL;
  if (!s) return NULL;
  memcpy(s, x, n * sizeof *s);
  stats_sort(s, n);
  return s;
}

stats stats_of(const double *x, size_t n) {
  stats r = {0};
  double *s = sorted_copy(x, n);
  if (!s) return r;
  r.min = s[0];
  r.max = s[n - 1];
  r.median = stats_quantile_sorted(s, n, 0.5);
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    sum += s[i];
    s[i] = fabs(s[i] - r.median);
  }
  r.mean = sum / (double)n;
  stats_sort(s, n);
  r.mad = stats_quantile_sorted(s, n, 0.5);
  free(s);
  return r;
}

/* P(B = i) for B ~ binomial(n, 1/2), in logs so that large n cannot
 * underflow 2^-n. */
static double half_binomial_pmf(size_t n, size_t i) {
  return exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
             (double)n * log(2.0));
}

stats_interval stats_median_ci(const double *x, size_t n) {
  stats_interval ci = {0};
  double *s = sorted_copy(x, n);
  if (!s) return ci;
  /* coverage(k) = 1 - 2 P(B < k): it falls as k rises, so the first k
   * below the target ends the search. */
  size_t best = 1;
  double tail = 0, best_level = -1;
  for (size_t k = 1; 2 * k <= n + 1; k++) {
    tail += half_binomial_pmf(n, k - 1);
    double level = fmax(0, 1 - 2 * tail);
    if (k == 1) best_level = level;
    if (level < STATS_CI_TARGET) break;
    best = k, best_level = level;
  }
  ci.lo = s[best - 1];
  ci.hi = s[n - best];
  ci.level = best_level;
  free(s);
  return ci;
}
