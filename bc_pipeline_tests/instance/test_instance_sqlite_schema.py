"""The local instance's new databases (each run's event log, the index, runs and schedules) are created in one
transaction and opened without loading alembic (bc_pipeline/instance/sqlite_schema.py). What must hold: the
files are Dagster's own (the same tables, indexes, alembic revision, WAL and data migrations marked done),
processes racing to create the same database all succeed with one schema, an instance Dagster's default made
keeps its runs, and a database of an older layout (tables, no revision) is left to Dagster's code."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from alembic.script import ScriptDirectory
from dagster._core.storage.event_log.schema import SqlEventLogStorageMetadata
from dagster._core.storage.event_log.sqlite import sqlite_event_log as dagster_module
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import get_alembic_config
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from bc_pipeline.instance.sqlite_event_log import PooledSqliteEventLogStorage
from bc_pipeline.instance.sqlite_schema import Prepared, head_revision, prepare

REPO = Path(__file__).resolve().parents[2]


def _file(path: Path) -> tuple:
    conn = sqlite3.connect(path)
    try:
        return (sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()),
                conn.execute("SELECT version_num FROM alembic_version").fetchall(),
                conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def _engine(path: Path):
    return create_engine(f"sqlite:///{path}", poolclass=NullPool)


def test_the_databases_are_dagsters_own(tmp_path):
    ours, theirs = PooledSqliteEventLogStorage(str(tmp_path / "ours")), SqliteEventLogStorage(str(tmp_path / "theirs"))
    ours._initdb(_engine(tmp_path / "ours" / "run1.db"))
    theirs._initdb(_engine(tmp_path / "theirs" / "run1.db"))
    for name in ("index.db", "run1.db"):
        mine, dagsters = _file(tmp_path / "ours" / name), _file(tmp_path / "theirs" / name)
        assert mine == dagsters, name
        assert len(mine[0]) > 20 and mine[2] == "wal"
    head = ScriptDirectory.from_config(get_alembic_config(dagster_module.__file__)).get_current_head()
    assert head_revision(dagster_module.__file__) == head and _file(tmp_path / "ours" / "run1.db")[1] == [(head,)]


def test_a_stamped_database_is_left_alone(tmp_path):
    path = tmp_path / "run.db"
    assert prepare(_engine(path), SqlEventLogStorageMetadata, dagster_module.__file__) is Prepared.CREATED
    before = _file(path)
    assert prepare(_engine(path), SqlEventLogStorageMetadata, dagster_module.__file__) is Prepared.STAMPED
    assert _file(path) == before


def test_an_older_layout_is_left_to_dagster(tmp_path):
    """Tables without an alembic revision (a file from before Dagster stamped SQLite): untouched here."""
    path = tmp_path / "index.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE event_logs (id INTEGER PRIMARY KEY, event TEXT NOT NULL)")
    conn.commit()
    conn.close()
    assert prepare(_engine(path), SqlEventLogStorageMetadata, dagster_module.__file__) is Prepared.OTHER
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["event_logs"]
    conn.close()


RACER = textwrap.dedent("""
    import sys, time
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool
    from bc_pipeline.instance.sqlite_event_log import PooledSqliteEventLogStorage
    from bc_pipeline.instance.sqlite_schema import head_revision
    from dagster._core.storage.event_log.sqlite import sqlite_event_log
    storage = PooledSqliteEventLogStorage(sys.argv[1])
    head_revision(sqlite_event_log.__file__)
    while time.time() < float(sys.argv[3]):
        pass
    storage._initdb(create_engine("sqlite:///" + sys.argv[2], poolclass=NullPool, connect_args={"timeout": 30}))
    print("ok")
""")


def test_processes_racing_to_create_one_database_all_succeed(tmp_path):
    PooledSqliteEventLogStorage(str(tmp_path))  # the index, so the racers race on the run's database only
    target, start = tmp_path / "run.db", time.time() + 3
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path), str(target), str(start)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [racer.communicate(timeout=60) for racer in racers]
    assert [r.returncode for r in racers] == [0] * 4, [err[-2000:] for _, err in outs]
    assert all(out.strip() == "ok" for out, _ in outs)
    tables, revision, journal = _file(target)
    assert revision == [(head_revision(dagster_module.__file__),)] and journal == "wal"
    assert sum(1 for t in tables if t[0] == "table") == len(SqlEventLogStorageMetadata.tables) + 1


def _instance_files(home: Path) -> dict[str, tuple]:
    out = {}
    for name in ("history/runs.db", "schedules/schedules.db", "history/runs/index.db"):
        conn = sqlite3.connect(home / name)
        try:
            marked = sorted(r[0] for r in conn.execute("SELECT name FROM secondary_indexes WHERE migration_completed IS NOT NULL")) \
                if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'secondary_indexes'").fetchone() else []
        finally:
            conn.close()
        out[name] = (*_file(home / name), marked)
    return out


def _new_instance(home: Path, yaml: str) -> None:
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml)
    code = "import dagster as dg; i = dg.DagsterInstance.get(); i.get_runs(limit=1); print(type(i.run_storage).__name__)"
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "DAGSTER_HOME": str(home)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_new_instance_is_dagsters_own(tmp_path):
    """A new instance made with the repo's dagster.yaml has the files Dagster's default makes: the same tables,
    revisions, WAL and data migrations marked done."""
    _new_instance(tmp_path / "ours", (REPO / "dagster.yaml").read_text())
    _new_instance(tmp_path / "theirs", "telemetry:\n  enabled: false\n")
    ours, theirs = _instance_files(tmp_path / "ours"), _instance_files(tmp_path / "theirs")
    assert ours == theirs
    assert ours["history/runs.db"][3] and ours["schedules/schedules.db"][3]  # some data migrations marked


def test_an_instance_dagster_made_keeps_its_runs(tmp_path):
    """Opening an instance Dagster's default storages made (its runs, schedules' state) with the repo's
    dagster.yaml reads them, and Dagster's files are not rewritten."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    job = "dg.GraphDefinition(name='g', node_defs=[]).to_job()"
    make = f"import dagster as dg; i = dg.DagsterInstance.get(); print(i.create_run_for_job({job}).run_id)"
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    made = subprocess.run([sys.executable, "-c", make], env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    before = _instance_files(home)
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    read = ("import dagster as dg; i = dg.DagsterInstance.get(); "
            "print(type(i.run_storage).__name__, [r.run_id for r in i.get_runs()])")
    seen = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True, timeout=120)
    assert seen.returncode == 0, seen.stderr[-2000:]
    assert seen.stdout.split() == ["FastOpenSqliteRunStorage", f"['{made.stdout.strip()}']"]
    assert _instance_files(home) == before
