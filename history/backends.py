"""The two databases a history lives in, and every difference between them
in one place: SQLite (Python's sqlite3) and PostgreSQL (psycopg 3). Both run
in autocommit mode with explicit transactions, so one statement text serves
both; each maps its driver's errors to one-line HistoryErrors."""
import os
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from history.errors import HistoryError, Refused
from records.quote import quoted, where

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.sql")


class Backend:
    """A connection and its dialect: ID (schema.sql's {ID}), TABLES (the
    query naming the database's tables), MARK ('?' or '%s' for parameters)."""
    MARK = "?"

    def execute(self, sql, params=()):
        """The rows of one statement ([] for none), driver errors mapped."""
        if self.MARK != "?":
            sql = sql.replace("?", self.MARK)  # the project's SQL never holds a literal '?'
        try:
            cur = self.conn.execute(sql, params) if params else self.conn.execute(sql)
            return cur.fetchall() if cur.description else []
        except self.errors as e:
            raise self.error(e) from None

    def execute_many(self, sql, rows):
        """One statement for each of rows (a batch, one round trip where the driver can)."""
        try:
            self.conn.cursor().executemany(sql.replace("?", self.MARK), rows)
        except self.errors as e:
            raise self.error(e) from None

    def schema(self):
        """schema.sql's statements in this dialect."""
        with open(SCHEMA, encoding="utf-8") as f:
            text = "\n".join(ln for ln in f.read().splitlines() if not ln.lstrip().startswith("--"))
        return [s.strip().replace("{ID}", self.ID) for s in text.split(";") if s.strip()]

    def tables(self):
        return {r[0] for r in self.execute(self.TABLES)}

    def commit(self):
        self.execute("COMMIT")

    def rollback(self):
        """Ends a failed transaction; a connection already lost has nothing to end."""
        try:
            self.execute("ROLLBACK")
        except HistoryError:
            pass

    def close(self):
        try:
            self.conn.close()
        except self.errors:
            pass


class SQLite(Backend):
    ID = "INTEGER PRIMARY KEY"
    TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
    errors = sqlite3.Error

    def __init__(self, path, timeout):
        self.where, self.timeout = where(path), timeout
        if os.path.isdir(path):
            raise Refused(f"{self.where}: a directory, not a poolbench history")
        try:
            # isolation_level None: no implicit transactions, ours are explicit.
            self.conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise HistoryError(f"{self.where}: cannot open: {e}") from None
        self.execute("PRAGMA foreign_keys = ON")

    def begin_write(self):
        # IMMEDIATE takes the write lock now: two ingests never interleave,
        # and a locked database is said before anything is read.
        self.execute("BEGIN IMMEDIATE")

    def error(self, e):
        msg = str(e)
        if "locked" in msg or "busy" in msg:
            return HistoryError(f"{self.where}: the database is locked: another process holds it "
                                f"(waited {self.timeout:g} s)")
        if "not a database" in msg:
            return Refused(f"{self.where}: not a poolbench history (not an SQLite file)")
        return HistoryError(f"{self.where}: {msg}")


# Debian's interpreter, the one its python3-psycopg is installed for.
SYSTEM_PYTHON = "/usr/bin/python3"


def psycopg_module():
    """psycopg, for a postgresql:// history only (SQLite needs nothing).

    Debian's python3-psycopg (make setup-postgres) goes into the system
    interpreter's dist-packages, which another interpreter first on PATH
    (pyenv's, a virtualenv's) does not search. That package is pure Python
    (it loads libpq through ctypes), so this interpreter can import it from
    there: ask the system interpreter where it finds psycopg and append that
    directory, last, to sys.path. Appended, it only supplies what this
    interpreter lacks; and only here, so a SQLite history changes nothing."""
    try:
        import psycopg
        return psycopg
    except ImportError:
        pass
    hint = "make setup-postgres installs it (Debian's python3-psycopg)"
    if os.path.realpath(sys.executable) == os.path.realpath(SYSTEM_PYTHON) or not os.access(SYSTEM_PYTHON, os.X_OK):
        raise HistoryError(f"a postgresql:// history needs psycopg: {hint}")
    try:
        out = subprocess.run([SYSTEM_PYTHON, "-c", "import os, psycopg; print(os.path.dirname("
                              "os.path.dirname(psycopg.__file__)))"],
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise HistoryError(f"a postgresql:// history needs psycopg, and {SYSTEM_PYTHON} did not say "
                           f"where it is ({e}): {hint}") from None
    found = out.stdout.strip()
    if out.returncode != 0 or not os.path.isdir(found):
        raise HistoryError(f"a postgresql:// history needs psycopg: {hint}")
    if found not in sys.path:
        sys.path.append(found)
    try:
        import psycopg
        return psycopg
    except Exception as e:  # the package is there, this interpreter cannot load it
        raise HistoryError(f"psycopg from {found} does not load into {sys.executable} ({e}); "
                           f"run the history's tools with {SYSTEM_PYTHON}") from None


def safe_url(url):
    """url for messages: without its password."""
    try:
        u = urlsplit(url)
        if u.password is not None:
            host = u.hostname or ""
            netloc = f"{u.username}:***@{host}" + (f":{u.port}" if u.port else "")
            u = u._replace(netloc=netloc)
        return quoted(urlunsplit(u))
    except ValueError:
        return "the PostgreSQL URL"


class Postgres(Backend):
    ID = "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    MARK = "%s"

    def __init__(self, url, timeout):
        psycopg = psycopg_module()
        self.where, self.timeout, self.errors = safe_url(url), timeout, psycopg.Error
        try:
            # A server that stops answering is found by TCP keepalives (a
            # lost host) within about timeout; never a hang.
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=max(1, round(timeout)),
                                        keepalives=1, keepalives_idle=max(1, round(timeout / 3)),
                                        keepalives_interval=5, keepalives_count=3,
                                        tcp_user_timeout=int(timeout * 1000),
                                        application_name="poolbench-history")
        except psycopg.Error as e:
            raise HistoryError(f"{self.where}: cannot connect: {e}") from None
        except Exception as e:  # a malformed URL
            raise Refused(f"{self.where}: not a PostgreSQL URL ({e})") from None

    def begin_write(self):
        # The lock on `file` serializes ingests, as SQLite's BEGIN IMMEDIATE
        # does: two never race to store the same file.
        self.execute("BEGIN")
        self.execute(f"SET LOCAL lock_timeout = '{int(self.timeout * 1000)}ms'")
        if "file" in self.tables():
            self.execute("LOCK TABLE file IN SHARE ROW EXCLUSIVE MODE")

    def error(self, e):
        name = type(e).__name__
        if name in ("LockNotAvailable", "QueryCanceled"):
            return HistoryError(f"{self.where}: the history is locked: another process holds it "
                                f"(waited {self.timeout:g} s)")
        if self.conn.broken or self.conn.closed:
            return HistoryError(f"{self.where}: the connection to PostgreSQL was lost: {e}")
        return HistoryError(f"{self.where}: {e}")


def connect(url, timeout):
    """The Backend for a history URL: postgresql://... (or postgres://), a
    path, or sqlite:PATH."""
    if url.startswith(("postgresql://", "postgres://")):
        return Postgres(url, timeout)
    if url.startswith("sqlite:"):
        url = url[len("sqlite:"):]
        url = url[2:] if url.startswith("///") else url  # sqlite:///abs -> /abs
    elif "://" in url:
        raise Refused(f"{safe_url(url)}: neither postgresql://... nor an SQLite path")
    if not url:
        raise Refused("HISTORY is empty: a path, sqlite:PATH or postgresql://...")
    return SQLite(url, timeout)
