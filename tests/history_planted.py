"""Planted histories for the history tests: Store.series() rows
(HISTORY_API: one dict per run and key, in commit order) made up with
lognormal noise, and a store that serves them as history/store.py would."""
import fnmatch
import math
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def commit(i, machine=""):
    return f"{i:03d}{sum(map(ord, machine)) % 997:03d}" + "c0ffee" * 5 + "ab"


def values(n=20, level=1000.0, cv=0.03, step_at=None, step=0.3, seed=0):
    """n medians around level (lognormal, sigma ~ cv), times 1 + step from step_at on."""
    rng = random.Random(seed)
    return [level * (1 + step if step_at is not None and i >= step_at else 1) * math.exp(rng.gauss(0, cv))
            for i in range(n)]


def rows(medians, *, machine="vm-a", platform="native", family="forkjoin", key="forkjoin/spin/warm/2",
         noisy=(), unit="ns", run0=0, cv=0.03, first=0):
    """series() rows of one key: run i is commit i (from `first` on); noisy:
    the indices the noise rule flagged."""
    out = []
    for i, v in enumerate(medians):
        c = first + i
        out.append(dict(machine=machine, platform=platform, family=family, key=key, commit=commit(c, machine),
                        commit_time=f"2025-01-{1 + c // 24:02d}T{c % 24:02d}:00:00Z", dirty=False,
                        run_id=run0 + c, start_time=f"2025-02-{1 + c // 24:02d}T{c % 24:02d}:30:00Z",
                        median=v, lo=v * (1 - 2 * cv), hi=v * (1 + 2 * cv), n=10, noisy=i in noisy, unit=unit))
    return out


class Store:
    """The part of history/store.py's Store that trend and the report read."""

    def __init__(self, rows):
        self.rows = sorted(rows, key=lambda r: (r["machine"], r["platform"], r["key"], r["commit_time"]))
        self.closed = False

    def series(self, machine=None, key_glob=None, platform=None):
        return [dict(r) for r in self.rows if (machine is None or r["machine"] == machine)
                and (platform is None or r["platform"] == platform)
                and (key_glob is None or fnmatch.fnmatchcase(r["key"], key_glob))]

    def machines(self):
        return sorted({r["machine"] for r in self.rows})

    def close(self):
        self.closed = True
