"""The stream registry: every stream the pipeline reads is ONE entry here, and every other list of streams or
tables is derived from these entries (the functions at the end), never written by hand.

A `Stream` says what the stream is to each part of the pipeline:
* `listing`: what to ask the API for and how to page it (bigcommerce/listing.py: path, includes, date
  filters, the paging style and the id lookup as objects); None for a stream fetched one record at a time;
* `flatten`: its records -> rows per table (warehouse/rows.py); `tables`: the raw tables it owns (their
  Dagster assets are materialized by its step; the first is its own table, where its ids live);
  `also_feeds`: tables it writes rows into whose asset another stream owns (products carry their variants);
* `completion`: how capped embedded lists are completed before flattening (completion/), or None;
* `role`: DATED (incremental by date_modified: each in its window, high-water marks), REFERENCE (undated:
  listed in full each run, or by the rows of `by_parent`), BY_ID (webhooks only);
  `marks_deletes`: its full listing is authoritative (rows it did not return are marked deleted);
  `reconcile`: the id-only listing's parameters for the daily delete reconciliation (None: not reconciled);
* `probe`: what `bc-pipeline check` asks, when not every listing the stream reads (the default).

Adding a stream: its entry here, its flattener (warehouse/rows.py; `plain(table)` for a flat record) and its
tables' columns (warehouse/columns_*.py). The Dagster assets, checks, reconciliation, `check`, completion and
the webhooks' deletes follow from the entry (bc_pipeline_tests/streams/test_stream_registry.py walks it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bc_pipeline.bigcommerce.listing import V2_DATES, V3_DATES, Listing
from bc_pipeline.bigcommerce.paging_ids import EachParent, IdIn, IdRanges
from bc_pipeline.bigcommerce.paging_styles import (
    Cursor,
    KeysetV2,
    KeysetV3,
    PageNumbers,
    PerParent,
    WholeList,
)
from bc_pipeline.bigcommerce.scopes import STORE_PROBE, WEBHOOKS_PROBE, Probe
from bc_pipeline.completion.base import Completion
from bc_pipeline.completion.customers import CustomerLists
from bc_pipeline.completion.orders import OrderLineItems
from bc_pipeline.warehouse.rows import Flatten, Row, order_rows, plain, with_children
from bc_pipeline.warehouse.rows_carts import cart_rows


class Role(Enum):
    DATED = "dated"          # incremental by date_modified, in the sync step (defs/raw_assets.py)
    REFERENCE = "reference"  # undated, listed whole in the same step (sync/reference.py)
    BY_ID = "by_id"          # fetched by id only (webhooks)


@dataclass(frozen=True)
class Stream:
    name: str
    role: Role
    tables: tuple[str, ...]
    flatten: Flatten
    listing: Listing | None = None
    also_feeds: tuple[str, ...] = ()
    completion: Completion | None = None
    marks_deletes: bool = False
    by_parent: str | None = None
    reconcile: dict[str, str] | None = None
    probe: Probe | None = None

    @property
    def table(self) -> str:
        """Its own table: where its records' ids live (deletes are marked there)."""
        return self.tables[0]

    @property
    def feeds(self) -> tuple[str, ...]:
        """Every table its rows go to."""
        return self.tables + self.also_feeds

    def listings(self) -> tuple[Listing, ...]:
        """Every listing it reads: its own and its completion's."""
        own = (self.listing,) if self.listing else ()
        return own + (self.completion.listings() if self.completion else ())

    def probes(self) -> tuple[Probe, ...]:
        """What `check` asks for this stream: its probe, or each listing it reads (a per-parent path has no
        listing to ask: its parent's probe covers its scope)."""
        if self.probe:
            return (self.probe,)
        return tuple(Probe(lst.name.replace("_", " "), lst.path) for lst in self.listings() if "{" not in lst.path)


_ID_ORDER = {"sort": "id", "direction": "asc"}

