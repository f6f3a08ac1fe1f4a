"""The Dagster home the CLI picks: DAGSTER_HOME, else the folder holding dagster.yaml (the repo), else a
./.dagster_home it makes and gives bc_pipeline's instance settings (never replacing a file already there)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bc_pipeline.cli.environment import INSTANCE_SETTINGS, ensure_dagster_home
from bc_pipeline.instance.sqlite_event_log import PooledSqliteEventLogStorage

REPO = Path(__file__).resolve().parents[2]


def test_a_home_made_in_a_new_folder_gets_the_instance_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_dagster_home()
    assert home == tmp_path / ".dagster_home"
    assert (home / "dagster.yaml").read_text() == INSTANCE_SETTINGS.read_text()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)


def test_settings_already_in_the_home_are_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    (tmp_path / ".dagster_home").mkdir()
    (tmp_path / ".dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    home = ensure_dagster_home()
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"


def test_a_set_dagster_home_and_a_folder_with_settings_are_used_as_they_are(tmp_path, monkeypatch):
    own = tmp_path / "own"
    monkeypatch.setenv("DAGSTER_HOME", str(own))
    assert ensure_dagster_home() == own and not (own / "dagster.yaml").exists()
    monkeypatch.delenv("DAGSTER_HOME")
    monkeypatch.chdir(REPO)
    assert ensure_dagster_home() == REPO
    assert (REPO / "dagster.yaml").resolve() == INSTANCE_SETTINGS  # the repo's settings are the package's
