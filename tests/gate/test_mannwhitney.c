/* The U test against values worked out by hand: small exact cases, ties,
 * identical samples, and a large case against the normal approximation. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "mannwhitney.h"

static int near(double a, double b, double rel) {
  return fabs(a - b) <= rel * fabs(b) + 1e-15;
}

static mw_result run(const double *x, size_t nx, const double *y, size_t ny) {
  mw_result r = {0};
  CHECK(mw_test(x, nx, y, ny, &r) == 0, "mw_test returned an error");
  return r;
}

/* m = n = 3: the 20 arrangements give U = 0..9 with counts 1 1 2 3 3 3 3 2 1 1. */
static void exact_distribution_3_3(void) {
  static const int counts[] = {1, 1, 2, 3, 3, 3, 3, 2, 1, 1};
  int cum = 0;
  for (int u = 0; u <= 9; u++) {
    cum += counts[u];
    double got = mw_exact_cdf(3, 3, u);
    CHECK(near(got, cum / 20.0, 1e-12), "P(U <= %d) = %g, expected %d/20", u, got, cum);
  }
  CHECK(mw_exact_cdf(3, 3, -1) == 0, "below the support");
  CHECK(mw_exact_cdf(3, 3, 9) == 1, "the whole support");
  CHECK(mw_exact_cdf(60, 60, 3) == -1, "beyond MW_EXACT_MAX must refuse");
  /* Unbalanced sizes: the law does not depend on which side is x. */
  for (int u = 0; u <= 14; u++)
    CHECK(near(mw_exact_cdf(2, 7, u), mw_exact_cdf(7, 2, u), 1e-12), "symmetry at %d", u);
  /* m = 2, n = 7: P(U = 0) = 1 / C(9, 2) = 1/36. */
  CHECK(near(mw_exact_cdf(2, 7, 0), 1 / 36.0, 1e-12), "got %g", mw_exact_cdf(2, 7, 0));
}

static void small_exact(void) {
  /* Complete separation: U = 0, p = 2 * 1/20. */
  double a[] = {1, 2, 3}, b[] = {4, 5, 6};
  mw_result r = run(a, 3, b, 3);
  CHECK(r.exact == 1, "no ties, small: exact");
  CHECK(r.u == 0, "U = %g", r.u);
  CHECK(near(r.p, 0.1, 1e-12), "p = %g, expected 0.1", r.p);
  r = run(b, 3, a, 3);
  CHECK(r.u == 9 && near(r.p, 0.1, 1e-12), "mirrored: U = %g, p = %g", r.u, r.p);

  /* Interleaved: x > y in 3 pairs (3>2, 5>2, 5>4); P(U <= 3) = 7/20, p = 0.7. */
  double c[] = {5, 1, 3}, d[] = {6, 2, 4};
  r = run(c, 3, d, 3);
  CHECK(r.u == 3, "U = %g", r.u);
  CHECK(near(r.p, 0.7, 1e-12), "p = %g, expected 0.7", r.p);

  /* The gate's case: 9 vs 9 fully separated, p = 2 / C(18, 9) = 2/48620. */
  double x[9], y[9];
  for (int i = 0; i < 9; i++) {
    x[i] = 100 + i;
    y[i] = 200 + i;
  }
  r = run(x, 9, y, 9);
  CHECK(r.exact && r.u == 0 && near(r.p, 2 / 48620.0, 1e-9), "U = %g, p = %g", r.u, r.p);

  /* 9 vs 9 with U = 11, the case where the normal approximation would cross
   * alpha = 0.01: x = 12.5 beats y = 10..12 (3 pairs), x = 17.5 beats
   * y = 10..17 (8), every other x is below every y. The counts of U = 0..11
   * (partitions of U into at most 9 parts of at most 9) are
   * 1 1 2 3 5 7 11 15 22 30 40 52, 189 in all: p = 2 * 189/48620. */
  double u11x[9] = {1, 2, 3, 4, 5, 6, 7, 12.5, 17.5};
  double u11y[9] = {10, 11, 12, 13, 14, 15, 16, 17, 18};
  r = run(u11x, 9, u11y, 9);
  CHECK(r.exact && r.u == 11, "U = %g", r.u);
  CHECK(near(r.p, 378 / 48620.0, 1e-9), "p = %g, expected %g", r.p, 378 / 48620.0);
  CHECK(r.p < 0.01, "significant at alpha 0.01");
}

