"""Many stores at run time: one `bc-pipeline sync` syncs every store of the stores file, each into its own
DuckDB file, in child processes; a store with a bad token fails alone, named in its one `Error:` line; the
schedule asks for one run per store, the partitions follow the file, and a run resolves its store from its
partition key.

Real components: one emulator per store over HTTP on 127.0.0.1, real DuckDB files, real Dagster execution
(the CLI's children, an instance on disk)."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.instance.ref import InstanceRef

from bc_pipeline.config import load_settings
from bc_pipeline.defs.partitions import STORE_PARTITIONS_NAME
from bc_pipeline.defs.schedules import build_incremental_sync, store_partition
from bc_pipeline.lake import LakeSettings, open_catalog, read_table
from bc_pipeline.stores import STORE_TAG
from bc_pipeline_tests.lake_support import union_of_files
from bc_pipeline_tests.reliability_support import TABLE_TRUTH, truth_ids
from bc_pipeline_tests.stores_support import customers, innermost, truth_customers, write_stores
from bc_pipeline_tests.sync_harness import cli, ids

pytestmark = pytest.mark.slow


@pytest.fixture
def two_stores_and_a_revoked_one(make_emulator, tmp_path: Path):
    acme = make_emulator(seed=1, store_hash="acmehash", access_token="acme-token-0123456789")
    beta = make_emulator(seed=2, store_hash="betahash", access_token="beta-token-0123456789", customers=40)
    gone = make_emulator(seed=3, store_hash="gonehash", access_token="gone-token-0123456789")
    stores = {"acme": (acme, "ACME_TOKEN"), "beta": (beta, "BETA_TOKEN"), "gone": (gone, "GONE_TOKEN")}
    file = write_stores(tmp_path / "stores.yaml", stores, tmp_path)
    env = {"BC_STORES_FILE": str(file), "ACME_TOKEN": acme.access_token, "BETA_TOKEN": beta.access_token,
           "GONE_TOKEN": "revoked-token-0123456789", "BC_SYNC_PARALLEL": "2",
           "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    return stores, env, tmp_path


def test_one_sync_lands_every_store_in_its_own_file_and_the_revoked_one_fails_alone(two_stores_and_a_revoked_one):
    stores, env, root = two_stores_and_a_revoked_one
    result = cli(["sync"], root, **env)

    assert result.returncode == 1, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr[-3000:]
    assert errors[0].startswith("Error: store gone: ") and "401" in errors[0] and "check GONE_TOKEN" in errors[0]
    assert "revoked-token" not in result.stdout + result.stderr
    assert "2 of 3 stores synced: acme, beta" in result.stdout
    assert any(line.startswith("[acme] ") for line in result.stderr.splitlines())  # lines say their store
    for label in ("acme", "beta"):
        emu, _ = stores[label]
        db = root / "data" / f"{label}.duckdb"
        assert customers(db) == truth_customers(emu)
        for table, resource in TABLE_TRUTH.items():
            assert ids(db, table, include_deleted=True) == truth_ids(emu, resource), (label, table)
    assert customers(root / "data" / "acme.duckdb") != customers(root / "data" / "beta.duckdb")
    # the sync job's last step published each landed store to the shared layer (on by default with a file)
    lake = open_catalog(LakeSettings(f"sqlite:///{root}/data/lake/catalog.db", str(root / "data" / "lake" / "warehouse")))
    files = {label: root / "data" / f"{label}.duckdb" for label in ("acme", "beta")}
    for table in ("customers", "orders"):
        published = sorted(read_table(lake, table).to_pylist(), key=lambda r: (r["store"], r["id"]))
        assert published == union_of_files(files, table), table
    assert not (root / "data" / "gone.duckdb").exists() or customers(root / "data" / "gone.duckdb") == []

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(env["DAGSTER_HOME"])) as instance:
        runs = instance.get_runs()
        assert sorted(r.tags[STORE_TAG] for r in runs) == ["acme", "beta", "gone"]
        assert all(r.tags[STORE_TAG] == r.tags["dagster/partition"] for r in runs)
        (failed,) = [r for r in runs if r.status == dg.DagsterRunStatus.FAILURE]
        failures = instance.all_logs(failed.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
        assert failures and all("store gone: " in innermost(e.dagster_event.step_failure_data.error).message
                                for e in failures)  # the run's own failure names its store


def test_store_option_syncs_one_store_and_an_unknown_label_lists_the_known_ones(two_stores_and_a_revoked_one):
    stores, env, root = two_stores_and_a_revoked_one
    one = cli(["sync", "--store", "beta"], root, **env)
    assert one.returncode == 0, one.stderr[-3000:]
    assert customers(root / "data" / "beta.duckdb") == truth_customers(stores["beta"][0])
    assert not (root / "data" / "acme.duckdb").exists()

    unknown = cli(["sync", "--store", "nope"], root, **env)
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines() == ["Error: no store 'nope'; known stores: acme, beta, gone"]

    status = cli(["status"], root, **env)
    assert status.returncode == 1  # acme and gone have no file yet
    assert "Store beta" in status.stdout
    errors = [line for line in status.stderr.splitlines() if line.startswith("Error:")]
    assert [e.split(":")[1].strip() for e in errors] == ["store acme", "store gone"]


def test_the_partitions_follow_the_stores_file_and_the_schedule_asks_one_run_per_store(
        make_emulator, tmp_path: Path, monkeypatch, fresh_settings):
    acme = make_emulator(seed=1, store_hash="acmehash")
    beta = make_emulator(seed=2, store_hash="betahash")
    monkeypatch.setenv("ACME_TOKEN", acme.access_token)
    monkeypatch.setenv("BETA_TOKEN", beta.access_token)
    file = write_stores(tmp_path / "stores.yaml", {"acme": (acme, "ACME_TOKEN")}, tmp_path)
    monkeypatch.setenv("BC_STORES_FILE", str(file))

    with dg.instance_for_test() as instance:
        first = store_partition(dg.build_sensor_context(instance=instance))
        (request,) = first.dynamic_partitions_requests
        assert list(request.partition_keys) == ["acme"]
        instance.add_dynamic_partitions(STORE_PARTITIONS_NAME, list(request.partition_keys))  # as the daemon does
        assert store_partition(dg.build_sensor_context(instance=instance)).dynamic_partitions_requests in (None, [])

        write_stores(file, {"acme": (acme, "ACME_TOKEN"), "beta": (beta, "BETA_TOKEN")}, tmp_path)
        added = store_partition(dg.build_sensor_context(instance=instance))
        assert [list(r.partition_keys) for r in added.dynamic_partitions_requests] == [["beta"]]

        at = datetime(2026, 3, 5, 12, 5, tzinfo=UTC)
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=at)
        requests = build_incremental_sync(load_settings())(context)
        assert [(r.partition_key, r.tags[STORE_TAG]) for r in requests] == [("acme", "acme"), ("beta", "beta")]
        assert len({r.run_key for r in requests}) == 2
        assert sorted(instance.get_dynamic_partitions(STORE_PARTITIONS_NAME)) == ["acme", "beta"]

        write_stores(file, {"beta": (beta, "BETA_TOKEN")}, tmp_path)  # acme removed: no longer scheduled
        (only,) = build_incremental_sync(load_settings())(context)
        assert only.partition_key == "beta"
        assert "acme" in instance.get_dynamic_partitions(STORE_PARTITIONS_NAME)  # its partition is kept


SECRET = "a-long-shared-secret-0123456789"


def test_a_webhook_of_store_b_never_lands_in_store_a(make_emulator, tmp_path: Path, monkeypatch, fresh_settings):
    """The receiver routes by the payload's producer (an unknown store is quarantined); a run of store A
    quarantines a payload of store B found in A's inbox; B's own run applies it to B's file only."""
    import shutil

    import requests

    from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
    from bc_pipeline.defs.webhooks import JOB_NAME, build_webhook_inbox, webhook_events, webhook_job
    from bc_pipeline.stores import configured_stores
    from bc_pipeline.webhooks.receiver import DEFAULT_SECRET_HEADER, WebhookReceiver
    from bc_pipeline.webhooks.routing import routes
    from bc_pipeline_tests.sync_harness import store_of, stores_resource
    from bc_pipeline_tests.webhooks_support import backfill, payload, rows

    acme = make_emulator(seed=1, store_hash="acmehash", customers=20, orders=30, products=10)
    beta = make_emulator(seed=2, store_hash="betahash", customers=20, orders=30, products=10)
    dbs = {"acme": tmp_path / "data" / "acme.duckdb", "beta": tmp_path / "data" / "beta.duckdb"}
    dbs["acme"].parent.mkdir()
    for emu, db in ((acme, dbs["acme"]), (beta, dbs["beta"])):
        backfill(emu, db)
    monkeypatch.setenv("ACME_TOKEN", acme.access_token)
    monkeypatch.setenv("BETA_TOKEN", beta.access_token)
    file = write_stores(tmp_path / "stores.yaml", {"acme": (acme, "ACME_TOKEN"), "beta": (beta, "BETA_TOKEN")},
                        tmp_path)
    monkeypatch.setenv("BC_STORES_FILE", str(file))
    monkeypatch.setenv("BC_WEBHOOK_DIR", str(tmp_path / "webhooks"))
    settings = load_settings()
    hooks = tmp_path / "webhooks"

    receiver = WebhookReceiver(hooks, SECRET, routes=routes(settings, configured_stores(settings))).start()
    try:
        customer = beta.store.records("customers")[0]["id"]
        beta.store.update("customers", customer, first_name="FromBeta")
        body = {**payload("store/customer/updated", {"type": "customer", "id": customer}), "producer": "stores/betahash"}
        stranger = {**body, "producer": "stores/nosuchstore"}
        for sent in (body, stranger):
            answer = requests.post(receiver.url, json=sent, headers={DEFAULT_SECRET_HEADER: SECRET}, timeout=10)
            assert answer.status_code == 200
    finally:
        receiver.stop()
    (routed,) = (hooks / "beta" / "inbox").iterdir()
    assert not (hooks / "acme" / "inbox").exists() or not list((hooks / "acme" / "inbox").iterdir())
    reasons = list((hooks / "quarantine").glob("*.reason"))
    assert len(reasons) == 1 and "no configured store" in reasons[0].read_text()

    (hooks / "acme" / "inbox").mkdir(parents=True, exist_ok=True)
    shutil.copy(routed, hooks / "acme" / "inbox" / routed.name)  # a payload of B in A's inbox
    acme_before = rows(dbs["acme"], "SELECT id, first_name FROM bigcommerce.customers ORDER BY id")

    stores = stores_resource(store_of(acme, dbs["acme"], label="acme"), store_of(beta, dbs["beta"], label="beta"))
    resources = {"bigcommerce": BigCommerceResource(stores=stores, max_workers=2),
                 "warehouse": WarehouseResource(stores=stores)}
    job = dg.Definitions(assets=[webhook_events], jobs=[webhook_job], resources=resources).resolve_job_def(JOB_NAME)
    with dg.instance_for_test() as instance:
        tick = build_webhook_inbox(settings)(dg.build_sensor_context(instance=instance))
        assert sorted(r.tags[STORE_TAG] for r in tick.run_requests) == ["acme", "beta"]
        for request in tick.run_requests:
            result = job.execute_in_process(run_config=request.run_config, instance=instance, tags=request.tags,
                                            raise_on_error=False)
            assert result.success, request.tags

    assert rows(dbs["acme"], "SELECT id, first_name FROM bigcommerce.customers ORDER BY id") == acme_before
    (reason,) = (hooks / "acme" / "quarantine").glob("*.reason")
    assert "a webhook of store betahash" in reason.read_text()
    assert rows(dbs["beta"], "SELECT first_name FROM bigcommerce.customers WHERE id = ?", [customer]) == [("FromBeta",)]


