"""The webhook sensor and job in Dagster: ticks evaluated with build_sensor_context on a real (ephemeral)
instance, and the run each tick asks for executed with its own run config and tags, against an emulated store
over HTTP and a DuckDB file. The instance then knows the run, so the next tick sees how it ended."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import dagster as dg
import pytest
import requests

from bc_pipeline.config import load_settings
from bc_pipeline.defs.webhooks import JOB_NAME, OP_NAME, build_webhook_inbox, webhook_events, webhook_job
from bc_pipeline.webhooks import batching
from bc_pipeline.webhooks.receiver import DEFAULT_SECRET_HEADER, WebhookReceiver
from bc_pipeline_tests.sync_harness import resources_for
from bc_pipeline_tests.webhooks_support import backfill, drop, poison_payloads, rows, tree


@pytest.fixture
def setup(make_emulator, tmp_path: Path, monkeypatch):
    emu = make_emulator(customers=20, orders=30, products=10)
    db = tmp_path / "wh.duckdb"
    backfill(emu, db)
    root = tmp_path / "webhooks"
    monkeypatch.setenv("BC_WEBHOOK_DIR", str(root))
    emu.emit_webhooks_to(root / "inbox")
    yield emu, db, root, dg.DagsterInstance.ephemeral()


def _job(emu, db: Path, token: str | None = None) -> dg.JobDefinition:
    resources = resources_for(emu, db, token=token, max_workers=2)
    defs = dg.Definitions(assets=[webhook_events], jobs=[webhook_job], resources=resources)
    return defs.resolve_job_def(JOB_NAME)


def _tick(instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    return build_webhook_inbox(load_settings())(dg.build_sensor_context(instance=instance, cursor=cursor))


def _run(job: dg.JobDefinition, instance, request: dg.RunRequest) -> dg.ExecuteInProcessResult:
    return job.execute_in_process(run_config=request.run_config, instance=instance, tags=request.tags,
                                  raise_on_error=False)


def test_sensor_requests_one_run_for_emulator_files_and_the_run_applies_them(setup) -> None:
    emu, db, root, instance = setup
    assert _tick(instance, None).skip_reason is not None  # nothing waiting
    customer = emu.store.records("customers")[0]["id"]
    emu.store.update("customers", customer, first_name="Sensed")
    emu.store.create("subscribers", email="new@example.com")

    first = _tick(instance, None)
    (request,) = first.run_requests
    names = request.run_config["ops"][OP_NAME]["config"]["files"]
    assert sorted(names) == sorted(p.split("/")[-1] for p in tree(root))
    assert _tick(instance, first.cursor).run_requests == []  # not asked twice while it waits

    result = _run(_job(emu, db), instance, request)

    assert result.success
    assert rows(db, "SELECT first_name FROM bigcommerce.customers WHERE id = ?", [customer]) == [("Sensed",)]
    assert rows(db, "SELECT count(*) FROM bigcommerce.subscribers WHERE email = 'new@example.com'") == [(1,)]
    assert all(p.startswith("processed/") for p in tree(root))
    metadata = result.asset_materializations_for_node(OP_NAME)[0].metadata
    assert metadata["files_applied"].value == 2
    assert metadata["records_refetched"].value == {"customers": 1, "subscribers": 1}
    after = _tick(instance, first.cursor)
    assert after.run_requests == [] and json.loads(after.cursor)["inflight"] == []


def test_quarantine_in_a_sensor_run_while_good_files_apply(setup) -> None:
    emu, db, root, instance = setup
    order = emu.store.records("orders")[0]["id"]
    emu.store.update("orders", order, staff_notes="good file")
    drop(root / "inbox", "garbage.json", "<<not json>>")
    drop(root / "inbox", "huge.json", "[" + " " * (2 * 1024 * 1024) + "]")
    (request,) = _tick(instance, None).run_requests

    result = _run(_job(emu, db), instance, request)

    assert result.success
    assert rows(db, "SELECT staff_notes FROM bigcommerce.orders WHERE id = ?", [order]) == [("good file",)]
    assert "quarantine/garbage.json.reason" in tree(root) and "quarantine/huge.json.reason" in tree(root)
    assert "too large" in (root / "quarantine" / "huge.json.reason").read_text()
    assert result.asset_materializations_for_node(OP_NAME)[0].metadata["files_quarantined"].value == 2


def test_poison_ids_among_good_files_are_quarantined_and_the_inbox_empties(setup) -> None:
    """Issue 16, case 2: an id past BIGINT (and other impossible values) among good files, under the sensor."""
    emu, db, root, instance = setup
    orders = [o["id"] for o in emu.store.records("orders")[:4]]
    for oid in orders:
        emu.store.update("orders", oid, staff_notes="beside poison")
    for name, body in poison_payloads().items():
        drop(root / "inbox", name, body)
    first = _tick(instance, None)
    (request,) = first.run_requests

    result = _run(_job(emu, db), instance, request)

    assert result.success
    assert rows(db, "SELECT count(*) FROM bigcommerce.orders WHERE staff_notes = 'beside poison'") == [(4,)]
    quarantined = {p.split("/")[-1] for p in tree(root) if p.startswith("quarantine/")}
    assert quarantined == set(poison_payloads()) | {f"{name}.reason" for name in poison_payloads()}
    assert "9223372036854775807" in (root / "quarantine" / "beyond-bigint.json.reason").read_text()
    assert list((root / "inbox").iterdir()) == []
    metadata = result.asset_materializations_for_node(OP_NAME)[0].metadata
    assert (metadata["files_applied"].value, metadata["files_quarantined"].value) == (4, len(poison_payloads()))
    assert _tick(instance, first.cursor).run_requests == []  # nothing left, nothing asked again


def test_a_redropped_file_gets_a_new_run_key_and_is_applied_again(setup) -> None:
    emu, db, root, instance = setup
    customer = emu.store.records("customers")[1]["id"]
    emu.store.update("customers", customer, first_name="One")
    first = _tick(instance, None)
    job = _job(emu, db)
    assert _run(job, instance, first.run_requests[0]).success
    (processed,) = tree(root)
    emu.emit_webhooks_to(None)
    emu.store.update("customers", customer, first_name="Two")
    shutil.copy(root / processed, root / "inbox" / Path(processed).name)

    second = _tick(instance, first.cursor)
    (request,) = second.run_requests
    assert request.run_key != first.run_requests[0].run_key
    assert _run(job, instance, request).success
    assert rows(db, "SELECT first_name FROM bigcommerce.customers WHERE id = ?", [customer]) == [("Two",)]


def test_a_failed_run_leaves_its_files_and_the_sensor_retries_them_once(setup, monkeypatch) -> None:
    emu, db, root, instance = setup
    order = emu.store.records("orders")[1]["id"]
    emu.store.update("orders", order, staff_notes="after retry")
    emu.add_token("no-orders", scopes=["store_v2_customers_read_only"])
    first = _tick(instance, None)
    failed = _run(_job(emu, db, token="no-orders"), instance, first.run_requests[0])
    assert not failed.success
    assert [p.split("/")[0] for p in tree(root)] == ["inbox"]  # nothing moved
    assert _tick(instance, first.cursor).run_requests == []  # a failed batch waits RETRY_AFTER_S

    monkeypatch.setattr(batching, "RETRY_AFTER_S", 0.0)
    retry = _tick(instance, first.cursor)
    (request,) = retry.run_requests
    assert request.run_key != first.run_requests[0].run_key
    assert _run(_job(emu, db), instance, request).success
    assert rows(db, "SELECT staff_notes FROM bigcommerce.orders WHERE id = ?", [order]) == [("after retry",)]
    assert [p.split("/")[0] for p in tree(root)] == ["processed"]  # one file, applied once
    assert _tick(instance, retry.cursor).run_requests == []


def test_receiver_files_are_picked_up_by_the_sensor(setup) -> None:
    emu, db, root, instance = setup
    emu.emit_webhooks_to(None)
    order = emu.store.create("orders", customer_message="via receiver")
    body = json.dumps({"scope": "store/cart/converted", "store_id": "1", "hash": "abc", "created_at": 1,
                       "data": {"type": "cart", "id": "d30016e2", "orderId": order}})
    with WebhookReceiver(root, "a-receiver-secret-123456") as receiver:
        response = requests.post(receiver.url, data=body, timeout=10,
                                 headers={DEFAULT_SECRET_HEADER: "a-receiver-secret-123456"})
    assert response.status_code == 200

    (request,) = _tick(instance, None).run_requests
    assert _run(_job(emu, db), instance, request).success
    assert rows(db, "SELECT customer_message FROM bigcommerce.orders WHERE id = ?", [order]) == [("via receiver",)]


def test_a_tick_only_lists_files(tmp_path: Path, monkeypatch) -> None:
    """No file is opened and DuckDB is never touched during a tick, whatever the inbox holds."""
    root = tmp_path / "webhooks"
    monkeypatch.setenv("BC_WEBHOOK_DIR", str(root))
    drop(root / "inbox", "a.json", "{not even json")
    drop(root / "inbox", ".b.json.tmp", "half-written")

    instance = dg.DagsterInstance.ephemeral()
    real_open = io.open

    def guarded_open(file, *args, **kwargs):
        if str(root) in str(file):
            raise AssertionError(f"the sensor opened {file}")
        return real_open(file, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("the sensor connected to DuckDB")

    monkeypatch.setattr("builtins.open", guarded_open)
    monkeypatch.setattr("io.open", guarded_open)
    monkeypatch.setattr("duckdb.connect", refuse)
    result = _tick(instance, None)
    (request,) = result.run_requests
    assert request.run_config["ops"][OP_NAME]["config"] == {"webhook_dir": str(root.resolve()), "files": ["a.json"]}
    assert request.tags["bc/webhook_batch"] == request.run_key
