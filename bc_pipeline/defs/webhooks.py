"""The webhook inbox in Dagster: a sensor that watches BC_WEBHOOK_DIR/inbox and a job that applies a batch.

The sensor only lists files (os.scandir and stat; it never opens a file or DuckDB) and asks, per store, for
at most one run per tick, for at most BC_WEBHOOK_BATCH_FILES files of that store's inbox, named in the run
config, tagged `bc/store` (the run queue runs one run per store at a time); what it asks for is decided by
bc_pipeline/webhooks/batching.py, with one cursor per store. Each store's inbox root is decided by
bc_pipeline/webhooks/routing.py. The run (asset `bigcommerce/webhook_events`) applies its store's files
(bc_pipeline/webhooks/apply.py). `bc-pipeline webhooks apply` runs the same job.

The sensor starts RUNNING (unless BC_WEBHOOK_SENSOR_RUNNING=false), unlike the incremental schedule: files
only reach the inbox once someone has registered webhooks or dropped files there, which is the decision to
apply them; an idle tick costs one directory listing and no API call; and a change should show within a
minute, which an operator having to switch the sensor on first would defeat.
"""


import json
import time
from pathlib import Path

import dagster as dg
from pydantic import Field

from bc_pipeline.config import Settings
from bc_pipeline.defs.partitions import store_tags
from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
from bc_pipeline.defs.settings import settings
from bc_pipeline.stores import configured_stores
from bc_pipeline.webhooks.apply import ApplyReport, apply_batch
from bc_pipeline.webhooks.batching import RunState, next_batch
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.routing import inbox_roots, webhook_root

JOB_NAME = "bigcommerce_webhooks"
ASSET_KEY = dg.AssetKey(["bigcommerce", "webhook_events"])
OP_NAME = "bigcommerce__webhook_events"
BATCH_TAG = "bc/webhook_batch"
SENSOR_INTERVAL_S = 20


class WebhookBatchConfig(dg.Config):
    webhook_dir: str = Field(default="", description="The inbox root; empty: the run's store's (BC_WEBHOOK_DIR).")
    files: list[str] = Field(
        default_factory=list, description="Names of files in inbox/ to apply; empty: the oldest batch."
    )


@dg.asset(
    key=ASSET_KEY,
    group_name="webhooks",
    kinds={"bigcommerce", "duckdb"},
    description="Webhook payload files applied from BC_WEBHOOK_DIR/inbox: the records they name are "
    "refetched in bulk and merged into the bigcommerce tables, deletes are marked, and each file moves to "
    "processed/ (or quarantine/ with a reason).",
)
def webhook_events(
    context: dg.AssetExecutionContext,
    config: WebhookBatchConfig,
    bigcommerce: BigCommerceResource,
    warehouse: WarehouseResource,
) -> dg.MaterializeResult:
    options, store = settings(), bigcommerce.store
    inbox = Inbox(config.webhook_dir or webhook_root(options, store))
    client = bigcommerce.client()
    try:
        report = apply_batch(
            client, warehouse.get_connection, inbox, config.files or None,
            max_bytes=options.webhook_max_bytes, batch_files=options.webhook_batch_files,
            store_hash=store.store_hash if options.stores_file else None,
        )
    finally:
        client.close()
    context.log.info(report.summary())
    return dg.MaterializeResult(metadata=_metadata(report))


def _metadata(report: ApplyReport) -> dict:
    plan = report.plan
    quarantined = "\n".join(f"* `{name}`: {reason}" for name, reason in report.quarantined.items())
    return {
        "files_applied": dg.MetadataValue.int(len(report.applied)),
        "files_quarantined": dg.MetadataValue.int(len(report.quarantined)),
        "events": dg.MetadataValue.int(plan.events),
        "duplicate_events": dg.MetadataValue.int(plan.duplicates),
        "ignored_events": dg.MetadataValue.int(sum(plan.ignored_scopes.values())),
        "records_refetched": dg.MetadataValue.json(report.refetched),
        "ids_missing_from_store": dg.MetadataValue.json({s: len(ids) for s, ids in report.missing.items()}),
        "rows_marked_deleted": dg.MetadataValue.json(report.deleted_rows),
        "api_requests": dg.MetadataValue.int(report.requests),
        "quarantine_reasons": dg.MetadataValue.md(quarantined or "none"),
    }


