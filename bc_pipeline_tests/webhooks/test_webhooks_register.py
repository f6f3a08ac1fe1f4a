"""`bc-pipeline webhooks register` and `list` against the emulator over real HTTP: the pipeline's scopes are
created once, existing ones are skipped, a new secret updates them in place, and no secret is ever printed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.cli import main
from bc_pipeline.webhooks.scopes import SUBSCRIBED_SCOPES

SECRET = "register-test-secret-0123456789"
DESTINATION = "https://hooks.example.com/bigcommerce"


@pytest.fixture
def emu_env(tmp_path, monkeypatch):
    with Emulator(EmulatorConfig(seed=7, customers=3, orders=3, products=3)) as emu:
        monkeypatch.chdir(tmp_path)
        for name, value in {"BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash,
                            "BC_ACCESS_TOKEN": emu.access_token, "BC_WEBHOOK_SECRET": SECRET}.items():
            monkeypatch.setenv(name, value)
        yield emu


def test_register_creates_then_skips_and_list_hides_header_values(emu_env: Emulator) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["webhooks", "register", "--destination", DESTINATION])
    assert first.exit_code == 0, first.output
    assert first.output.count("created") == len(SUBSCRIBED_SCOPES)
    assert {h["scope"] for h in emu_env.hooks.values()} == set(SUBSCRIBED_SCOPES)
    assert all(h["headers"] == {"X-BC-Webhook-Secret": SECRET} for h in emu_env.hooks.values())

    again = runner.invoke(main, ["webhooks", "register", "--destination", DESTINATION])
    assert again.exit_code == 0, again.output
    assert again.output.count("exists") == len(SUBSCRIBED_SCOPES)
    assert len(emu_env.hooks) == len(SUBSCRIBED_SCOPES)

    listed = runner.invoke(main, ["webhooks", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count(DESTINATION) == len(SUBSCRIBED_SCOPES)
    assert "X-BC-Webhook-Secret" in listed.output
    for result in (first, again, listed):
        assert SECRET not in result.output


def test_explicit_header_replaces_the_secret_header_in_place(emu_env: Emulator) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["webhooks", "register", "--destination", DESTINATION,
                                "--scope", "store/order/*"]).exit_code == 0
    result = runner.invoke(main, ["webhooks", "register", "--destination", DESTINATION,
                                  "--scope", "store/order/*", "--header", "Authorization: Bearer xyz-123"])
    assert result.exit_code == 0, result.output
    assert "updated" in result.output
    (hook,) = emu_env.hooks.values()
    assert hook["headers"] == {"Authorization": "Bearer xyz-123"}
    assert "xyz-123" not in result.output


def test_store_errors_are_reported_not_raised(emu_env: Emulator) -> None:
    result = CliRunner().invoke(main, ["webhooks", "register", "--destination", "http://not-https.example.com"])
    assert result.exit_code != 0
    assert "422" in result.output and "destination" in result.output
    assert SECRET not in result.output
