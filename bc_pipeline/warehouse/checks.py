"""The queries behind the raw tables' checks, plain SQL over DuckDB (defs/raw_checks.py wraps them):

* ids unique: no key appears twice (the primary key should make this impossible; the check proves it);
* parents present: no child row (an order's line items or shipping addresses, a customer's addresses, a
  product's variants) without its parent row, deleted or not;
* nothing past the mark: no row of a dated stream's own table is modified after what the syncs covered
  (the stream's high-water mark, or the end of the last re-synced window if later). A row past it means the
  mark is behind the data it describes.

Table and column names come from the warehouse contract (schema.TABLES), never from configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.state import STATE_TABLE


@dataclass(frozen=True)
class CheckOutcome:
    """A check's verdict, its one-line description and its figures (the raw and the mapped tables' checks)."""

    passed: bool
    description: str
    metadata: dict[str, object]



def ids_unique(conn: duckdb.DuckDBPyConnection, table: str) -> CheckOutcome:
    t = TABLES[table]
    key = ", ".join(f'"{k}"' for k in t.key)
    [(rows, keys)] = conn.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {t.qualified}").fetchall()
    duplicates = int(rows) - int(keys)
    return CheckOutcome(duplicates == 0, f"{t.qualified}: {duplicates} duplicate {'/'.join(t.key)}",
                        {"rows": int(rows), "duplicate_ids": duplicates})


def parents_present(conn: duckdb.DuckDBPyConnection, table: str) -> CheckOutcome:
    t = TABLES[table]
    assert t.parent is not None, f"{table} has no parent table"
    parent, column = TABLES[t.parent[0]], t.parent[1]
    [(orphans, sample)] = conn.execute(
        f'SELECT count(*), list(DISTINCT c."{column}" ORDER BY c."{column}")[:5] FROM {t.qualified} c '
        f'WHERE c."{column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent.qualified} p WHERE p.id = c."{column}")'
    ).fetchall()
    return CheckOutcome(
        orphans == 0,
        f"{t.qualified}: {orphans} rows whose {column} is not in {parent.qualified}"
        + (f" (e.g. {', '.join(map(str, sample))})" if orphans else ""),
        {"orphan_rows": int(orphans), "missing_parent_ids_sample": [int(i) for i in sample or []]},
    )


def covered_until(conn: duckdb.DuckDBPyConnection, stream: str) -> datetime | None:
    """How far the syncs of a stream have covered: its mark, or a later re-synced window's end."""
    rows = conn.execute(
        f"SELECT greatest(high_water_mark, last_window_end) FROM {STATE_TABLE} WHERE stream = ?", [stream]
    ).fetchall()
    return rows[0][0] if rows else None


def nothing_past_the_mark(conn: duckdb.DuckDBPyConnection, table: str) -> CheckOutcome:
    t = TABLES[table]
    mark = covered_until(conn, table)
    if mark is None:
        return CheckOutcome(True, f"{table} has no high-water mark yet", {"rows_past_mark": 0})
    [(past, latest)] = conn.execute(
        f"SELECT count(*), max(date_modified) FROM {t.qualified} WHERE date_modified > ?", [mark]
    ).fetchall()
    return CheckOutcome(
        past == 0,
        f"{t.qualified}: {past} rows modified after the high-water mark {mark.isoformat()}"
        + (f" (latest {latest.isoformat()})" if past else ""),
        {"rows_past_mark": int(past), "high_water_mark": mark.isoformat()},
    )


def raw_check_names(table: str, *, marked: bool) -> list[str]:
    """The checks a raw table carries (names as the UI shows them); `marked`: its rows carry the
    `date_modified` its stream's high-water mark is about (a dated stream's own table, streams.marked_tables)."""
    names = ["ids_unique"]
    if TABLES[table].parent:
        names.append("parents_present")
    if marked:
        names.append("nothing_past_the_mark")
    return names


RAW_CHECKS = {"ids_unique": ids_unique, "parents_present": parents_present,
              "nothing_past_the_mark": nothing_past_the_mark}
