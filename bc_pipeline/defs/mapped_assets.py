"""The `mapped` schema as Dagster assets: one asset per entity of the mapping file, all built in one step
(one multi-asset; subsets work), each rebuilt entirely in DuckDB SQL (mapping/rebuild.py) downstream of its
raw table, with its checks evaluated in the same step (defs/mapping_checks.py). Its checks read the rows
re-mapped since they last passed, and every row after a full rebuild or in a full sync. Partitioned by store like
the raw tables, so the store's partition is green on every mapped table after a sync.

A store of the stores file with its own `mapping_file` has its tables mapped by that file in its runs.

The mapping file is loaded when the definitions load: a refused file fails the load with its one-line
MappingError, in the UI and in `dagster definitions validate`. Each asset's code_version is a hash of its
part of the file, so an edit shows the asset as stale until it is re-run. The assets rebuild in the sync
job (it selects group `mapped`) and, when the automation sensor is on, whenever a raw parent updates."""

from functools import cache
from pathlib import Path

import dagster as dg

from bc_pipeline.defs.mapping_checks import mapped_key, mapping_check_results, mapping_check_specs
from bc_pipeline.defs.partitions import store_partitions
from bc_pipeline.defs.raw_assets import is_full_sync
from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.defs.settings import settings
from bc_pipeline.mapping.compile import PARENTS
from bc_pipeline.mapping.load import Mapping, load_mapping
from bc_pipeline.mapping.rebuild import RebuildResult
from bc_pipeline.mapping.refresh import refresh_entity

# A raw parent's store partition updated: rebuild that partition (when the automation sensor is on).
MAPPED_AUTOMATION = dg.AutomationCondition.eager()
__all__ = ["build_mapped_assets", "current_mapping", "mapped_key"]


@cache
def current_mapping() -> Mapping:
    """The mapping file BC_MAPPING_FILE names (else the shipped default), validated once per load."""
    return load_mapping(settings().mapping_file)


def store_mapping(location: Mapping, path: Path | None) -> Mapping:
    """The mapping a store's run applies: its own `mapping_file` of the stores file, else the location's (the
    assets, their code versions and their staleness follow the location's file; a store's own file maps the
    entities both name)."""
    if path is None or path.resolve() == location.path.resolve():
        return location
    return load_mapping(path)


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
        "dagster/partition_row_count": result.row_count,
        "dagster/table_name": result.table,
        "dagster/column_schema": schema,
        "mapping_file": dg.MetadataValue.path(str(mapping.path)),
        "mapping_version": mapping.code_version(result.entity),
        "sql": dg.MetadataValue.md(f"```sql\n{result.sql}\n```"),
        "refreshed": result.refreshed,
        **({"ids_remapped": result.changed_ids} if result.changed_ids is not None else {}),
    }


def mapped_spec(mapping: Mapping, entity: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=mapped_key(entity),
        deps=_raw_deps(entity),
        group_name="mapped",
        kinds={"duckdb"},
        code_version=mapping.code_version(entity),
        automation_condition=MAPPED_AUTOMATION,
        skippable=True,
        description=f"bigcommerce.{entity} mapped by {mapping.path.name}: one row per {entity} row not deleted, "
        "with the columns the mapping file names. Refreshed incrementally (the rows written since the last "
        "refresh; in full after a mapping change).",
        metadata={
            "dagster/table_name": f"mapped.{entity}",
            "mapping_file": dg.MetadataValue.path(str(mapping.path)),
        },
    )


def build_mapped_assets(mapping: Mapping) -> list[dg.AssetsDefinition]:
    """One multi-asset (a one-item list, the shape Definitions and the tests take) over every entity."""

    @dg.multi_asset(
        name="mapped_tables",
        specs=[mapped_spec(mapping, e) for e in mapping.entities],
        check_specs=mapping_check_specs(mapping),
        partitions_def=store_partitions,
        can_subset=True,
    )
    def _mapped(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        used = store_mapping(mapping, warehouse.store.mapping_file)
        full_sync = is_full_sync(context.run)
        with warehouse.get_connection() as conn:
            for entity in mapping.entities:
                if mapped_key(entity) not in context.selected_asset_keys or entity not in used.entities:
                    continue
                result = refresh_entity(conn, used, entity)
                every_row = result.refreshed == "full" or full_sync
                yield dg.MaterializeResult(asset_key=mapped_key(entity), metadata=_metadata(used, result))
                # separate results naming their keys: one event-log lookup each instead of two (stream_results.py)
                yield from mapping_check_results(context, conn, used, entity, every_row=every_row)

    return [_mapped]


@dg.definitions
def mapped_assets() -> dg.Definitions:
    return dg.Definitions(assets=build_mapped_assets(current_mapping()))
