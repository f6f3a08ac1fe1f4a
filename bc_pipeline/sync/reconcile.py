"""Reconciliation: deletes that no listing shows, confirmed by listing only ids.

BigCommerce removes deleted customers, products, variants, categories and brands from every listing, so an
incremental sync never sees them go (webhooks tell, when they are registered and delivered). This lists
the ids the store still has, as cheaply as the API allows (no includes; `include_fields=id` where the
endpoint supports it), and marks the rows whose ids are gone with `_deleted_at` (children too: a deleted
customer's addresses, a deleted product's variants). Rows are never removed. Archived orders need no
reconciliation: they stay listed with `is_deleted: true`, which the merge turns into `_deleted_at`.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.streams import STREAMS
from bc_pipeline.sync.engine import Connect
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse.deletes import mark_gone

# stream -> the id-only parameters its endpoint supports
ID_LISTINGS: dict[str, dict[str, str]] = {
    "customers": {},  # /v3/customers has no include_fields; without includes its records are small
    "products": {"include_fields": "id"},
    "variants": {"include_fields": "id,product_id"},
    "categories": {"include_fields": "id"},
    "brands": {"include_fields": "id"},
}


def _id_stream(name: str):
    stream = STREAMS[name]
    fixed = {k: v for k, v in stream.params.items() if k != "include"}
    return dataclasses.replace(stream, params=fixed)


def reconcile(client: BigCommerceClient, connect: Connect, streams: list[str], at: datetime) -> dict[str, StreamReport]:
    """List the ids of each stream; mark rows of its table whose ids the store no longer has."""
    reports: dict[str, StreamReport] = {}
    for name in streams:
        report = StreamReport(f"{name}_ids", started=time.monotonic())
        before = client.stats.snapshot()["requests"]
        seen: set[int] = set()
        for page in fetch_pages(client, _id_stream(name), params=ID_LISTINGS[name]):
            seen.update(int(r["id"]) for r in page.records)
            report.pages += 1
            report.records += len(page.records)
        with connect() as conn:
            gone, report.deleted = mark_gone(conn, STREAMS[name].tables[0], seen, at)
        report.requests = int(client.stats.snapshot()["requests"] - before)
        report.missing_ids = gone
        report.seconds = time.monotonic() - report.started
        reports[name] = report
    return reports
