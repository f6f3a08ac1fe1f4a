"""What the listing, id-fetching, scope-check and completion code needs of a client: `ApiClient`.

A Protocol rather than `BigCommerceClient` itself because client.py imports scopes.py (a path's scope names
the grant in a 403), so scopes.py and the paging modules cannot import the client back. `BigCommerceClient`
satisfies it; so would any stand-in that answers the same calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from bc_pipeline.bigcommerce.ratelimit import QuotaGate
from bc_pipeline.bigcommerce.stats import RequestStats
from bc_pipeline.bigcommerce.store_clock import StoreClock


class ApiClient(Protocol):
    max_workers: int
    gate: QuotaGate
    clock: StoreClock
    stats: RequestStats

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any | None: ...

    def store_time(self) -> datetime: ...
