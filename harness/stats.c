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

stats stats_of(const double *x, size_t n) {
  stats r = {0};
  if (n == 0) return r;
  double *s = malloc(n * sizeof *s);
  if (!s) return r;
  memcpy(s, x, n * sizeof *s);
  stats_sort(s, n);
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
