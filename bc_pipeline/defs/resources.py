"""Dagster resources: the BigCommerce API and the DuckDB warehouse, thin wrappers over plain code.

The access token reaches the resource only through `EnvVar("BC_ACCESS_TOKEN")`, so the UI, the run config
and the event log show the variable's name, never its value.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from pydantic import PrivateAttr

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.defs.settings import settings
from bc_pipeline.warehouse import changes
from bc_pipeline.warehouse.connect import writer_connection
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.store import StoreIdentity


class BigCommerceResource(dg.ConfigurableResource):
    """A BigCommerce store's REST API (or the local emulator, when BC_API_URL points at it)."""

    store_hash: str
    access_token: str
    api_url: str = "https://api.bigcommerce.com"
    max_workers: int = 8
    timeout_s: float = 30.0  # read timeout per request (the connect timeout is at most 5 s)

    def client(self) -> BigCommerceClient:
        return BigCommerceClient(self.api_url, self.store_hash, self.access_token, max_workers=self.max_workers,
                                 timeout=(min(5.0, self.timeout_s), self.timeout_s))


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file (BC_DUCKDB_PATH), attached as catalog `warehouse` (see warehouse/connect.py), for the
    store it holds. Connecting refuses a file that holds another store (warehouse/store.py), creates the
    folder and the contracted tables, labels the change feed's rows with the run's id and prunes the feed past
    its retention (BC_CHANGES_RETENTION_DAYS)."""

    database: str
    store_hash: str
    api_url: str
    changes_retention_days: int = 30
    _run_id: str | None = PrivateAttr(default=None)

    def store(self) -> StoreIdentity:
        return StoreIdentity.of(self.store_hash, self.api_url)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_id = context.run.run_id if context.run is not None else None

    @contextmanager
    def get_connection(self) -> Iterator[Connection]:
        with writer_connection(self.database, self.store()) as conn:
            changes.set_run_id(conn, self._run_id)
            changes.prune(conn, self.changes_retention_days)
            yield conn


@dg.definitions
def resources() -> dg.Definitions:
    s = settings()
    return dg.Definitions(
        resources={
            "bigcommerce": BigCommerceResource(
                store_hash=s.store_hash or dg.EnvVar("BC_STORE_HASH"),
                access_token=dg.EnvVar("BC_ACCESS_TOKEN"),
                api_url=s.api_url,
            ),
            "warehouse": WarehouseResource(
                database=str(s.duckdb_path), store_hash=s.store_hash or dg.EnvVar("BC_STORE_HASH"),
                api_url=s.api_url, changes_retention_days=s.changes_retention_days,
            ),
        }
    )
