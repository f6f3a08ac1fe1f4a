"""The shared analytical layer: every store's contract tables in Apache Iceberg tables (pyiceberg, a SQL
catalog), one `store` column and partition per store, published from each store's DuckDB file after its
sync. The per-store DuckDB files stay the working store and the source of truth; the layer can be rebuilt
from them (drop a lake table and the next publish sends each store's rows whole)."""

from bc_pipeline.lake.publish import PublishReport, publish_store
from bc_pipeline.lake.read import read_table, register
from bc_pipeline.lake.settings import LakeSettings, open_catalog

__all__ = ["LakeSettings", "PublishReport", "open_catalog", "publish_store", "read_table", "register"]
