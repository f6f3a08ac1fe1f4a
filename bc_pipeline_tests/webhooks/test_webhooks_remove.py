"""`bc-pipeline webhooks remove` against the emulator over real HTTP: it deletes the hooks bc_pipeline
registered (this account's, to its destination) and leaves only foreign hooks: another destination of the
same account, and another account's."""

from __future__ import annotations

from click.testing import CliRunner

from bc_emulator import Emulator
from bc_pipeline.cli import main
from bc_pipeline.webhooks.scopes import SUBSCRIBED_SCOPES
from bc_pipeline_tests.conftest import bc_session, bc_url
from bc_pipeline_tests.webhooks.test_webhooks_register import DESTINATION, emu_env  # noqa: F401 - the fixture

FOREIGN = "https://crm.example.com/hooks"
OTHER_TOKEN = "other-app-token-0123456789"


def _create(emu: Emulator, token: str, scope: str, destination: str) -> None:
    with bc_session(emu, token) as session:
        r = session.post(bc_url(emu, "/v3/hooks"), json={"scope": scope, "destination": destination,
                                                        "is_active": True}, timeout=10)
    assert r.status_code == 200, r.text


def test_remove_leaves_only_foreign_hooks(emu_env: Emulator) -> None:  # noqa: F811 - the imported fixture
    emu_env.add_token(OTHER_TOKEN, scopes=["store_v2_orders_read_only"])
    runner = CliRunner()
    assert runner.invoke(main, ["webhooks", "register", "--destination", DESTINATION]).exit_code == 0
    _create(emu_env, emu_env.access_token, "store/order/*", FOREIGN)  # same account, another destination
    _create(emu_env, OTHER_TOKEN, "store/order/*", DESTINATION)  # another account (another app)
    foreign = {h["id"] for h in emu_env.hooks.values() if h["destination"] == FOREIGN
               or h["client_id"] != next(iter(emu_env.hooks.values()))["client_id"]}
    assert len(emu_env.hooks) == len(SUBSCRIBED_SCOPES) + 2 and len(foreign) == 2

    removed = runner.invoke(main, ["webhooks", "remove", "--destination", DESTINATION])
    assert removed.exit_code == 0, removed.output
    assert removed.output.count("removed") == len(SUBSCRIBED_SCOPES) + 1  # one line per hook, and the total
    assert set(emu_env.hooks) == foreign
    again = runner.invoke(main, ["webhooks", "remove", "--destination", DESTINATION])
    assert again.exit_code == 0 and "no webhooks to" in again.output
    assert set(emu_env.hooks) == foreign
