#!/usr/bin/env python3
"""The performance history in PostgreSQL (HISTORY=postgresql://...): a real
server started for the test in a temporary directory (initdb, then postgres
on a unix socket there; no service, no TCP port), stopped whatever happens.
Runs of two machines are stored and read back as series() reads them from
SQLite (one schema, the same rows); ingesting again adds nothing; the
server killed mid-ingest is one line and exit 1, and nothing of that run is
there once it is back; a server that refuses the connection is one line.

PostgreSQL refuses to run as root: as root the server runs as the
`postgres` user (else `nobody`) through setpriv, which execs it (no process
in between), in a directory given to that user; the test, as root, reaches
the socket anyway. Exit 77 where the server's binaries are absent (make
test does not install a server); where psycopg is missing, tests/require.sh
says (make setup-postgres installs it)."""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from history_testkit import HERE, ROOT, RUN, RUN_BUSY, RUN_FJ, HistoryCase, one_line, open_store
from history.backends import psycopg_module
from history.errors import HistoryError

PORT = 5432  # only names the socket file: the server listens on no TCP port
LIFETIME = 280  # the server's own deadline: `timeout` ends it even if this test is killed


def binaries():
    """The directory of initdb and postgres: PATH's, else the newest Debian's."""
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        return os.path.dirname(found)
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2] or 0))
    dirs = [d for d in dirs if os.access(f"{d}/initdb", os.X_OK) and os.access(f"{d}/postgres", os.X_OK)]
    return dirs[-1] if dirs else None


class Server:
    def __init__(self, bindir):
        self.bindir, self.proc = bindir, None
        self.dir = tempfile.mkdtemp(prefix="poolbench-pg-")
        self.data, self.log = os.path.join(self.dir, "data"), os.path.join(self.dir, "server.log")
        self.as_user = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                user = pwd.getpwnam("nobody")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.as_user = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"]
        self.url = f"postgresql://poolbench@/history?host={self.dir}&port={PORT}"
        out = subprocess.run(self.as_user + [f"{bindir}/initdb", "-D", self.data, "-U", "poolbench", "--auth=trust",
                                             "--no-locale", "-E", "UTF8", "--no-sync"],
                             capture_output=True, text=True, timeout=120, cwd=self.dir)
        if out.returncode != 0:
            raise RuntimeError(f"initdb failed: {out.stderr.strip()[-500:]}")

    def start(self):
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                ["timeout", "-s", "INT", "-k", "10", str(LIFETIME)] + self.as_user +
                [f"{self.bindir}/postgres", "-D", self.data, "-k", self.dir, "-p", str(PORT),
                 "-c", "listen_addresses=", "-c", "fsync=off"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.dir)
        psycopg, deadline = psycopg_module(), time.monotonic() + 60
        while True:
            try:
                psycopg.connect(f"postgresql://poolbench@/postgres?host={self.dir}&port={PORT}",
                                connect_timeout=2).close()
                return
            except psycopg.Error:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {self.tail()}")
                time.sleep(0.2)

    def postmaster(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def stop(self, sig=signal.SIGINT):
        """SIGINT: a fast shutdown; SIGQUIT: immediate, the server's crash
        (every connection cut, recovery at the next start)."""
        if self.proc and self.proc.poll() is None:
            try:
                os.kill(self.postmaster(), sig)
            except (OSError, ValueError):
                self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-800:]
        except OSError:
            return "(no log)"

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, True)


def skip_or_missing():
    """Exit 77 or fail (tests/require.sh's rule) when a piece is absent."""
    bindir = binaries()
    if bindir is None:
        print("SKIP: no PostgreSQL server binaries (initdb, postgres)")
        sys.exit(77)
    try:
        psycopg_module()
    except HistoryError as e:
        sys.exit(subprocess.run(["bash", "-c", 'source "$1"; missing "$2"', "_", os.path.join(HERE, "require.sh"),
                                 f"psycopg: {e}"]).returncode)
    return bindir


class Postgres(HistoryCase):
    def test_postgres(self):
        server = Server(BINDIR)
        self.addCleanup(server.remove)
        server.start()
        psycopg = psycopg_module()
        with psycopg.connect(server.url.replace("/history?", "/postgres?"), autocommit=True) as c:
            c.execute("CREATE DATABASE history")
        pg = server.url

        # Two machines' runs, through the command as the Makefile runs it.
        for run in (RUN, RUN_BUSY):
            self.ok("add", "--source", "bench", run, db=pg)
        self.assertIn("stored already", self.ok("add", RUN, db=pg).stdout)
        listed = self.ok("list", db=pg).stdout.splitlines()
        self.assertEqual(len(listed), 2, listed)
        with open_store(pg) as s:
            self.assertEqual(s.machines(), ["amd-epyc-2c", "intel-xeon-2c"])
            got = s.series()
        # The same runs in SQLite: the same rows.
        with open_store(self.db) as s:
            for run in (RUN, RUN_BUSY):
                s.ingest([run], source="bench")
            want = s.series()
        self.assertEqual(len(got), len(want))
        self.assertEqual(got, want)
        before = self.counts(pg)

        # The server killed mid-ingest (the run's first file written).
        mark = self.path("held")
        env = dict(os.environ, HISTORY=pg, POOLBENCH_TEST_HISTORY_HOLD=mark)
        p = subprocess.Popen([sys.executable, "-m", "history.cli", "add", RUN_FJ], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not os.path.exists(mark) and p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(os.path.exists(mark), f"the ingest never reached its hold: {p.poll()}")
            server.stop(signal.SIGQUIT)
            os.unlink(mark)
            out, err = p.communicate(timeout=90)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        self.assertEqual(p.returncode, 1, f"exit {p.returncode}: {out}{err}")
        self.assertTrue(one_line(err), f"not one line: {err!r}")
        self.assertIn("nothing of this run was stored", err)
        # Still down: the connection is refused, in one line.
        self.refused(1, "list", db=pg, want="cannot connect")
        server.start()
        self.assertEqual(self.counts(pg), before, "a run half-written across the server's crash")
        self.ok("add", RUN_FJ, db=pg)
        self.assertEqual(self.counts(pg)["run"], before["run"] + 1)

        # A database of another program's tables is not a history.
        with psycopg.connect(server.url.replace("/history?", "/postgres?"), autocommit=True) as c:
            c.execute("CREATE TABLE accounts (id INTEGER)")
        self.refused(2, "list", db=server.url.replace("/history?", "/postgres?"), want="not a poolbench history")


if __name__ == "__main__":
    BINDIR = skip_or_missing()
    import unittest
    unittest.main()
