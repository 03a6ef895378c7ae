"""Change points in a series of medians: E-Divisive means (Matteson & James,
"A nonparametric approach for multiple change point analysis of multivariate
data", JASA 2014), with its permutation test, as MongoDB's CI runs it on
performance histories (Daly et al., ICPE 2020). Debian and npm offer no
maintained implementation (and numpy is not guaranteed), so it is written
here in the standard library.

Bisection: the series' best split is the one that maximises the energy
statistic q between its left part and the rest of its segment (kappa = the
segment's end, as MongoDB does; the paper also searches kappa). A candidate
is kept when a permutation test, shuffling every segment within itself,
finds a split that large in at most a share alpha of the shuffles; each kept
split divides its segment and the search goes on, until a candidate fails.

Noisy points (the report's noise rule said a figure is not clean) are left
out before the search and the indices mapped back: their figure says nothing
trusted about the level, so it must neither be a change's index nor move one
(an outlier kept in would raise q at the splits beside it). A change's index
is the first clean point after it; the points between it and the last clean
one before it may be noisy."""
import math
import random
from collections import namedtuple

ChangePoint = namedtuple("ChangePoint", "index before_mean after_mean size p")
ChangePoint.__doc__ = """index: the first point after the change (in the series given, noisy points
counted); before_mean, after_mean: the clean points' mean between this change
and its neighbours; size: after / before - 1; p: the permutation test's p."""

ALPHA = 0.05
PERMUTATIONS = 199
# Points on either side of a split: two give no within-side spread to
# weigh the gap against; three keeps a step at the third-last run findable.
MIN_SIZE = 3


def best_split(xs, lo, hi, min_size):
    """(q, tau) of the split of xs[lo:hi] into xs[lo:tau], xs[tau:hi] with the
    largest energy statistic, each side at least min_size long; None when the
    segment is too short. q = m r / (m + r) * (2 mean|x - y| - mean|x - x'| -
    mean|y - y'|) with |.|^1 distances (the paper's alpha = 1: "means").
    One pass moves the split right, keeping the within-left (a), within-right
    (b) and cross (total - a - b) sums of distances: O(n^2) in all."""
    seg = xs[lo:hi]
    n = len(seg)
    if n < 2 * min_size:
        return None
    rows = [[abs(x - y) for y in seg] for x in seg]
    total = sum(sum(r) for r in rows) / 2
    a, b, best = 0.0, total, None
    for t in range(1, n - min_size + 1):
        row, k = rows[t - 1], t - 1  # point k crosses from the right side to the left
        to_left = sum(row[:k])
        a += to_left
        b -= sum(row) - to_left
        if t < min_size:
            continue
        m, r = t, n - t
        e = 2 * (total - a - b) / (m * r) - a / (m * (m - 1) / 2) - b / (r * (r - 1) / 2)
        q = m * r / n * e
        if best is None or q > best[0]:
            best = (q, lo + t)
    return best


def best_of(xs, cuts, min_size):
    """(q, tau) of the best split over every segment between cuts, or None."""
    found = [s for lo, hi in zip(cuts, cuts[1:]) for s in [best_split(xs, lo, hi, min_size)] if s]
    return max(found) if found else None


def p_value(xs, cuts, q, rng, permutations, alpha, min_size):
    """The share of shuffles (each segment within itself) whose best split is
    at least q, counting the series itself. The shuffles stop once that share
    must exceed alpha whatever the rest give (the candidate is refused either
    way; its p is then that lower bound): a flat series costs a few shuffles."""
    hits = 0
    for _ in range(permutations):
        shuffled = []
        for lo, hi in zip(cuts, cuts[1:]):
            seg = xs[lo:hi]
            rng.shuffle(seg)
            shuffled += seg
        s = best_of(shuffled, cuts, min_size)
        hits += s is not None and s[0] >= q
        if (hits + 1) / (permutations + 1) > alpha:
            break
    return (hits + 1) / (permutations + 1)


def check(values, noisy, alpha, permutations, min_size):
    if noisy is not None and len(noisy) != len(values):
        raise ValueError(f"noisy has {len(noisy)} flags for {len(values)} values")
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers")
    if not 0 < alpha < 1 or permutations < 1 or min_size < 2:
        raise ValueError("need 0 < alpha < 1, permutations >= 1, min_size >= 2")


def mean(xs):
    return sum(xs) / len(xs)


def find(values, *, noisy=None, alpha=ALPHA, permutations=PERMUTATIONS, min_size=MIN_SIZE, seed=0):
    """The change points of values (in order, oldest first), as ChangePoint
    sorted by index; noisy: a flag per value. The same input and seed give
    the same answer."""
    check(values, noisy, alpha, permutations, min_size)
    clean = [i for i in range(len(values)) if not (noisy and noisy[i])]
    xs = [float(values[i]) for i in clean]
    rng = random.Random(seed)
    cuts, ps = [0, len(xs)], {}
    while True:
        cand = best_of(xs, cuts, min_size)
        if cand is None:
            break
        p = p_value(xs, cuts, cand[0], rng, permutations, alpha, min_size)
        if p > alpha:
            break
        ps[cand[1]] = p
        cuts = sorted(cuts + [cand[1]])
    out = []
    for before, tau, after in zip(cuts, cuts[1:], cuts[2:]):
        b, a = mean(xs[before:tau]), mean(xs[tau:after])
        size = a / b - 1 if b else math.inf if a > b else -math.inf if a < b else 0.0
        out.append(ChangePoint(clean[tau], b, a, size, ps[tau]))
    return out