def test_runs_of_a_store_partition_carry_the_store_tag_however_launched(make_emulator, tmp_path: Path,
                                                                       fresh_settings):
    """The sync and reconcile jobs' partitioned config gives each partition its bc/store tag: the launchpad
    (a run of one partition) and a job backfill (Dagster asks the job for each partition's tags) carry it
    without being told; the run's resources resolve the store from that partition."""
    from bc_pipeline.definitions import defs as location
    from bc_pipeline.defs.jobs import store_partitioned_config
    from bc_pipeline.defs.raw_assets import raw_streams
    from bc_pipeline_tests.sync_harness import resources_for, store_instance

    loaded = location()
    for name in ("bigcommerce_sync", "bigcommerce_reconcile_deletes"):
        tags = loaded.resolve_job_def(name).get_tags_for_partition_key("acme", selected_asset_keys=None)
        assert tags[STORE_TAG] == "acme"
    emu = make_emulator()
    db = tmp_path / "store.duckdb"
    job = dg.define_asset_job("one_store", selection=dg.AssetSelection.assets(raw_streams), config=store_partitioned_config(),
                              executor_def=dg.in_process_executor)
    resolved = dg.Definitions(assets=[raw_streams], jobs=[job], resources=resources_for(emu, db)).resolve_job_def(
        "one_store")
    label = emu.store_hash.lower()
    result = resolved.execute_in_process(partition_key=label, instance=store_instance(emu))
    assert result.success
    assert result.dagster_run.tags[STORE_TAG] == label
    assert customers(db) == truth_customers(emu)


