"""The `mapped` schema as Dagster assets: one asset per entity of the mapping file, rebuilt entirely in
DuckDB SQL (mapping/rebuild.py) downstream of its raw table.

The mapping file is loaded when the definitions load: a refused file fails the load with its one-line
MappingError, in the UI and in `dagster definitions validate`. Each asset's code_version is a hash of its
part of the file, so an edit shows the asset as stale until it is re-run. The assets rebuild in the sync
job (it selects group `mapped`) and, when the automation sensor is on, whenever a raw parent updates."""

from __future__ import annotations

from functools import cache

import dagster as dg

from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.defs.settings import settings
from bc_pipeline.mapping.compile import PARENTS
from bc_pipeline.mapping.load import Mapping, load_mapping
from bc_pipeline.mapping.rebuild import RebuildResult
from bc_pipeline.mapping.refresh import refresh_entity

# eager, minus "no upstream partition missing": the raw parents are time-partitioned and old partitions may
# never be materialized one by one (the incremental sync only writes the latest), which would block forever.
MAPPED_AUTOMATION = dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())


@cache
def current_mapping() -> Mapping:
    """The mapping file BC_MAPPING_FILE names (else the shipped default), validated once per load."""
    return load_mapping(settings().mapping_file)


def mapped_key(entity: str) -> dg.AssetKey:
    return dg.AssetKey(["mapped", entity])


def _raw_deps(entity: str) -> list[dg.AssetKey]:
    deps = [dg.AssetKey(["bigcommerce", entity])]
    if entity in PARENTS:
        deps.append(dg.AssetKey(["bigcommerce", PARENTS[entity][0]]))
    return deps


def _metadata(mapping: Mapping, result: RebuildResult) -> dict[str, object]:
    sources = {t: c.source for t, c in mapping.file.entities[result.entity].columns.items()}
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(n, t, description=f"from {sources[n]}" if n in sources else None)
            for n, t in result.columns
        ]
    )
    return {
        "dagster/row_count": result.row_count,
        "dagster/table_name": result.table,
        "dagster/column_schema": schema,
        "mapping_file": dg.MetadataValue.path(str(mapping.path)),
        "mapping_version": mapping.code_version(result.entity),
        "sql": dg.MetadataValue.md(f"```sql\n{result.sql}\n```"),
    }


def build_mapped_asset(mapping: Mapping, entity: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=mapped_key(entity),
        deps=_raw_deps(entity),
        group_name="mapped",
        kinds={"duckdb"},
        pool="duckdb",
        code_version=mapping.code_version(entity),
        automation_condition=MAPPED_AUTOMATION,
        description=f"bigcommerce.{entity} mapped by {mapping.path.name}: one row per {entity} row not deleted, "
        "with the columns the mapping file names. Rebuilt in full on each run.",
        metadata={
            "dagster/table_name": f"mapped.{entity}",
            "mapping_file": dg.MetadataValue.path(str(mapping.path)),
        },
    )
    def _mapped(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.get_connection() as conn:
            result = refresh_entity(conn, mapping, entity)
        return dg.MaterializeResult(metadata=_metadata(mapping, result))

    return _mapped


def build_mapped_assets(mapping: Mapping) -> list[dg.AssetsDefinition]:
    return [build_mapped_asset(mapping, entity) for entity in mapping.entities]


@dg.definitions
def mapped_assets() -> dg.Definitions:
    return dg.Definitions(assets=build_mapped_assets(current_mapping()))
