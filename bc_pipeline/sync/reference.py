"""The undated streams (the registry's Role.REFERENCE): categories, brands, order statuses and customer
attribute definitions (small: listed in full every run) and variants (listed by the products' rows).

Variants carry no dates and a variant-only change does not move its product's `date_modified` (a defect
every peer connector inherits), so no listing can ask for "variants changed since". bc_pipeline catches
variant changes three ways: (1) the products stream lists with `include=variants`, so every product a run
sees change brings its variants re-read in the same response (no extra request); (2) `store/sku/*` webhooks
fetch the named variants within a minute; (3) a full variant listing runs when none ran in the last
FULL_VARIANTS_EVERY (and on the first sync), which also marks variants the store no longer has as deleted.
Between full listings the variants asset makes no request at all.

The full listing is by product, not by page number over the whole set: /v3/catalog/variants has no id:min,
sort or date filter, so its pages would have to be read one after another (page 1, then the last page down,
see paging_styles.py), 720 round trips at 180k variants. Instead the products the warehouse holds (live
ones, plus any a live variant names) are packed in id order into batches whose known variant counts fill
one page (shards.packed_batches), and each batch is its own small `product_id:in` listing; batches run
concurrently within the quota, about ceil(variants / 250) requests in all. The listing is authoritative for
the variants of the products it listed: variants of those products it did not return are marked deleted,
others are left alone. Products created after the plan was read are not listed; their variants came (or
come) with the products stream, which lists with include=variants. With no product in the warehouse yet
(the variants asset materialized alone), the listing is the plain one over every page.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.shards import packed_batches
from bc_pipeline.streams import full_listings, stream
from bc_pipeline.sync.engine import Connect, Progress, StreamPlan, run_plans
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse import reads, state

FULL_VARIANTS_EVERY = timedelta(hours=24)



def plan_variants(connect: Connect, now: datetime) -> StreamPlan:
    """A full listing when the last is older than FULL_VARIANTS_EVERY (by batches of the warehouse's products
    when it has any); otherwise nothing to ask for."""
    with connect() as conn:
        last_full = state.last_success_at(conn, "variants_full")
        if last_full is not None and now - last_full < FULL_VARIANTS_EVERY:
            return StreamPlan("variants", ids=())
        counts = reads.variant_counts(conn)
    batches = tuple(tuple(b) for b in packed_batches(counts)) if counts else None
    return StreamPlan("variants", authoritative=True, state_key="variants_full", parent_batches=batches)


def sync_reference_streams(
    client: BigCommerceClient, connect: Connect, streams: list[str], *, progress: Progress | None = None
) -> dict[str, StreamReport]:
    with state.errors_recorded(connect, streams):
        now = client.store_time()
    plans = [StreamPlan(s.name, authoritative=s.marks_deletes) for s in full_listings() if s.name in streams]
    if any(stream(s).by_parent for s in streams):  # variants, the one stream listed by its parents' rows
        plans.append(plan_variants(connect, now))
    return run_plans(client, connect, plans, progress=progress)
