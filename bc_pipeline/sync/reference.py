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

from collections.abc import Callable
from datetime import datetime, timedelta

from bc_pipeline.bigcommerce.shards import packed_batches
from bc_pipeline.streams import full_listings, stream
from bc_pipeline.sync.engine import Connect, StreamPlan
from bc_pipeline.warehouse import reads, state

FULL_VARIANTS_EVERY = timedelta(hours=24)
# What the variants stream's report says when it asks for nothing (runs.py adds the rows the products brought)
NOT_DUE = "no request: the daily full listing is not due, and changed products bring their variants"
FIRST_SYNC = "no request: on a first sync the products stream brings every variant"


def variants_due(connect: Connect, now: datetime) -> bool:
    """Whether the full variant listing is due: none succeeded in the last FULL_VARIANTS_EVERY."""
    with connect() as conn:
        last_full = state.last_success_at(conn, state.FULL_VARIANTS_KEY)
    return last_full is None or now - last_full >= FULL_VARIANTS_EVERY


def _full_listing(connect: Connect) -> StreamPlan:
    """The full variant listing: by batches of the warehouse's products when it has any, else every page."""
    with connect() as conn:
        counts = reads.variant_counts(conn)
    batches = tuple(tuple(b) for b in packed_batches(counts)) if counts else None
    return StreamPlan("variants", authoritative=True, state_key=state.FULL_VARIANTS_KEY, parent_batches=batches)


def reference_plans(connect: Connect, streams: list[str], now: datetime, *,
                    with_parents: bool) -> tuple[list[StreamPlan], Callable[[], StreamPlan] | None]:
    """The plans of the selected reference streams that run beside the dated streams, and how to plan the
    variants once those have run (None when variants are not selected).

    Variants come after the products stream: a due full listing is planned by the products the warehouse
    then holds (once they have landed) and marks deleted the variants of its products
    it did not return, so the products stream must not be writing variants meanwhile; and between full
    listings the variants stream asks for nothing, the products stream having brought the variants of every
    product that changed, so it succeeds only when that stream did (sync/runs.py).

    `with_parents`: the products stream runs in the same step. With no live product in the warehouse yet (a
    first sync), a due full listing would then re-read exactly the variants the products stream brings
    (it lists with include=variants, every variant of every product it lists) and could mark nothing
    deleted: it is recorded as done without a request."""
    plans = [StreamPlan(s.name, authoritative=s.marks_deletes) for s in full_listings() if s.name in streams]
    if not any(stream(s).by_parent for s in streams):  # variants, the one stream listed by its parents' rows
        return plans, None
    if not variants_due(connect, now):  # nothing to ask for; it still records its success
        return plans, lambda: StreamPlan("variants", ids=(), note=NOT_DUE)
    if with_parents:
        with connect() as conn:
            rows, deleted = reads.row_counts(conn, "products")
        if rows == deleted:  # no live product
            return plans, lambda: StreamPlan("variants", ids=(), state_key=state.FULL_VARIANTS_KEY, note=FIRST_SYNC)
    return plans, lambda: _full_listing(connect)  # by the products that have landed by then
