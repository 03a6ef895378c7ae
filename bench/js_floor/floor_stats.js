// A variant's figure from its batches: the first batch discarded (it still
// warms the caches and the JIT's latest tier), the median of the rest and a
// distribution-free 95% interval of that median from order statistics at
// binomial ranks, as harness/stats.c's stats_median_ci: the k-th smallest
// and k-th largest of n, with k the largest rank whose coverage
// 1 - 2 P(B < k), B ~ binomial(n, 1/2), is still >= 95%. Below n = 6 no
// rank reaches 95%: the interval is then min..max and its coverage says
// how much less it is (n = 10, the default: 2nd..9th, 97.9%).
'use strict';

const TARGET = 0.95;

function medianCi(samples) {
  const s = samples.slice(1).sort((x, y) => x - y);
  const n = s.length;
  if (n === 0) throw new Error('no batch after the discarded first');
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  let best = 1, level = 0, tail = 0, pmf = Math.pow(0.5, n); // P(B = 0)
  for (let k = 1; 2 * k <= n + 1; k++) {
    tail += pmf; // P(B < k)
    pmf = pmf * (n - k + 1) / k; // P(B = k)
    const cover = Math.max(0, 1 - 2 * tail);
    if (k === 1) level = cover;
    if (cover < TARGET) break;
    best = k;
    level = cover;
  }
  return {median, lo: s[best - 1], hi: s[n - best], coverage: level, n};
}

module.exports = {medianCi};
