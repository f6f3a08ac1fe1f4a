"""`bc-pipeline webhooks apply`: run the sensor's job in this process, batch after batch, until the inbox is
empty, on the instance in DAGSTER_HOME (the runs show in the UI's history like the sensor's)."""

from __future__ import annotations

from collections.abc import Callable

import click
import dagster as dg

from bc_pipeline.cli.environment import dagster_instance
from bc_pipeline.cli.interrupts import Interrupted
from bc_pipeline.cli.location_run import execute_in_location
from bc_pipeline.cli.stale_runs import failure_reason, process_tags, release_dead_runs, was_interrupted
from bc_pipeline.config import Settings
from bc_pipeline.stores import STORE_TAG, Store
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.routing import webhook_root


def _value(metadata: dict, key: str, default: object = 0) -> object:
    entry = metadata.get(key)
    return getattr(entry, "value", default) if entry is not None else default


def _console(verbose: bool) -> dict:
    """Dagster's console log: DEBUG with --verbose; else CRITICAL, as for `sync` (a failed step would print
    its tracebacks; the CLI prints the one-line reason itself, the full log stays on the instance)."""
    return {"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "CRITICAL"}}}}


def apply_inbox(options: Settings, store: Store, echo: Callable[[str], None] = lambda line: None,
                instance: dg.DagsterInstance | None = None, verbose: bool = False) -> str:
    """Apply every file waiting in the store's inbox; returns a one-line total. Raises ClickException when a
    run fails."""
    from bc_pipeline.definitions import defs
    from bc_pipeline.defs.resources import stores_run_config
    from bc_pipeline.defs.webhooks import JOB_NAME, OP_NAME, batch_run_config

    job = defs().resolve_job_def(JOB_NAME)
    instance = instance or dagster_instance()
    release_dead_runs(instance)
    root = webhook_root(options, store).resolve()
    inbox = Inbox(root)
    totals = {"runs": 0, "files_applied": 0, "files_quarantined": 0, "events": 0, "api_requests": 0}
    while True:
        names = [f.name for f in inbox.list(limit=options.webhook_batch_files)]
        if not names:
            break
        result = execute_in_location(
            job, instance, run_config={**batch_run_config(root, names), **_console(verbose), **stores_run_config([store])},
            tags={"bc/trigger": "cli", "bc/webhook_files": str(len(names)), STORE_TAG: store.label, **process_tags()},
        )
        if not result.success and was_interrupted(result):
            raise Interrupted()
        if not result.success:
            reason = failure_reason(result).replace(f"store {store.label}: ", "")
            raise click.ClickException(f"webhook run {result.run_id} failed; its files stay in the inbox: {reason}")
        metadata = result.asset_materializations_for_node(OP_NAME)[-1].metadata
        totals["runs"] += 1
        for key in totals.keys() - {"runs"}:
            totals[key] += int(_value(metadata, key))
        echo(f"run {result.run_id[:8]}: {_value(metadata, 'files_applied')} applied, "
             f"{_value(metadata, 'files_quarantined')} quarantined, {_value(metadata, 'events')} events, "
             f"{_value(metadata, 'api_requests')} API requests")
        if set(names) & {f.name for f in inbox.list()}:
            break  # a file did not leave the inbox (it cannot happen after a successful run): do not loop
    return (f"{totals['runs']} run(s): {totals['files_applied']} files applied, {totals['files_quarantined']} "
            f"quarantined, {totals['events']} events, {totals['api_requests']} API requests")
