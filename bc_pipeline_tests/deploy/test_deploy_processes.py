"""deploy/ for real, with three stores: one emulator server serves three stores (their own hashes, tokens and
data), a stores file lists them, and the three processes of deploy/ (gRPC code server with the project's code
location, webserver, daemon) run on a real PostgreSQL server with the queued run coordinator of
deploy/dagster.yaml. Launched together through the queue:

* a tick of the real `incremental_sync` schedule, evaluated by the daemon (cron every minute, on from the
  start with BC_SCHEDULE_RUNNING, switched off after its first tick): one run per store. The daemon's own
  evaluation is the point: the tick is what production runs, with its run keys, tags and partitions;
* a full sync of two stores, submitted through the webserver as the launchpad does (partition + `bc/store`);
* a webhook run: an order changed in one store, its payload delivered to the webhook receiver, which routes it
  by its producer to that store's inbox, where the daemon's `webhook_inbox` sensor asks for the run.

Then: every run of the two good stores succeeds; the third store's token was revoked in the emulator, so its
run fails alone, naming its label; two runs of one store never overlap and the stores overlap each other
(start and end times from the run storage); each good store's DuckDB file equals what the emulator serves
(ids and key fields of every synced table). Skips, saying why, without a PostgreSQL server."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest
import requests
from dagster._core.storage.tags import SCHEDULE_NAME_TAG

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.config import WEBHOOK_SECRET_HEADER, load_settings
from bc_pipeline.stores import STORE_TAG, load_stores_file
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.webhooks.receiver import WebhookReceiver
from bc_pipeline.webhooks.routing import routes
from bc_pipeline_tests.dagster_dev_support import set_schedule
from bc_pipeline_tests.deploy_processes_support import deployment, instance_config, process_env
from bc_pipeline_tests.deploy_support import postgres_or_skip
from bc_pipeline_tests.process_support import wait_for
from bc_pipeline_tests.reliability_support import TABLE_TRUTH

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
SCHEDULE = "incremental_sync"
SECRET = "webhook-secret-0123456789"
# label -> (hash, token, seed, customers, orders, products): three stores of different data
STORES = {
    "acme": ("acmehash", "acme-token-0123456789", 1, 40, 120, 20),
    "beta": ("betahash", "beta-token-0123456789", 2, 30, 90, 25),
    "gone": ("gonehash", "gone-token-0123456789", 3, 20, 60, 20),
}
# The fields compared besides the id, per synced table (the emulator's names are the table's columns).
KEY_FIELDS = {
    "customers": ("email", "last_name", "customer_group_id"),
    "customer_addresses": ("customer_id", "city", "postal_code"),
    "subscribers": ("email", "source"),
    "orders": ("customer_id", "status_id", "total_inc_tax", "currency_code"),
    "order_line_items": ("order_id", "product_id", "quantity", "total_inc_tax"),
    "order_shipping_addresses": ("order_id", "zip", "cost_inc_tax"),
    "products": ("name", "sku", "price"),
    "variants": ("product_id", "sku", "price"),
    "categories": ("parent_id", "name"),
    "brands": ("name",),
    "order_statuses": ("name",),
}
CHANGED_ORDER, NEW_STATUS = 3, 11


@pytest.fixture
def three_stores():
    configs = [EmulatorConfig(store_hash=h, access_token=t, seed=s, customers=c, orders=o, products=p, quota=None)
               for h, t, s, c, o, p in STORES.values()]
    with Emulator(stores=configs) as emu:
        emu.stores["gonehash"].revoke_token(STORES["gone"][1])
        yield emu


def write_stores_file(path: Path, api_url: str, data: Path) -> Path:
    lines = ["stores:"]
    for label, (store_hash, *_rest) in STORES.items():
        lines += [f"  - label: {label}", f"    store_hash: {store_hash}", f"    token_env: {label.upper()}_TOKEN",
                  "    start_date: 2020-01-01", f"    api_url: {api_url}",
                  f"    duckdb_path: {data / (label + '.duckdb')}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_three_stores_through_the_queue(three_stores, tmp_path):
    pg = postgres_or_skip()
    emu = three_stores
    env = process_env(
        pg, BC_STORES_FILE=str(write_stores_file(tmp_path / "stores.yaml", emu.api_url, tmp_path / "data")),
        BC_WEBHOOK_DIR=str(tmp_path / "webhooks"), BC_WEBHOOK_SECRET=SECRET,
        BC_LAKE_CATALOG_URI=f"sqlite:///{tmp_path / 'lake' / 'catalog.db'}",
        BC_LAKE_WAREHOUSE=str(tmp_path / "lake" / "warehouse"),
        BC_SYNC_CRON="* * * * *", BC_SCHEDULE_RUNNING="true",
        **{f"{label.upper()}_TOKEN": token for label, (_h, token, *_r) in STORES.items()})
    (tmp_path / "lake").mkdir()
    with deployment(env, tmp_path, instance_config()) as deploy:
        instance = deploy.instance
        tick = wait_for(lambda: _runs(instance, {SCHEDULE_NAME_TAG: SCHEDULE}, at_least=3), 180, "the schedule's tick")
        set_schedule(deploy.web_port, SCHEDULE, running=False)
        full = [deploy.submit_sync(label) for label in ("acme", "beta")]
        deliver_webhook(emu, env, tmp_path)
        hook = wait_for(lambda: _runs(instance, {"bc/trigger": "sensor"}, at_least=1), 120, "the webhook run")
        run_ids = [r.dagster_run.run_id for r in tick] + full + [r.dagster_run.run_id for r in hook]
        records = deploy.wait_finished(run_ids, 420)
        gone_failures = [failure_text(instance, r.dagster_run.run_id) for r in records
                         if r.dagster_run.tags[STORE_TAG] == "gone"]

    by_store = {label: sorted((r for r in records if r.dagster_run.tags[STORE_TAG] == label),
                              key=lambda r: r.start_time) for label in STORES}
    assert [r.dagster_run.tags[STORE_TAG] for r in hook] == ["acme"]  # routed by the payload's producer
    for label in ("acme", "beta"):
        assert [r.dagster_run.status for r in by_store[label]] == [dg.DagsterRunStatus.SUCCESS] * len(by_store[label])
    assert [r.dagster_run.status for r in by_store["gone"]] == [dg.DagsterRunStatus.FAILURE]
    assert all("store gone" in text and "gone-token" not in text for text in gone_failures), gone_failures

    for label, runs in by_store.items():
        for first, second in zip(runs, runs[1:], strict=False):
            assert first.end_time <= second.start_time, f"two runs of {label} overlapped"
    assert any(a.create_timestamp.timestamp() < b.end_time and b.create_timestamp.timestamp() < a.end_time
               for a, b in zip(by_store["acme"], by_store["acme"][1:], strict=False)), "acme's runs never queued together"
    assert stores_overlapped(by_store), "no two stores ran at the same time: the queue serialised the stores"

    for label in ("acme", "beta"):
        db = tmp_path / "data" / f"{label}.duckdb"
        for table, resource in TABLE_TRUTH.items():
            truth = served_rows(emu.stores[STORES[label][0]].store, resource, KEY_FIELDS[table])
            assert stored_rows(db, table, KEY_FIELDS[table]) == truth, f"{label}: {table} differs from the store"
    assert stored_value(tmp_path / "data" / "acme.duckdb", CHANGED_ORDER) == NEW_STATUS
    assert list((tmp_path / "webhooks" / "acme" / "inbox").iterdir()) == []  # applied, moved to processed/
    assert list((tmp_path / "webhooks" / "acme" / "processed").iterdir())
    assert not (tmp_path / "data" / "gone.duckdb").exists() or stored_rows(
        tmp_path / "data" / "gone.duckdb", "orders", ()) == []


def deliver_webhook(emu: Emulator, env: dict, tmp_path: Path) -> None:
    """An order of acme changes; the emulator writes its webhook payload, which is POSTed to the receiver
    (routing on: the stores file's stores) and lands in acme's inbox."""
    served = emu.stores[STORES["acme"][0]]
    served.emit_webhooks_to(tmp_path / "emitted")
    served.store.update("orders", CHANGED_ORDER, status_id=NEW_STATUS)
    served.emit_webhooks_to(None)
    payloads = sorted((tmp_path / "emitted").iterdir())  # the order's update and its status change
    assert payloads and all(json.loads(p.read_text())["producer"] == f"stores/{STORES['acme'][0]}" for p in payloads)
    settings = load_settings(env)
    with WebhookReceiver(settings.webhook_dir, SECRET,
                         routes=routes(settings, load_stores_file(settings.stores_file, env=env))) as receiver:
        for payload in payloads:
            answer = requests.post(receiver.url, data=payload.read_bytes(), timeout=10,
                                   headers={WEBHOOK_SECRET_HEADER: SECRET, "Content-Type": "application/json"})
            assert answer.status_code == 200, answer.text


def _runs(instance: dg.DagsterInstance, tags: dict[str, str], at_least: int) -> list | None:
    records = instance.get_run_records(filters=dg.RunsFilter(tags=tags), ascending=True)
    return records if len(records) >= at_least else None


def failure_text(instance: dg.DagsterInstance, run_id: str) -> str:
    """Every failure message of the run's event log, its errors' causes included."""
    texts = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not event.is_failure:
            continue
        texts.append(entry.message or "")
        error = event.step_failure_data.error if event.is_step_failure else None
        while error is not None:
            texts.append(error.message)
            error = error.cause
    return "\n".join(texts)


def stores_overlapped(by_store: dict[str, list]) -> bool:
    runs = [(label, r) for label, records in by_store.items() for r in records]
    return any(a_label != b_label and a.start_time < b.end_time and b.start_time < a.end_time
               for a_label, a in runs for b_label, b in runs)


def _same(value: object) -> object:
    """One form for a value from either side: money and prices as exact decimals."""
    if isinstance(value, (Decimal, float)):
        return Decimal(str(value)).normalize()
    if isinstance(value, str):
        try:
            return Decimal(value).normalize() if value.replace(".", "", 1).isdigit() else value
        except ArithmeticError:
            return value
    return value


def served_rows(store, resource: str, fields: tuple[str, ...]) -> list[tuple]:
    return sorted(tuple(_same(r[f]) for f in ("id", *fields)) for r in store.records(resource))


def stored_rows(db: Path, table: str, fields: tuple[str, ...]) -> list[tuple]:
    columns = ", ".join(("id", *fields))
    with warehouse_connection(db, read_only=True) as conn:
        rows = conn.execute(f"SELECT {columns} FROM bigcommerce.{table}").fetchall()
    return sorted(tuple(_same(v) for v in row) for row in rows)


def stored_value(db: Path, order_id: int) -> int:
    with warehouse_connection(db, read_only=True) as conn:
        return conn.execute("SELECT status_id FROM bigcommerce.orders WHERE id = ?", [order_id]).fetchone()[0]
