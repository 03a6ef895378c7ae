/* Mann-Whitney U: mid-ranks, then the exact or the normal p (see the header
 * for which and why). */
#include "mannwhitney.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  double v;
  int from_x;
} tagged;

static int by_value(const void *a, const void *b) {
  double x = ((const tagged *)a)->v, y = ((const tagged *)b)->v;
  return (x > y) - (x < y);
}

double mw_exact_cdf(size_t nx, size_t ny, double u) {
  if (nx + ny > MW_EXACT_MAX) return -1;
  if (u < 0) return 0;
  size_t m = nx < ny ? nx : ny, n = nx < ny ? ny : nx; /* U's law is symmetric in (nx, ny) */
  size_t umax = m * n;
  if (u >= (double)umax) return 1;
  /* row[i][k] = P(U = k) for i values from x and j from y, built up over j.
   * Placing the largest of the i + j values: from x (probability i/(i+j)) it
   * beats all j values of y, U += j; from y, U is unchanged. Only additions
   * of probabilities: no cancellation, no overflow. */
  size_t w = umax + 1;
  double *row = calloc((m + 1) * w, sizeof *row);
  if (!row) return -1;
  for (size_t i = 0; i <= m; i++) row[i * w] = 1; /* j = 0: U = 0 */
  for (size_t j = 1; j <= n; j++) {
    /* i = 0 stays P(U = 0) = 1; row i-1 already holds column j */
    for (size_t i = 1; i <= m; i++) {
      double *cur = row + i * w, *left = row + (i - 1) * w;
      double px = (double)i / (double)(i + j), py = 1 - px;
      size_t top = i * j; /* U <= i*j; walk down so cur[k] is still column j-1 */
      for (size_t k = top + 1; k-- > 0;) {
        double from_y = k <= i * (j - 1) ? cur[k] : 0;
        double from_x = k >= j && k - j <= (i - 1) * j ? left[k - j] : 0;
        cur[k] = py * from_y + px * from_x;
      }
    }
  }
  double sum = 0, *last = row + m * w;
  for (size_t k = 0; k <= umax && (double)k <= u; k++) sum += last[k];
  free(row);
  return sum > 1 ? 1 : sum;
}

int mw_test(const double *x, size_t nx, const double *y, size_t ny, mw_result *out) {
  if (nx == 0 || ny == 0) return -1;
  size_t n = nx + ny;
  tagged *all = malloc(n * sizeof *all);
  if (!all) return -1;
  for (size_t i = 0; i < n; i++) {
    all[i].v = i < nx ? x[i] : y[i - nx];
    all[i].from_x = i < nx;
    if (!isfinite(all[i].v)) {
      free(all);
      return -1;
    }
  }
  qsort(all, n, sizeof *all, by_value);

  /* Mid-ranks (1-based); tie_term = sum over tie groups of t^3 - t. */
  double rank_sum_x = 0, tie_term = 0;
  size_t tied = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && all[j].v == all[i].v) j++;
    double t = (double)(j - i), mid = (double)(i + 1 + j) / 2;
    for (size_t k = i; k < j; k++)
      if (all[k].from_x) rank_sum_x += mid;
    if (j - i > 1) {
      tie_term += t * t * t - t;
      tied += j - i;
    }
    i = j;
  }
  free(all);

  double mn = (double)nx * (double)ny;
  mw_result r = {0};
  r.u = rank_sum_x - (double)nx * (double)(nx + 1) / 2;
  r.ties = tied;
  if (tied == 0 && n <= MW_EXACT_MAX) {
    /* Two-sided: twice the smaller tail; the law is symmetric about mn/2. */
    double lo = r.u < mn - r.u ? r.u : mn - r.u;
    double cdf = mw_exact_cdf(nx, ny, lo);
    if (cdf < 0) return -1;
    r.exact = 1;
    r.p = 2 * cdf > 1 ? 1 : 2 * cdf;
  } else {
    double N = (double)n;
    double var = mn / 12 * ((N + 1) - tie_term / (N * (N - 1)));
    double d = r.u - mn / 2;
    if (var <= 0) { /* every value equal: no evidence of any shift */
      r.p = 1;
    } else {
      double sd = sqrt(var), a = fabs(d) - 0.5; /* continuity correction */
      r.z = d / sd;
      r.p = a <= 0 ? 1 : erfc(a / sd / sqrt(2.0));
      if (r.p > 1) r.p = 1;
    }
  }
  *out = r;
  return 0;
}
