"""poolbench's performance history: every run's figures in one database
(SQLite by default, PostgreSQL with HISTORY=postgresql://...), read back as
series per machine, platform and key. store.py is the interface; cli.py the
command (`python3 -m history.cli add|list`); bisect.py finds the commit that
changed a figure (`make bisect`)."""
