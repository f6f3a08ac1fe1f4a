"""What to ask BigCommerce for to read one listing, and how to page it: `Listing`.

A listing is the API half of a stream (the registry, bc_pipeline/streams.py, pairs it with its tables and
flattener). Its paging style is an object (paging_styles.py), one class per style, and so is the way it
fetches named records (paging_ids.py):
* KeysetV2:    v2 bare arrays ordered by id, the next page asked with `min_id` (orders);
* KeysetV3:    v3 envelopes ordered by id, the next page asked with `id:min` (catalog);
* Cursor:      v3 cursor paging, `after` = the previous page's end_cursor (customers);
* PageNumbers: v3 page numbers, the only option the endpoint has (subscribers, addresses, attribute
               values, variants); page 1, then the last page down to 2, then page 1 again;
* WholeList:   one request returns the whole (small) list (order statuses);
* PerParent:   a v2 sub-resource per parent id (order products), fetched with ids=.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bc_pipeline.bigcommerce.paging_ids import IdLookup
    from bc_pipeline.bigcommerce.paging_styles import Paging


@dataclass(frozen=True)
class Listing:
    name: str                            # names its pages (Page.stream) and its check line
    path: str
    paging: Paging
    date_min: str | None = None          # inclusive lower bound of date_modified (None: no date filter)
    date_max: str | None = None          # inclusive upper bound of date_modified
    params: dict[str, str] = field(default_factory=dict)   # fixed params (includes, sort)
    by_ids: IdLookup | None = None       # how ids= fetches named records (None: it cannot)
    parent_filter: str | None = None     # e.g. "product_id:in" for variants
    count_path: str | None = None        # v2 listings: where the total comes from

    @property
    def dated(self) -> bool:
        return self.date_min is not None

    @property
    def parent_key(self) -> str | None:
        """The child's field naming its parent, from `parent_filter` ("product_id:in" -> "product_id")."""
        return self.parent_filter.removesuffix(":in") if self.parent_filter else None


V3_DATES = {"date_min": "date_modified:min", "date_max": "date_modified:max"}
V2_DATES = {"date_min": "min_date_modified", "date_max": "max_date_modified"}
