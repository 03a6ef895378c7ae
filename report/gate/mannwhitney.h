/* Mann-Whitney U test (Wilcoxon rank-sum), two-sided, for the gate.
 *
 * Which p-value: the exact null distribution of U when there are no ties and
 * nx + ny <= MW_EXACT_MAX, else the normal approximation with the tie
 * correction of the variance and a continuity correction. Why: the gate works
 * on 9..20 repetitions per side and decides at alpha = 0.01, out in the tail,
 * where the normal approximation is worst for small samples (9 vs 9, U = 11:
 * exact p = 0.0078, normal 0.0104, on the other side of alpha); the exact
 * distribution is cheap there (a few microseconds). With ties the exact permutation distribution
 * would have to be enumerated per tie pattern; ties only arise when the timer
 * step dominates, and the tie-corrected normal approximation is the standard
 * answer (it is what SciPy's method="asymptotic" does). Above MW_EXACT_MAX
 * the normal approximation is accurate to well under 1%. */
#ifndef POOLBENCH_MANNWHITNEY_H
#define POOLBENCH_MANNWHITNEY_H

#include <stddef.h>

#define MW_EXACT_MAX 100 /* nx + ny up to which the exact distribution is used */

typedef struct {
  double u;     /* U of x: pairs with x_i > y_j, ties counting 1/2 */
  double p;     /* two-sided p-value, in [0, 1] */
  double z;     /* normal-approximation z (signed, + when x tends larger); 0 when exact */
  int exact;    /* 1: exact distribution, 0: normal approximation */
  size_t ties;  /* values that share their rank with another value */
} mw_result;

/* Tests x against y. Returns 0, or -1 when a sample is empty, a value is not
 * finite, or memory runs out (out is then untouched). */
int mw_test(const double *x, size_t nx, const double *y, size_t ny, mw_result *out);

/* P(U <= u) under the null for samples of nx and ny distinct values; exposed
 * for the tests. Returns -1 when nx + ny > MW_EXACT_MAX or memory runs out. */
double mw_exact_cdf(size_t nx, size_t ny, double u);

#endif
