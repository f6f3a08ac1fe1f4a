"""The stream table: for each listing the pipeline reads, what to ask BigCommerce for and how to page it.

Adding a stream is one entry in STREAMS. Paging styles (see paging.py):
* "keyset_v2": v2 bare arrays ordered by id, the next page asked with `min_id` (orders);
* "keyset_v3": v3 envelopes ordered by id, the next page asked with `id:min` (catalog);
* "cursor":    v3 cursor paging, `after` = the previous page's end_cursor (customers);
* "pages":     v3 page numbers, the only option the endpoint has (subscribers, addresses, attribute
               values, variants); page 1, then the last page down to 2, then page 1 again (see
               paging_styles.py);
* "single":    one request returns the whole (small) list (order statuses);
* "per_parent": a v2 sub-resource per parent id (order products), fetched with ids=.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PagingStyle = Literal["keyset_v2", "keyset_v3", "cursor", "pages", "single", "per_parent"]
IdFilter = Literal["id:in", "v2_range", "per_parent"]


@dataclass(frozen=True)
class Stream:
    name: str
    path: str
    api: Literal["v2", "v3"]
    paging: PagingStyle
    tables: tuple[str, ...]
    date_min: str | None = None          # inclusive lower bound of date_modified (None: no date filter)
    date_max: str | None = None          # inclusive upper bound of date_modified
    params: dict[str, str] = field(default_factory=dict)   # fixed params (includes, sort)
    id_filter: IdFilter | None = None    # how ids= fetches named records
    keyset_param: str | None = None      # "min_id" (v2) or "id:min" (v3) for keyset paging
    parent_filter: str | None = None     # e.g. "product_id:in" for variants
    count_path: str | None = None        # v2 listings: where the total comes from

    @property
    def dated(self) -> bool:
        return self.date_min is not None

    @property
    def parent_key(self) -> str | None:
        """The child's field naming its parent, from `parent_filter` ("product_id:in" -> "product_id")."""
        return self.parent_filter.removesuffix(":in") if self.parent_filter else None


_V3_DATES = {"date_min": "date_modified:min", "date_max": "date_modified:max"}
_V2_DATES = {"date_min": "min_date_modified", "date_max": "max_date_modified"}

STREAMS: dict[str, Stream] = {
    s.name: s
    for s in (
        Stream("customers", "/v3/customers", "v3", "cursor", ("customers", "customer_addresses"),
               params={"include": "addresses,formfields,attributes,storecredit"}, id_filter="id:in",
               **_V3_DATES),
        Stream("customer_addresses", "/v3/customers/addresses", "v3", "pages", ("customer_addresses",),
               params={"include": "formfields"}, id_filter="id:in", parent_filter="customer_id:in"),
        Stream("customer_attribute_values", "/v3/customers/attribute-values", "v3", "pages", (),
               id_filter=None, parent_filter="customer_id:in", **_V3_DATES),
        Stream("customer_attributes", "/v3/customers/attributes", "v3", "pages", ("customer_attributes",),
               id_filter=None),
        Stream("subscribers", "/v3/customers/subscribers", "v3", "pages", ("subscribers",),
               id_filter="id:in", **_V3_DATES),
        Stream("orders", "/v2/orders", "v2", "keyset_v2",
               ("orders", "order_line_items", "order_shipping_addresses"),
               params={"include": "consignments.line_items", "consignment_structure": "object",
                       "sort": "id:asc"},
               id_filter="v2_range", keyset_param="min_id", count_path="/v2/orders/count", **_V2_DATES),
        Stream("order_products", "/v2/orders/{id}/products", "v2", "per_parent", ("order_line_items",),
               id_filter="per_parent"),
        Stream("order_statuses", "/v2/order_statuses", "v2", "single", ("order_statuses",)),
        Stream("products", "/v3/catalog/products", "v3", "keyset_v3", ("products", "variants"),
               # Not `options`: BigCommerce serves 10 products per page with it (see docs/architecture.md).
               params={"include": "variants,custom_fields,images", "sort": "id", "direction": "asc"},
               id_filter="id:in", keyset_param="id:min", **_V3_DATES),
        Stream("variants", "/v3/catalog/variants", "v3", "pages", ("variants",),
               parent_filter="product_id:in"),
        Stream("categories", "/v3/catalog/categories", "v3", "keyset_v3", ("categories",),
               params={"sort": "id", "direction": "asc"}, id_filter="id:in", keyset_param="id:min"),
        Stream("brands", "/v3/catalog/brands", "v3", "keyset_v3", ("brands",),
               params={"sort": "id", "direction": "asc"}, id_filter="id:in", keyset_param="id:min"),
    )
}
