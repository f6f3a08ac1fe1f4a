"""Reconciliation: deletes that no listing shows, confirmed by listing only ids.

BigCommerce removes deleted customers, products, variants, categories and brands from every listing, so an
incremental sync never sees them go (webhooks tell, when they are registered and delivered). This lists
the ids the store still has, as cheaply as the API allows (no includes; `include_fields=id` where the
endpoint supports it), asks once more by id for the rows it did not list (a dated listing ends at the
store's clock when it started, so a record modified since is missing from it but not gone), and marks the
rows whose ids are gone with `_deleted_at` (children too: a deleted customer's addresses, a deleted
product's variants). Rows are never removed. Archived orders need no
reconciliation: they stay listed with `is_deleted: true`, which the merge turns into `_deleted_at`.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.streams import Stream, reconciled
from bc_pipeline.sync.engine import Connect
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse.deletes import mark_gone, unseen


def _id_listing(stream: Stream):
    """The stream's listing without its includes (the id-only parameters are the entry's `reconcile`)."""
    fixed = {k: v for k, v in stream.listing.params.items() if k != "include"}
    return dataclasses.replace(stream.listing, params=fixed)


def reconcile(client: BigCommerceClient, connect: Connect, at: datetime) -> dict[str, StreamReport]:
    """List the ids of each reconciled stream; mark rows of its table whose ids the store no longer has."""
    reports: dict[str, StreamReport] = {}
    for stream in reconciled():
        name = stream.name
        report = StreamReport(f"{name}_ids", started=time.monotonic())
        before = client.stats.snapshot()["requests"]
        seen: set[int] = set()
        listing = _id_listing(stream)
        for page in fetch_pages(client, listing, params=stream.reconcile):
            seen.update(int(r["id"]) for r in page.records)
            report.pages += 1
            report.records += len(page.records)
        if listing.dated and listing.by_ids is not None:
            # A dated listing ends at the store's clock when it started: a record modified since is not in
            # it, yet still there. Ask for the unlisted ids by id (no date filter) before judging them gone.
            with connect() as conn:
                unlisted = unseen(conn, stream.table, seen)
            if unlisted:
                for page in fetch_pages(client, listing, ids=unlisted, params=stream.reconcile):
                    seen.update(int(r["id"]) for r in page.records)
        with connect() as conn:
            gone, report.deleted = mark_gone(conn, stream.table, seen, at)
        report.requests = int(client.stats.snapshot()["requests"] - before)
        report.missing_ids = gone
        report.seconds = time.monotonic() - report.started
        reports[name] = report
    return reports
