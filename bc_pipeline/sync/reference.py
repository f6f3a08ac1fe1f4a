"""The undated streams: categories, brands and order statuses (small: listed in full every run) and
variants.

Variants carry no dates and a variant-only change does not move its product's `date_modified` (a defect
every peer connector inherits), so no listing can ask for "variants changed since". bc_pipeline catches
variant changes three ways: (1) the products stream lists with `include=variants`, so every product a run
sees change brings its variants re-read in the same response (no extra request); (2) `store/sku/*` webhooks
fetch the named variants within a minute; (3) a full variant listing runs when none ran in the last
FULL_VARIANTS_EVERY (and on the first sync), which also marks variants the store no longer has as deleted.
Between full listings the variants asset makes no request at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.sync.engine import Connect, Progress, StreamPlan, run_plans
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse import state

FULL_VARIANTS_EVERY = timedelta(hours=24)
FULL_LISTINGS = ("categories", "brands", "order_statuses", "customer_attributes")


def plan_variants(connect: Connect, now: datetime) -> StreamPlan:
    """A full listing when the last is older than FULL_VARIANTS_EVERY; otherwise nothing to ask for."""
    with connect() as conn:
        last_full = state.last_success_at(conn, "variants_full")
    if last_full is None or now - last_full >= FULL_VARIANTS_EVERY:
        return StreamPlan("variants", authoritative=True, state_key="variants_full")
    return StreamPlan("variants", ids=())


def sync_reference_streams(
    client: BigCommerceClient, connect: Connect, streams: list[str], *, progress: Progress | None = None
) -> dict[str, StreamReport]:
    now = client.store_time()
    plans = [StreamPlan(s, authoritative=s != "order_statuses") for s in streams if s in FULL_LISTINGS]
    if "variants" in streams:
        plans.append(plan_variants(connect, now))
    return run_plans(client, connect, plans, progress=progress)