def test_sigterm_reaches_every_store_being_synced_and_the_command_ends_with_one_line(make_emulator, tmp_path: Path):
    """SIGTERM to `bc-pipeline sync` over two stores mid-listing: both children stop (no request after),
    the command ends with 143 and its one `Error: interrupted` line, and each file is consistent."""
    import subprocess
    import sys
    import time

    from bc_pipeline.cli.interrupts import MESSAGE
    from bc_pipeline_tests.sync.test_sync_resume import check_consistent, order_requests

    emus = {label: make_emulator(seed=seed, store_hash=f"{label}hash", orders=3000, customers=300,
                                 latency_ms=(60, 120)) for label, seed in (("acme", 1), ("beta", 2))}
    file = write_stores(tmp_path / "stores.yaml", {label: (emu, f"{label.upper()}_TOKEN")
                                                   for label, emu in emus.items()}, tmp_path)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("BC_", "DAGSTER_HOME"))},
           "BC_STORES_FILE": str(file), "ACME_TOKEN": emus["acme"].access_token,
           "BETA_TOKEN": emus["beta"].access_token, "DAGSTER_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "bc_pipeline", "sync"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not all(order_requests(e) >= 3 for e in emus.values()):  # both stores mid-listing
        assert proc.poll() is None and time.monotonic() < deadline, "the syncs never reached the listing"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    lines = stderr.strip().splitlines()

    assert proc.returncode == 143, lines[-10:]
    assert [line for line in lines if line.startswith("Error:")] == [f"Error: {MESSAGE}"], lines[-10:]
    assert not any("Traceback" in line for line in lines)
    time.sleep(1)  # a request in flight at the signal is logged after the emulator's latency (<= 120 ms)
    counts = {label: len(e.request_log) for label, e in emus.items()}
    time.sleep(3)
    assert {label: len(e.request_log) for label, e in emus.items()} == counts  # no child left syncing
    for label, emu in emus.items():
        if (tmp_path / "data" / f"{label}.duckdb").exists():
            check_consistent(emu, tmp_path / "data" / f"{label}.duckdb")


