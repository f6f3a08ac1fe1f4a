"""Poison never blocks the inbox (issue 16, case 2): payloads no store could send are refused at validation
and quarantined with their reason; a payload that passes validation but still fails to apply is isolated by
bisecting its batch and quarantined, while the rest of the batch is applied; an outage quarantines nothing.
Plain code against an emulated store over HTTP and a DuckDB file (the sensor and CLI runs are in
test_webhooks_sensor.py and test_webhooks_cli_quiet.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bc_pipeline.webhooks.apply import WebhookApplyError, apply_batch
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.models import MAX_ID
from bc_pipeline_tests import webhooks_support as ws


@pytest.fixture
def store(make_emulator, tmp_path: Path):
    return ws.backfilled_store(make_emulator, tmp_path)


def _good_changes(emu, n: int = 3) -> list[int]:
    customers = [c["id"] for c in emu.store.records("customers")[:n]]
    for cid in customers:
        emu.store.update("customers", cid, last_name="Good")
    return customers


def test_poison_payloads_are_quarantined_and_the_good_files_applied(store) -> None:
    emu, db, root = store
    customers = _good_changes(emu)
    for name, body in ws.poison_payloads().items():
        ws.drop(root / "inbox", name, body)

    with ws.client_for(emu) as client:
        report = apply_batch(client, ws.connector(db), Inbox(root))

    assert set(report.quarantined) == set(ws.poison_payloads())
    assert f"less than or equal to {MAX_ID}" in (root / "quarantine" / "beyond-bigint.json.reason").read_text()
    assert "greater than or equal to 1" in (root / "quarantine" / "negative-id.json.reason").read_text()
    assert "at most 200 characters" in (root / "quarantine" / "long-type.json.reason").read_text()
    assert len(report.applied) == len(customers)
    assert ws.rows(db, f"SELECT count(*) FROM bigcommerce.customers WHERE last_name = 'Good' AND id IN "
                    f"({','.join(map(str, customers))})") == [(len(customers),)]
    assert list((root / "inbox").iterdir()) == []


def test_a_file_the_api_fails_on_is_isolated_and_the_rest_applied(store) -> None:
    """Valid, but the store's API fails on the customer it names (and only on it): the batch fails, the
    store still answers a plain request, so the batch is bisected; the one file is quarantined."""
    emu, db, root = store
    customers = _good_changes(emu, 5)
    cursed = emu.store.records("customers")[10]["id"]
    ws.drop(root / "inbox", "cursed.json", ws.payload("store/customer/updated", {"type": "customer", "id": cursed}))

    with ws.FailingIdsProxy(emu.api_url, {cursed}) as proxy, ws.client_for(emu, api_url=proxy.url) as client:
        report = apply_batch(client, ws.connector(db), Inbox(root))

    assert list(report.quarantined) == ["cursed.json"]
    reason = (root / "quarantine" / "cursed.json.reason").read_text()
    assert reason.startswith("could not be applied: refetching 1 customers record(s) failed") and "500" in reason
    assert len(report.applied) == len(customers)
    assert ws.rows(db, f"SELECT count(*) FROM bigcommerce.customers WHERE last_name = 'Good' AND id IN "
                    f"({','.join(map(str, customers))})") == [(len(customers),)]
    assert list((root / "inbox").iterdir()) == []


def test_an_outage_quarantines_nothing_and_keeps_the_batch(store) -> None:
    emu, db, root = store
    _good_changes(emu)
    waiting = ws.tree(root)
    client = ws.client_for(emu)
    emu.stop()  # the API is down: every file waits, none is blamed

    with client, pytest.raises(WebhookApplyError, match="Cannot reach"):
        apply_batch(client, ws.connector(db), Inbox(root))

    assert ws.tree(root) == waiting