STREAMS: dict[str, Stream] = {s.name: s for s in (
    Stream("customers", Role.DATED, ("customers", "customer_addresses"),
           with_children("customers", "addresses", "customer_addresses", "customer_id"),
           Listing("customers", "/v3/customers", Cursor(), by_ids=IdIn(), **V3_DATES,
                   params={"include": "addresses,formfields,attributes,storecredit"}),
           completion=CustomerLists(
               addresses=Listing("customer_addresses", "/v3/customers/addresses", PageNumbers(), by_ids=IdIn(),
                                 params={"include": "formfields"}, parent_filter="customer_id:in"),
               attributes=Listing("customer_attribute_values", "/v3/customers/attribute-values", PageNumbers(),
                                  parent_filter="customer_id:in", **V3_DATES)),
           reconcile={}),  # /v3/customers has no include_fields; without includes its records are small
    Stream("customer_attributes", Role.REFERENCE, ("customer_attributes",), plain("customer_attributes"),
           Listing("customer_attributes", "/v3/customers/attributes", PageNumbers()), marks_deletes=True),
    Stream("subscribers", Role.DATED, ("subscribers",), plain("subscribers"),
           Listing("subscribers", "/v3/customers/subscribers", PageNumbers(), by_ids=IdIn(), **V3_DATES)),
    Stream("orders", Role.DATED, ("orders", "order_line_items", "order_shipping_addresses"), order_rows,
           Listing("orders", "/v2/orders", KeysetV2(), by_ids=IdRanges(), count_path="/v2/orders/count",
                   params={"include": "consignments.line_items", "consignment_structure": "object",
                           "sort": "id:asc"}, **V2_DATES),
           completion=OrderLineItems(
               Listing("order_products", "/v2/orders/{id}/products", PerParent(), by_ids=EachParent()))),
    Stream("order_statuses", Role.REFERENCE, ("order_statuses",), plain("order_statuses"),
           Listing("order_statuses", "/v2/order_statuses", WholeList())),
    Stream("products", Role.DATED, ("products",), with_children("products", "variants", "variants", "product_id"),
           # Not `options`: BigCommerce serves 10 products per page with it (see docs/architecture.md).
           Listing("products", "/v3/catalog/products", KeysetV3(), by_ids=IdIn(), **V3_DATES,
                   params={"include": "variants,custom_fields,images", **_ID_ORDER}),
           also_feeds=("variants",), reconcile={"include_fields": "id"}),
    Stream("variants", Role.REFERENCE, ("variants",), plain("variants"),
           Listing("variants", "/v3/catalog/variants", PageNumbers(), parent_filter="product_id:in"),
           marks_deletes=True, by_parent="products", reconcile={"include_fields": "id,product_id"}),
    Stream("categories", Role.REFERENCE, ("categories",), plain("categories"),
           Listing("categories", "/v3/catalog/categories", KeysetV3(), by_ids=IdIn(), params=_ID_ORDER),
           marks_deletes=True, reconcile={"include_fields": "id"}),
    Stream("brands", Role.REFERENCE, ("brands",), plain("brands"),
           Listing("brands", "/v3/catalog/brands", KeysetV3(), by_ids=IdIn(), params=_ID_ORDER),
           marks_deletes=True, reconcile={"include_fields": "id"}),
    # Carts are read one by one (GET /v3/carts/{id}, webhooks/carts.py): a cart no store has answers 404 to a
    # token that may read carts, 403 to one that may not.
    Stream("carts", Role.BY_ID, ("abandoned_carts", "abandoned_cart_items"), cart_rows,
           probe=Probe("abandoned carts", "/v3/carts/00000000-0000-4000-8000-000000000000", listing=False,
                       readable_when_missing=True)),
)}


def stream(name: str) -> Stream:
    """The stream called name (KeyError names the known streams otherwise)."""
    try:
        return STREAMS[name]
    except KeyError:
        raise KeyError(f"unknown stream {name!r}; known: {', '.join(STREAMS)}") from None


def rows_for(name: str, records: Iterable[dict]) -> dict[str, list[Row]]:
    """One stream's API records as rows per warehouse table, the records left as they were (a flattener turns
    the records it is given into its rows: the sync hands it the ones it parsed, which nothing else holds)."""
    return stream(name).flatten(copy.deepcopy(list(records)))


def with_role(role: Role) -> list[Stream]:
    return [s for s in STREAMS.values() if s.role is role]


def raw_stream_names() -> list[str]:
    """The streams the sync step runs: the dated ones, then the reference ones."""
    return [s.name for s in (*with_role(Role.DATED), *with_role(Role.REFERENCE))]


def full_listings() -> list[Stream]:
    """Reference streams listed in full every run (the others are listed by their parents' rows)."""
    return [s for s in with_role(Role.REFERENCE) if s.by_parent is None]


def reconciled() -> list[Stream]:
    """Streams whose deletes the daily reconciliation finds by listing ids only."""
    return [s for s in STREAMS.values() if s.reconcile is not None]


def marked_tables() -> tuple[str, ...]:
    """Tables whose rows carry the date_modified their stream's high-water mark is about."""
    return tuple(s.table for s in with_role(Role.DATED))


def listings() -> dict[str, Listing]:
    """Every listing the pipeline reads, by name (streams' own and their completions')."""
    return {lst.name: lst for s in STREAMS.values() for lst in s.listings()}


def probes() -> list[Probe]:
    """What `bc-pipeline check` asks, in order: the store, every stream's listings, webhooks."""
    return [STORE_PROBE, *(p for s in STREAMS.values() for p in s.probes()), WEBHOOKS_PROBE]


def stream_table() -> str:
    """The registry as the Markdown table docs/architecture.md shows (a test keeps the two equal)."""
    lines = ["| stream | role | listing | completion | tables (asset) | also feeds | reconciled |",
             "|---|---|---|---|---|---|---|"]
    for s in STREAMS.values():
        lst = s.listing
        include = lst.params.get("include") if lst else None
        listing = (f"`{lst.path}`{f' include={include}' if include else ''}, {type(lst.paging).__name__}"
                   if lst else f"by id (`check`: {s.probe.resource})" if s.probe else "")
        completion = ", ".join(f"`{c.path}`" for c in s.completion.listings()) if s.completion else ""
        lines.append(f"| {s.name} | {s.role.value} | {listing} | {completion} | {', '.join(s.tables)} | "
                     f"{', '.join(s.also_feeds)} | {'yes' if s.reconcile is not None else ''} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m bc_pipeline.streams: the table to paste into docs/architecture.md
    print(stream_table())