static void ties(void) {
  /* x = {1,2,2,3}, y = {2,3,3,4}: ranks 1 | 3 3 3 | 6 6 6 | 8, R_x = 1+3+3+6 = 13,
   * U = 13 - 10 = 3, mean 8, tie term 2*(27-3) = 48, N = 8:
   * var = 16/12 * (9 - 48/56) = 76/7; z = (|3-8| - 0.5) / sqrt(76/7). */
  double x[] = {1, 2, 2, 3}, y[] = {2, 3, 3, 4};
  mw_result r = run(x, 4, y, 4);
  CHECK(r.exact == 0, "ties: normal approximation");
  CHECK(r.ties == 6, "6 tied values, got %zu", r.ties);
  CHECK(r.u == 3, "U = %g", r.u);
  CHECK(near(r.z, -5 / sqrt(76 / 7.0), 1e-9), "z = %g", r.z);
  CHECK(near(r.p, 0.1720337089, 1e-8), "p = %.10f, expected 0.1720337089", r.p);

  /* One big tie group: x = {1,1,1}, y = {1,1,2}. Ranks 3 3 3 3 3 | 6:
   * R_x = 9, U = 3, mean 4.5, tie term 125 - 5 = 120, N = 6:
   * var = 9/12 * (7 - 120/30) = 2.25; |U - mean| - 0.5 = 1:
   * p = erfc(1/1.5 / sqrt 2) = 0.5049850750. */
  double a[] = {1, 1, 1}, b[] = {1, 1, 2};
  r = run(a, 3, b, 3);
  CHECK(r.u == 3 && r.ties == 5, "U = %g, ties %zu", r.u, r.ties);
  CHECK(near(r.p, 0.5049850750, 1e-9), "p = %.10f", r.p);
}

static void identical(void) {
  double x[10], y[10];
  for (int i = 0; i < 10; i++) x[i] = y[i] = 250.0;
  mw_result r = run(x, 10, y, 10);
  CHECK(r.p == 1, "all equal: p = %g, expected 1", r.p);
  CHECK(r.u == 50, "U = %g, expected mn/2", r.u);
  for (int i = 0; i < 10; i++) x[i] = y[9 - i] = 100 + 7 * i; /* the same set */
  r = run(x, 10, y, 10);
  CHECK(r.p == 1, "same values: p = %g, expected 1", r.p);
}

static void large_normal(void) {
  /* x = 1..150, y = 10.5 + 1..150 (no ties, N = 300: normal approximation).
   * x_i > y_j iff i >= j + 11: sum over j = 1..139 of (140 - j) = 9730 = U.
   * mean 11250, var = 150*150*301/12 = 564375,
   * p = erfc((1520 - 0.5) / sqrt(564375) / sqrt 2) = 0.04311112807. */
  double x[150], y[150];
  for (int i = 0; i < 150; i++) {
    x[i] = i + 1;
    y[i] = i + 1 + 10.5;
  }
  mw_result r = run(x, 150, y, 150);
  CHECK(r.exact == 0, "N = 300: normal approximation");
  CHECK(r.u == 9730, "U = %g", r.u);
  CHECK(near(r.z, -1520 / sqrt(564375.0), 1e-12), "z = %g", r.z);
  CHECK(near(r.p, 0.04311112807, 1e-8), "p = %.11f", r.p);

  /* Just inside MW_EXACT_MAX the exact p must agree with the normal one to a
   * few percent away from the far tail: 50 vs 50, y shifted by 6.5. */
  double a[50], b[50];
  for (int i = 0; i < 50; i++) {
    a[i] = i + 1;
    b[i] = i + 1 + 6.5;
  }
  mw_result e = run(a, 50, b, 50);
  double mn = 2500, u = e.u, sd = sqrt(2500 * 101 / 12.0);
  double pn = erfc((fabs(u - mn / 2) - 0.5) / sd / sqrt(2.0));
  CHECK(e.exact == 1, "N = 100: exact");
  CHECK(e.u == 43 * 44 / 2, "U = %g", e.u); /* x_i > y_j iff i >= j + 7: 43+42+...+1 */
  CHECK(near(e.p, pn, 0.03), "exact %g vs normal %g", e.p, pn);
  /* the exact law sums to one and is symmetric at this size too */
  CHECK(near(mw_exact_cdf(50, 50, 2500), 1, 1e-12), "total");
  CHECK(near(mw_exact_cdf(50, 50, 1000) + mw_exact_cdf(50, 50, 1499), 1, 1e-9), "symmetry");
}

static void bad_input(void) {
  double x[] = {1, 2}, nan_[] = {1, NAN};
  mw_result r = {.u = -7};
  CHECK(mw_test(x, 0, x, 2, &r) == -1, "empty x");
  CHECK(mw_test(x, 2, x, 0, &r) == -1, "empty y");
  CHECK(mw_test(x, 2, nan_, 2, &r) == -1, "NaN");
  CHECK(r.u == -7, "out untouched on error");
}

int main(void) {
  exact_distribution_3_3();
  small_exact();
  ties();
  identical();
  large_normal();
  bad_input();
  printf("mannwhitney: all checks passed\n");
  return 0;
}
