/* Statistics against inputs worked out by hand. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "stats.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

int main(void) {
  test_deadline(10);
  {
    double x[] = {5, 1, 4, 2, 3}; /* odd n, unsorted */
    stats s = stats_of(x, 5);
    CHECK(NEAR(s.median, 3) && NEAR(s.min, 1) && NEAR(s.max, 5) && NEAR(s.mean, 3), "odd");
    CHECK(NEAR(s.mad, 1), "mad of 1..5 is 1, got %g", s.mad); /* |x-3| = 2,2,1,1,0 */
    CHECK(x[0] == 5 && x[4] == 3, "input must not be reordered");
  }
  {
    double x[] = {10, 20, 30, 40}; /* even n: mean of the middle two */
    stats s = stats_of(x, 4);
    CHECK(NEAR(s.median, 25), "even median %g", s.median);
    CHECK(NEAR(s.mad, 10), "even mad %g", s.mad); /* 15,5,5,15 -> 10 */
  }
  {
    double x[] = {7, 7, 7, 7, 100}; /* ties and an outlier */
    stats s = stats_of(x, 5);
    CHECK(NEAR(s.median, 7) && NEAR(s.mad, 0) && NEAR(s.max, 100), "ties");
  }
  {
    double x[] = {42}; /* n = 1 */
    stats s = stats_of(x, 1);
    CHECK(NEAR(s.median, 42) && NEAR(s.mad, 0) && NEAR(s.min, 42) && NEAR(s.max, 42), "n=1");
    CHECK(NEAR(stats_quantile_sorted(x, 1, 0.999), 42), "n=1 quantile");
  }
  {
    stats s = stats_of(NULL, 0);
    CHECK(s.median == 0 && s.mad == 0 && s.max == 0, "n=0");
  }
  {
    /* Quantiles of 1..101: linear interpolation between closest ranks. */
    double x[101];
    for (int i = 0; i < 101; i++) x[i] = i + 1;
    CHECK(NEAR(stats_quantile_sorted(x, 101, 0.5), 51), "p50");
    CHECK(NEAR(stats_quantile_sorted(x, 101, 0.9), 91), "p90");
    CHECK(NEAR(stats_quantile_sorted(x, 101, 0.99), 100), "p99");
    CHECK(NEAR(stats_quantile_sorted(x, 101, 0.999), 100.9), "p99.9 %g",
          stats_quantile_sorted(x, 101, 0.999));
    CHECK(NEAR(stats_quantile_sorted(x, 101, 0), 1) && NEAR(stats_quantile_sorted(x, 101, 1), 101), "ends");
    double y[] = {1, 2}; /* between two ranks */
    CHECK(NEAR(stats_quantile_sorted(y, 2, 0.25), 1.25), "interpolation");
  }
  {
    double x[] = {3, -1, 2, 2, 0};
    stats_sort(x, 5);
    double want[] = {-1, 0, 2, 2, 3};
    CHECK(memcmp(x, want, sizeof x) == 0, "sort");
  }
  {
    /* The median's interval: n = 10 takes ranks 2 and 9, coverage
     * 1 - 2 (1 + 10) / 2^10. */
    double x[] = {10, 3, 7, 1, 9, 2, 8, 4, 6, 5};
    stats_interval ci = stats_median_ci(x, 10);
    CHECK(ci.lo == 2 && ci.hi == 9, "n=10 ranks: [%g, %g]", ci.lo, ci.hi);
    CHECK(NEAR(ci.level, 0.978515625), "n=10 level %.9f", ci.level);
    CHECK(x[0] == 10, "input must not be reordered");
    /* n = 5: even [min, max] covers only 1 - 2/32: it is returned anyway. */
    ci = stats_median_ci(x, 5);
    CHECK(ci.lo == 1 && ci.hi == 10 && NEAR(ci.level, 0.9375), "n=5: [%g, %g] %g", ci.lo, ci.hi, ci.level);
    /* n = 6: [min, max] is the first pair to reach the target. */
    ci = stats_median_ci(x, 6);
    CHECK(ci.lo == 1 && ci.hi == 10 && NEAR(ci.level, 0.96875), "n=6: %g", ci.level);
    /* Tiny n: [min, max], coverage 1 - 2/2^n (a single sample covers nothing). */
    ci = stats_median_ci(x, 3);
    CHECK(ci.lo == 3 && ci.hi == 10 && NEAR(ci.level, 0.75), "n=3: [%g, %g] %g", ci.lo, ci.hi, ci.level);
    ci = stats_median_ci(x, 2);
    CHECK(ci.lo == 3 && ci.hi == 10 && NEAR(ci.level, 0.5), "n=2: %g", ci.level);
    ci = stats_median_ci(x, 1);
    CHECK(ci.lo == 10 && ci.hi == 10 && ci.level == 0, "n=1: %g", ci.level);
    ci = stats_median_ci(NULL, 0);
    CHECK(ci.lo == 0 && ci.hi == 0 && ci.level == 0, "n=0");
  }
  {
    /* Larger n, against exact binomial sums: n = 100 takes ranks 40 and 61;
     * n = 2000 (2^-2000 underflows a double) ranks 956 and 1045. */
    static double x[2000];
    for (int i = 0; i < 2000; i++) x[i] = 2000 - i;
    stats_interval ci = stats_median_ci(x + 1900, 100); /* 100..1 */
    CHECK(ci.lo == 40 && ci.hi == 61 && fabs(ci.level - 0.9647997997822951) < 1e-9,
          "n=100: [%g, %g] %.12f", ci.lo, ci.hi, ci.level);
    ci = stats_median_ci(x, 2000);
    CHECK(ci.lo == 956 && ci.hi == 1045 && fabs(ci.level - 0.9534471795082162) < 1e-9,
          "n=2000: [%g, %g] %.12f", ci.lo, ci.hi, ci.level);
  }
  printf("ok stats\n");
  return 0;
}
