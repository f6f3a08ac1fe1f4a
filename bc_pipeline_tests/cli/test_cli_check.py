"""`bc-pipeline check` against a store over HTTP: besides its access table, the store's API quota as its
rate-limit headers give it, and the share of it a sync leaves to the store's other apps."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from bc_pipeline.cli import main
from bc_pipeline.cli.sync import quota_line


@pytest.fixture
def store_env(make_emulator, tmp_path, monkeypatch):
    emu = make_emulator(quota=40, window_ms=2000)
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("BC_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BC_API_URL", emu.api_url)
    monkeypatch.setenv("BC_STORE_HASH", emu.store_hash)
    monkeypatch.setenv("BC_ACCESS_TOKEN", emu.access_token)
    return monkeypatch


def test_check_names_the_quota_and_the_share_a_sync_leaves_to_other_apps(store_env):
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == ("API quota: 40 requests per 2 s, shared by every app on the store; a "
                                              "sync uses each window whole (BC_QUOTA_RESERVE_PERCENT leaves them a "
                                              "share)")
    store_env.setenv("BC_QUOTA_RESERVE_PERCENT", "25")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("a sync leaves 25% of each window to them "
                                                   "(BC_QUOTA_RESERVE_PERCENT)")


def test_a_store_without_rate_limit_headers_is_said_so():
    assert quota_line(None, None, 0, "BC_QUOTA_RESERVE_PERCENT") == "API quota: the store sent no rate-limit headers"
