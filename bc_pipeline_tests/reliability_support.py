"""Helpers for the reliability tests: raw-asset runs with a chosen client (timeout, workers), the sync state,
the store's truth, step failure messages, and a trigger that turns the emulator's faults on mid-run.

The emulator stays the real server over HTTP; `faults_after` only flips its own fault knobs (the same fields
EmulatorConfig documents) at the moment the request log records a matching answer, so a test can let some
pages through and then make the API go down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import dagster as dg

from bc_emulator import Emulator
from bc_emulator.request_log import RequestLogEntry
from bc_pipeline.defs.partitions import store_label
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync_harness import (
    RAW_ASSETS,
    resources_for,
    store_instance,
    table_fingerprint,
    window_run_config,
)

# Warehouse table -> emulator resource holding its truth.
TABLE_TRUTH = {
    "customers": "customers",
    "customer_addresses": "customer_addresses",
    "subscribers": "subscribers",
    "orders": "orders",
    "order_line_items": "order_products",
    "order_shipping_addresses": "order_shipping_addresses",
    "products": "products",
    "variants": "variants",
    "categories": "categories",
    "brands": "brands",
    "order_statuses": "order_statuses",
}


def resources(emu: Emulator, db_path: Path, *, token: str | None = None, timeout_s: float = 30.0,
              max_workers: int = 4) -> dict:
    return resources_for(emu, db_path, token=token, max_workers=max_workers, timeout_s=timeout_s)


def sync_raw(emu: Emulator, db_path: Path, *, window: str = "incremental", selection: Iterable[str] | None = None,
             instance: dg.DagsterInstance | None = None, raise_on_error: bool = True,
             **resource_kw) -> dg.ExecuteInProcessResult:
    """One run of the raw assets (all, or the named raw tables) on the store's partition."""
    return dg.materialize(
        RAW_ASSETS,
        selection=[dg.AssetKey(["bigcommerce", t]) for t in selection] if selection else None,
        resources=resources(emu, db_path, **resource_kw),
        partition_key=store_label(emu.store_hash),
        instance=store_instance(emu, instance),
        run_config=window_run_config(window),
        raise_on_error=raise_on_error,
    )


def fingerprint(db_path: Path, table: str, api_url: str) -> list[tuple]:
    """table_fingerprint with the store's own base URL (the emulator's port, inside resource links such as
    shipping_quotes) replaced by a placeholder, so two emulators of one seed compare equal."""
    return [tuple(v.replace(api_url, "<api>") if isinstance(v, str) else v for v in row)
            for row in table_fingerprint(db_path, table)]


def truth_ids(emu: Emulator, resource: str) -> list[int]:
    return sorted(int(r["id"]) for r in emu.store.records(resource))


def sync_state(db_path: Path) -> dict[str, tuple]:
    """stream -> (high_water_mark, last_success_at) as stored, for the streams that ever succeeded (a stream
    whose every run failed has a row with its last error only)."""
    with warehouse_connection(db_path, read_only=True) as conn:
        rows = conn.execute(
            "SELECT stream, high_water_mark, last_success_at FROM bigcommerce._sync_state ORDER BY stream"
        ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows if r[1:] != (None, None)}


def last_errors(db_path: Path) -> dict[str, str | None]:
    with warehouse_connection(db_path, read_only=True) as conn:
        rows = conn.execute("SELECT stream, last_error FROM bigcommerce._sync_state").fetchall()
    return dict(rows)


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """The innermost error message of every failed step (what the user is told: the CLI prints this line)."""
    messages = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            messages.append(error.message.strip())
    return messages


def faults_after(emu: Emulator, matches: Callable[[RequestLogEntry], bool], *, rate: float = 1.0,
                 kinds: tuple[str, ...] = ("503",)) -> Callable[[], int]:
    """From the first logged answer that `matches` on, the emulator answers `rate` of requests with `kinds`.

    Returns a function telling how many answers were logged before the switch (0 until it happened)."""
    sink = emu._request_log_sink
    original = sink.add
    seen = {"count": 0, "switched_at": 0}

    def add(entry: RequestLogEntry) -> None:
        original(entry)
        seen["count"] += 1
        if not seen["switched_at"] and matches(entry):
            emu.config.fault_kinds = kinds
            emu.config.fault_rate = rate
            seen["switched_at"] = seen["count"]

    sink.add = add  # type: ignore[method-assign]
    return lambda: seen["switched_at"]
