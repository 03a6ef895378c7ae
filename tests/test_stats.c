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
  printf("ok stats\n");
  return 0;
}
