"""Dagster resources: the stores a run may work on, the BigCommerce API and the DuckDB warehouse, thin
wrappers over plain code. Nothing here is fixed when the definitions load: each run resolves its store at
execution, in the run worker.

* `StoresResource` holds the stores as resource configuration. Empty (the definitions' default), the run
  worker reads its own settings once: the stores of BC_STORES_FILE, else the one store of the BC_*
  variables. `bc-pipeline sync` passes the stores it validated (the embedded emulator's among them) in the
  run config instead of rewriting the environment.
* The run's store is its partition key (a store label); an unpartitioned run (webhooks) names it in the
  `bc/store` tag; with a single store configured, that store. A label the stores do not know fails the run
  with one line naming the known labels.
* The access token is never configuration: a store names the variable holding it (`token_env`, default
  BC_ACCESS_TOKEN), read in the run worker when the client is built. Config, metadata and logs show the
  variable's name only.
"""


from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import Field, PrivateAttr

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.config import check_quota_reserve
from bc_pipeline.defs.settings import settings
from bc_pipeline.stores import STORE_TAG, Store, configured_stores
from bc_pipeline.warehouse import changes
from bc_pipeline.warehouse.connect import writer_connection
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.store import StoreIdentity

PARTITION_TAG = "dagster/partition"


class StoreSpec(dg.Config):
    """One store as run configuration (what `Store` holds; the token only as its variable's NAME)."""

    label: str
    store_hash: str
    token_env: str = "BC_ACCESS_TOKEN"
    api_url: str = "https://api.bigcommerce.com"
    start_date: str = Field(description="YYYY-MM-DD")
    timezone: str = "UTC"
    duckdb_path: str
    mapping_file: str | None = None
    quota_reserve_percent: int = 0

    @classmethod
    def of(cls, store: Store) -> "StoreSpec":
        return cls(label=store.label, store_hash=store.store_hash, token_env=store.token_env, api_url=store.api_url,
                   start_date=store.start_date.isoformat(), timezone=store.timezone,
                   duckdb_path=str(store.duckdb_path),
                   mapping_file=str(store.mapping_file) if store.mapping_file else None,
                   quota_reserve_percent=store.quota_reserve_percent)

    def to_store(self) -> Store:
        return Store(label=self.label, store_hash=self.store_hash, token_env=self.token_env, api_url=self.api_url,
                     start_date=date.fromisoformat(self.start_date), timezone=self.timezone,
                     duckdb_path=Path(self.duckdb_path),
                     mapping_file=Path(self.mapping_file) if self.mapping_file else None,
                     quota_reserve_percent=check_quota_reserve(self.quota_reserve_percent))


def stores_run_config(stores: list[Store]) -> dict:
    """The run config that hands `stores` to a run (the CLI's in-process runs)."""
    return {"resources": {"stores": {"config": {"stores": [StoreSpec.of(s).model_dump() for s in stores]}}}}


class UnknownStore(dg.Failure):
    pass


class StoresResource(dg.ConfigurableResource):
    """The stores runs work on; the run's store is resolved from its partition key or `bc/store` tag."""

    stores: list[StoreSpec] = Field(
        default_factory=list,
        description="The stores; empty: the run worker's settings (BC_STORES_FILE, else the BC_* store).",
    )

    def all(self) -> list[Store]:
        """The configured stores, else those of the worker's settings (read once per process; the stores file
        itself is read again, so a run sees the file as it is when the run starts)."""
        if self.stores:
            return [s.to_store() for s in self.stores]
        return configured_stores(settings())

    def resolve(self, label: str | None) -> Store:
        """The store labelled `label`; None: the only store configured."""
        stores = self.all()
        if label is None and len(stores) == 1:
            return stores[0]
        known = ", ".join(s.label for s in stores) or "none"
        if label is None:
            raise UnknownStore(f"the run names no store (partition or {STORE_TAG} tag); configured stores: {known}")
        found = next((s for s in stores if s.label == label), None)
        if found is None:
            raise UnknownStore(f"store {label!r} is not configured (known stores: {known}): add it to the stores "
                               "file, or run another partition")
        return found

    def for_run(self, run: dg.DagsterRun | None) -> Store:
        tags = run.tags if run is not None else {}
        partition, tagged = tags.get(PARTITION_TAG), tags.get(STORE_TAG)
        if partition and tagged and partition != tagged:
            raise UnknownStore(f"the run's partition {partition!r} and its {STORE_TAG} tag {tagged!r} differ")
        return self.resolve(partition or tagged)


class _RunStore(dg.ConfigurableResource):
    """A resource bound, at the start of each run, to the run's store."""

    stores: StoresResource
    _store: Store | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._store = self.stores.for_run(context.run)

    @property
    def store(self) -> Store:
        if self._store is None:  # used outside a run (a test calling the resource directly)
            self._store = self.stores.resolve(None)
        return self._store

    @property
    def store_hash(self) -> str:
        return self.store.store_hash


class BigCommerceResource(_RunStore):
    """The run's store's REST API (or an emulator's). The token is read from the store's `token_env`."""

    max_workers: int = 8
    timeout_s: float = 30.0  # read timeout per request (the connect timeout is at most 5 s)

    def client(self) -> BigCommerceClient:
        return self.store.client(max_workers=self.max_workers, timeout=(min(5.0, self.timeout_s), self.timeout_s))


class WarehouseResource(_RunStore):
    """The run's store's DuckDB file, attached as catalog `warehouse` (see warehouse/connect.py). Connecting
    refuses a file that holds another store (warehouse/store.py), creates the folder and the contracted
    tables, labels the change feed's rows with the run's id and prunes the feed past its retention."""

    changes_retention_days: int = 30
    _run_id: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        super().setup_for_execution(context)
        self._run_id = context.run.run_id if context.run is not None else None

    @property
    def database(self) -> Path:
        return self.store.duckdb_path

    def identity(self) -> StoreIdentity:
        return StoreIdentity.of(self.store.store_hash, self.store.api_url)

    @contextmanager
    def get_connection(self) -> Iterator[Connection]:
        with writer_connection(self.database, self.identity()) as conn:
            changes.set_run_id(conn, self._run_id)
            changes.prune(conn, self.changes_retention_days)
            yield conn


def pipeline_resources(stores=None, *, changes_retention_days: int = 30, max_workers: int = 8) -> dict:
    """The resources of every job over one StoresResource, bound as `stores`. By default it is configured at
    launch (empty unless the run config gives stores), which makes it one shared dependency of the others."""
    stores = stores or StoresResource.configure_at_launch()
    return {
        "stores": stores,
        "bigcommerce": BigCommerceResource(stores=stores, max_workers=max_workers),
        "warehouse": WarehouseResource(stores=stores, changes_retention_days=changes_retention_days),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=pipeline_resources(changes_retention_days=settings().changes_retention_days))