def test_webhook_subscriptions_are_per_store(make_emulator, tmp_path: Path, monkeypatch):
    """`webhooks register/list/remove` talk to one store: --store LABEL with a stores file of several."""
    from click.testing import CliRunner

    from bc_pipeline.cli import main

    emus = {label: make_emulator(seed=seed, store_hash=f"{label}hash") for label, seed in (("acme", 1), ("beta", 2))}
    file = write_stores(tmp_path / "stores.yaml", {label: (emu, f"{label.upper()}_TOKEN")
                                                   for label, emu in emus.items()}, tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("BC_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BC_STORES_FILE", str(file))
    for label, emu in emus.items():
        monkeypatch.setenv(f"{label.upper()}_TOKEN", emu.access_token)
    runner = CliRunner()
    unnamed = runner.invoke(main, ["webhooks", "list"])
    assert unnamed.exit_code == 1 and "name the store with --store LABEL; known stores: acme, beta" in unnamed.output

    registered = runner.invoke(main, ["webhooks", "register", "--store", "beta", "--destination",
                                      "https://hooks.example.com/bc", "--header", "X-Test:1"])
    assert registered.exit_code == 0, registered.output
    listed = {label: runner.invoke(main, ["webhooks", "list", "--store", label]).output for label in emus}
    assert "https://hooks.example.com/bc" in listed["beta"]
    assert "no webhooks registered" in listed["acme"]


def test_check_reports_per_store_and_names_the_failing_one(make_emulator, tmp_path: Path, monkeypatch):
    from click.testing import CliRunner

    from bc_pipeline.cli import main

    emus = {label: make_emulator(seed=seed, store_hash=f"{label}hash") for label, seed in (("acme", 1), ("gone", 3))}
    file = write_stores(tmp_path / "stores.yaml", {label: (emu, f"{label.upper()}_TOKEN")
                                                   for label, emu in emus.items()}, tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("BC_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BC_STORES_FILE", str(file))
    monkeypatch.setenv("ACME_TOKEN", emus["acme"].access_token)
    monkeypatch.setenv("GONE_TOKEN", "revoked-token-0123456789")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert f"Store acmehash at {emus['acme'].api_url} (acme)" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: store gone: BigCommerce rejected the access token (401) for GET /v2/store; "
                      "check GONE_TOKEN"]
    assert "revoked-token" not in result.output
