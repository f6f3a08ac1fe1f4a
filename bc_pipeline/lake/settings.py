"""Where the shared analytical layer lives: an Iceberg SQL catalog (BC_LAKE_CATALOG_URI, SQLite by default,
PostgreSQL in production) and a warehouse location for the data files (BC_LAKE_WAREHOUSE, a local folder by
default, s3:// or gs:// through pyiceberg's file IO in production).

Both are fields of the one settings object (config.Settings). A catalog URI may hold a password: it is only
ever shown with the password masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyiceberg.catalog.sql import SqlCatalog
from sqlalchemy.engine import make_url

from bc_pipeline.config import Settings, load_settings
from bc_pipeline.warehouse.contract import SCHEMA

NAMESPACE = SCHEMA  # the lake's tables are named like the warehouse's
CATALOG_NAME = "bc_pipeline"


@dataclass(frozen=True)
class LakeSettings:
    catalog_uri: str
    warehouse: str

    @classmethod
    def of(cls, settings: Settings) -> LakeSettings:
        return cls(catalog_uri=settings.lake_catalog_uri, warehouse=settings.lake_warehouse)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LakeSettings:
        return cls.of(load_settings(env))

    @property
    def shown_uri(self) -> str:
        """The catalog URI with any password masked, for messages."""
        return make_url(self.catalog_uri).render_as_string(hide_password=True)


def open_catalog(settings: LakeSettings | None = None) -> SqlCatalog:
    """The SQL catalog, creating a local SQLite file's and a local warehouse's folders when they are used."""
    settings = settings or LakeSettings.from_env()
    url = make_url(settings.catalog_uri)
    if url.drivername == "postgresql":  # SQLAlchemy 2.1 reads plain postgresql:// as psycopg 3: use psycopg2
        url = url.set(drivername="postgresql+psycopg2")
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    warehouse = settings.warehouse
    if "://" not in warehouse:
        path = Path(warehouse).resolve()
        path.mkdir(parents=True, exist_ok=True)
        warehouse = path.as_uri()
    return SqlCatalog(CATALOG_NAME, uri=url.render_as_string(hide_password=False), warehouse=warehouse)
