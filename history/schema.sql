-- The history's schema, one text for SQLite and PostgreSQL: {ID} is the one
-- difference, each dialect's auto-numbered key (history/backends.py).
-- Times are UTC ISO 8601 text, JSON is text, booleans are BOOLEAN (SQLite
-- keeps 0/1).

-- What makes a database a poolbench history: format and version.
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- A machine as the report tells two apart (report/platforms.py machine()).
CREATE TABLE IF NOT EXISTS machine (
  id {ID},
  ident TEXT NOT NULL UNIQUE,
  cpu_model TEXT,
  logical_cores INTEGER
);

-- What was ingested together: a run directory, or one side of a gate.
CREATE TABLE IF NOT EXISTS run (
  id {ID},
  source TEXT NOT NULL,
  label TEXT NOT NULL,
  ingested_at TEXT NOT NULL
);

-- One records file. Its identity is its header (a file appended to later
-- keeps it, and replaces its figures); content_digest tells it grew.
CREATE TABLE IF NOT EXISTS file (
  id {ID},
  run_id INTEGER NOT NULL REFERENCES run (id),
  header_digest TEXT NOT NULL UNIQUE,
  content_digest TEXT NOT NULL,
  path TEXT NOT NULL,
  platform TEXT NOT NULL,
  machine_id INTEGER NOT NULL REFERENCES machine (id),
  git_commit TEXT NOT NULL,
  dirty BOOLEAN NOT NULL,
  commit_time TEXT,
  start_time TEXT NOT NULL,
  ended BOOLEAN NOT NULL,
  options TEXT NOT NULL,
  header TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS file_run ON file (run_id);

-- One measurement record of a file, under the report's key; noisy: the
-- report's noise rule (report/noisy.py) said why, in noisy_why.
CREATE TABLE IF NOT EXISTS figure (
  file_id INTEGER NOT NULL REFERENCES file (id),
  key TEXT NOT NULL,
  scenario TEXT NOT NULL,
  unit TEXT NOT NULL,
  median DOUBLE PRECISION NOT NULL,
  ci_lo DOUBLE PRECISION,
  ci_hi DOUBLE PRECISION,
  ci_level DOUBLE PRECISION,
  n INTEGER NOT NULL,
  samples TEXT NOT NULL,
  flags TEXT NOT NULL,
  noisy BOOLEAN NOT NULL,
  noisy_why TEXT,
  PRIMARY KEY (file_id, key)
);
CREATE INDEX IF NOT EXISTS figure_key ON figure (key);
