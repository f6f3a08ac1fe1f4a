"""What a stream step reports: for each stream that succeeded, each of its tables the run selected, with the
table's real row count, the rows the run wrote to it (by any stream: products bring variants) and the
stream's figures (metadata.py), then the table's checks (raw_checks.py), each
its own result naming its key (embedded in the MaterializeResult, Dagster would look up the table's latest
materialization once more per check only to learn the check's key). With
`every_row` (a full sync) each check reads every row. A
stream that failed reports none of its tables, and the step then fails naming it (failures.py)."""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping

import dagster as dg

from bc_pipeline.defs.failures import fail_on_stream_errors
from bc_pipeline.defs.metadata import raw_key, table_metadata
from bc_pipeline.defs.raw_checks import raw_check_results
from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.sync.report import StreamReport


def stream_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                   reports: Mapping[str, StreamReport],
                   tables_of: Callable[[str], Iterable[str]], *,
                   every_row: bool = False) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    chosen = context.selected_asset_keys
    written = sum((report.rows for report in reports.values()), Counter())  # per table, by any stream
    with warehouse.get_connection() as conn:
        for name, report in reports.items():
            for table in () if report.error else tables_of(name):
                if raw_key(table) in chosen:
                    metadata = table_metadata(conn, table, report, written[table])
                    yield dg.MaterializeResult(asset_key=raw_key(table), metadata=metadata)
                    yield from raw_check_results(context, conn, table, every_row=every_row)
    fail_on_stream_errors(context, reports)
