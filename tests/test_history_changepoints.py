#!/usr/bin/env python3
"""history/changepoints.py on planted histories of ~20 runs with lognormal
noise (2-5% CV): a +30% step is found at its run, with its size, p and the
commits either side; flat histories give none at the trend's settings, and
at the default alpha about alpha of them do (the permutation test neither
fires at will nor never); the answer is deterministic; noisy runs neither
are a change's index nor make one; bad input is a ValueError."""
import unittest

from history_planted import rows, values
from history import trend
from history.changepoints import ALPHA, find

CVS = (0.02, 0.035, 0.05)
STEP_AT = 12


def at_trend(vals, **kw):
    return find(vals, alpha=trend.ALPHA, permutations=trend.PERMUTATIONS, **kw)


class ChangePoints(unittest.TestCase):
    def test_step_found_at_its_run(self):
        for seed in range(8):
            for cv in CVS:
                vals = values(step_at=STEP_AT, cv=cv, seed=seed)
                cps = at_trend(vals)
                self.assertEqual([c.index for c in cps], [STEP_AT], f"seed {seed}, CV {cv}: {cps}")
                c = cps[0]
                self.assertAlmostEqual(c.size, 0.30, delta=0.08, msg=f"seed {seed}, CV {cv}: size {c.size}")
                self.assertLess(c.before_mean, c.after_mean)
                self.assertLessEqual(c.p, trend.ALPHA)
                # The default alpha finds it too (maybe with a false one beside it).
                self.assertIn(STEP_AT, [d.index for d in find(vals)], f"seed {seed}, CV {cv}, alpha {ALPHA}")

    def test_step_down_and_commits_either_side(self):
        rs = rows(values(step_at=STEP_AT, step=-0.25, cv=0.04, seed=3))
        lines = trend.lines_of(rs)
        trend.detect(lines, trend.ALPHA)
        table = trend.change_rows(lines)
        self.assertEqual(len(table), 1, table)
        self.assertEqual(table[0][7:], [rs[STEP_AT - 1]["commit"], rs[STEP_AT]["commit"]])
        self.assertTrue(table[0][3].startswith("-2"), f"size {table[0][3]}, want about -25%")

    def test_flat_gives_none(self):
        for seed in range(20):
            cv = CVS[seed % len(CVS)]
            self.assertEqual(at_trend(values(cv=cv, seed=seed)), [], f"flat, seed {seed}, CV {cv}")
        self.assertEqual(find([1000.0] * 20), [], "a constant series")

    def test_false_alarm_rate_near_alpha(self):
        # 200 flat histories at alpha 0.05: about 10 false alarms (binomial
        # sd 3); none would mean a test that cannot fire, 20 one that fires at will.
        alarms = sum(bool(find(values(cv=0.04, seed=1000 + s))) for s in range(200))
        self.assertTrue(3 <= alarms <= 20, f"{alarms} of 200 flat histories have a change at alpha {ALPHA}")

    def test_deterministic(self):
        vals = values(step_at=STEP_AT, cv=0.05, seed=5)
        self.assertEqual(find(vals), find(vals))
        self.assertEqual(find(vals, seed=7), find(vals, seed=7))
        self.assertEqual([c.index for c in find(vals, seed=1)], [c.index for c in find(vals, seed=2)])

    def test_noisy_outliers_make_no_change(self):
        for seed in range(5):
            vals = values(cv=0.03, seed=seed)
            for i in (17, 18, 19):
                vals[i] *= 1.5  # the last three runs on a loaded machine
            self.assertEqual([c.index for c in find(vals)], [17], f"seed {seed}: the unflagged outliers")
            self.assertEqual(find(vals, noisy=[i >= 17 for i in range(20)]), [], f"seed {seed}: flagged noisy")
            vals[9] *= 3
            self.assertEqual(find(vals, noisy=[i >= 17 or i == 9 for i in range(20)]), [], f"seed {seed}")

    def test_noisy_run_is_never_the_index(self):
        vals = values(step_at=STEP_AT, cv=0.03, seed=2)
        noisy = [i == STEP_AT for i in range(20)]
        cps = at_trend(vals, noisy=noisy)
        self.assertEqual([c.index for c in cps], [STEP_AT + 1], "the change moves to the first clean run after")
        lines = trend.lines_of(rows(vals, noisy={STEP_AT}))
        trend.detect(lines, trend.ALPHA)
        rs = lines[0].rows
        self.assertEqual(trend.change_rows(lines)[0][7:], [rs[STEP_AT - 1]["commit"], rs[STEP_AT + 1]["commit"]])

    def test_short_and_bad_input(self):
        self.assertEqual(find([1.0, 2.0, 30.0, 40.0, 50.0]), [], "too short for two sides of 3")
        for bad, kw in (([1.0, float("nan")] * 5, {}), ([1.0, "2"] * 5, {}), ([1.0] * 10, {"noisy": [False]}),
                        ([1.0] * 10, {"alpha": 1.5}), ([1.0] * 10, {"min_size": 1})):
            with self.assertRaises(ValueError, msg=f"{bad[:2]} {kw}"):
                find(bad, **kw)


if __name__ == "__main__":
    unittest.main(verbosity=2)
