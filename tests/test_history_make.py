#!/usr/bin/env python3
"""The history's place in the Makefile: what make bench, bench-* and gate
run at their end (scripts/history_add.sh) stores the run, never changes
the caller's exit status (a run it cannot store is a warning), stores
nothing when turned off (NOHISTORY=1, HISTORY=none) or when the runs were
slowed on purpose (POOLBENCH_INJECT_DELAY_NS); make history-add takes RUN
as one argument, whatever it holds.
usage: test_history_make.py [unittest arguments]"""
import os
import shutil
import subprocess
import unittest

from history_testkit import CORPUS, ROOT, RUN, RUN_BUSY, HistoryCase


class Hooks(HistoryCase):
    """What make bench, bench-* and gate run at their end
    (scripts/history_add.sh), and make history-add."""

    def hook(self, *paths, **env):
        return subprocess.run(["bash", os.path.join(ROOT, "scripts", "history_add.sh"), "bench", *paths],
                              env=dict(os.environ, HISTORY=self.db, **env), capture_output=True, text=True,
                              timeout=120)

    def test_hook(self):
        bad = shutil.copy(os.path.join(CORPUS, "truncated.ndjson"), self.mkdir("bad"))
        p = self.hook(os.path.dirname(bad))
        self.assertEqual(p.returncode, 0, "a failed ingest changed the caller's exit status")
        self.assertIn("warning", p.stderr)
        for off in (dict(NOHISTORY="1"), dict(POOLBENCH_INJECT_DELAY_NS="3000")):
            self.assertEqual(self.hook(RUN, **off).returncode, 0)
        self.assertEqual(subprocess.run(["bash", os.path.join(ROOT, "scripts", "history_add.sh"), "bench", RUN],
                                        env=dict(os.environ, HISTORY="none"), timeout=60).returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(ROOT, "none")))
        self.assertEqual(self.counts()["run"], 0, "stored although turned off")
        self.assertEqual(self.hook(self.mkdir("nothing-yet")).returncode, 0)
        p = self.hook(RUN)
        self.assertEqual((p.returncode, self.counts()["file"]), (0, 6), p.stderr)

    def test_make_history_add(self):
        """RUN reaches the command as one argument, whatever it holds."""
        odd = shutil.copytree(RUN_BUSY, self.path("a run $(touch x) 'q'"))
        p = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "history-add", f"RUN={odd}",
                            f"HISTORY={self.db}"], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.counts()["file"], 2)
        self.assertFalse(os.path.exists(os.path.join(ROOT, "x")))
        p = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "history-list", f"HISTORY={self.db}"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual((p.returncode, len(p.stdout.splitlines())), (0, 1), p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