webhook_job = dg.define_asset_job(
    name=JOB_NAME,
    selection=[ASSET_KEY],
    executor_def=dg.in_process_executor,  # one step: a step subprocess would only add its start-up
    description="Apply a batch of webhook files from the inbox (what the webhook_inbox sensor and "
    "`bc-pipeline webhooks apply` run).",
)


def batch_run_config(webhook_dir: Path | str, files: list[str]) -> dict:
    return {"ops": {OP_NAME: {"config": {"webhook_dir": str(webhook_dir), "files": files}}}}


def _run_state(context: dg.SensorEvaluationContext) -> RunState:
    try:
        instance = context.instance
    except Exception:  # a test context built without an instance: nothing to ask
        instance = None

    def state(run_key: str) -> str | None:
        if instance is None:
            return None
        runs = instance.get_runs(filters=dg.RunsFilter(tags={BATCH_TAG: run_key}), limit=1)
        if not runs:
            return None
        if runs[0].status == dg.DagsterRunStatus.SUCCESS:
            return "succeeded"
        return "failed" if runs[0].is_finished else "active"

    return state


def _cursors(cursor: str | None) -> dict[str, str | None]:
    """Per-store batching cursors {label: cursor}; a single store's cursor is kept as batching writes it."""
    try:
        value = json.loads(cursor) if cursor else {}
    except json.JSONDecodeError:
        value = {}
    return value["stores"] if isinstance(value, dict) and isinstance(value.get("stores"), dict) else {"": cursor}


def webhook_requests(context: dg.SensorEvaluationContext, options: Settings) -> dg.SensorResult:
    """For each store with waiting files not in flight: one run request for its next batch."""
    roots = inbox_roots(options, configured_stores(options) if options.stores_file else [])
    old, cursors = _cursors(context.cursor), {}
    requests, waiting = [], 0
    for label, root in roots.items():
        files = Inbox(root.resolve()).list()
        waiting += len(files)
        batch, cursors[label] = next_batch(files, old.get(label, old.get("")), time.time(), _run_state(context),
                                           options.webhook_batch_files)
        if batch is None:
            continue
        names = [f.name for f in batch.files]
        requests.append(dg.RunRequest(
            run_key=batch.run_key,
            run_config=batch_run_config(root.resolve(), names),
            tags={BATCH_TAG: batch.run_key, "bc/trigger": "sensor", "bc/webhook_files": str(len(names)),
                  **store_tags(label)},
        ))
        context.log.info(f"store {label}: requesting {batch.run_key} for {len(names)} file(s): "
                         f"{json.dumps(names[:5])}...")
    cursor = json.dumps({"stores": cursors}) if options.stores_file else next(iter(cursors.values()))
    if not requests:
        reason = "inbox empty" if not waiting else f"{waiting} file(s) waiting, in runs already in flight"
        return dg.SensorResult(skip_reason=reason, cursor=cursor)
    return dg.SensorResult(run_requests=requests, cursor=cursor)


def build_webhook_inbox(s: Settings) -> dg.SensorDefinition:
    @dg.sensor(
        name="webhook_inbox",
        job=webhook_job,
        minimum_interval_seconds=SENSOR_INTERVAL_S,
        default_status=dg.DefaultSensorStatus.RUNNING if s.webhook_sensor_running else dg.DefaultSensorStatus.STOPPED,
        description="Watches each store's inbox under BC_WEBHOOK_DIR (listing only) and asks, per store, for one "
        "run per tick for a batch of files.",
    )
    def webhook_inbox(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        return webhook_requests(context, s)

    return webhook_inbox


@dg.definitions
def webhook_definitions() -> dg.Definitions:
    return dg.Definitions(assets=[webhook_events], jobs=[webhook_job], sensors=[build_webhook_inbox(settings())])
