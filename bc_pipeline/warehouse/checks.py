"""The queries behind the raw tables' checks, plain SQL over DuckDB (defs/raw_checks.py wraps them):

* ids unique: no key appears twice (the primary key should make this impossible; the check proves it);
* parents present: no child row (an order's line items or shipping addresses, a customer's addresses, a
  product's variants) without its parent row, deleted or not;
* nothing past the mark: no row of a dated stream's own table is modified after what the syncs covered
  (the stream's high-water mark, or the end of the last re-synced window if later). A row past it means the
  mark is behind the data it describes.

The first two read every row, or with `since` only the rows written after it (`_synced_at` later, or none:
a row written outside the pipeline) and the rows these could collide with: a duplicate or an orphan is made
by a write, so the rows written since the last pass are where a new one can be (check_state.py says when a
check reads every row instead). The third always reads every row: DuckDB skips each row group whose newest
`date_modified` is not past the mark, so it costs little while it passes.

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



def written_after(since: datetime | None, alias: str = "") -> tuple[str, list]:
    """A condition (and its parameters) on a raw table's rows: written after `since` (or not stamped); TRUE
    for every row when `since` is None."""
    if since is None:
        return "TRUE", []
    return f"({alias}_synced_at > ? OR {alias}_synced_at IS NULL)", [since]


def newest_write(conn: duckdb.DuckDBPyConnection, table: str) -> datetime | None:
    """The newest `_synced_at` of a raw table (what a check that passes now has covered)."""
    return conn.execute(f"SELECT max(_synced_at) FROM {TABLES[table].qualified}").fetchall()[0][0]


def ids_unique(conn: duckdb.DuckDBPyConnection, table: str, since: datetime | None = None) -> CheckOutcome:
    t = TABLES[table]
    key = ", ".join(f'"{k}"' for k in t.key)
    written, params = written_after(since)
    among = "" if since is None else f" WHERE ({key}) IN (SELECT {key} FROM {t.qualified} WHERE {written})"
    [(rows, keys)] = conn.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {t.qualified}{among}",
                                  params).fetchall()
    duplicates = int(rows) - int(keys)
    return CheckOutcome(duplicates == 0, f"{t.qualified}: {duplicates} duplicate {'/'.join(t.key)}",
                        {"rows_read": int(rows), "duplicate_ids": duplicates})


def parents_present(conn: duckdb.DuckDBPyConnection, table: str, since: datetime | None = None) -> CheckOutcome:
    t = TABLES[table]
    assert t.parent is not None, f"{table} has no parent table"
    parent, column = TABLES[t.parent[0]], t.parent[1]
    written, params = written_after(since, "c.")
    [(orphans, sample)] = conn.execute(
        f'SELECT count(*), list(DISTINCT c."{column}" ORDER BY c."{column}")[:5] FROM {t.qualified} c '
        f'WHERE {written} AND c."{column}" IS NOT NULL '
        f'AND NOT EXISTS (SELECT 1 FROM {parent.qualified} p WHERE p.id = c."{column}")', params
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


def nothing_past_the_mark(conn: duckdb.DuckDBPyConnection, table: str, since: datetime | None = None
                          ) -> CheckOutcome:
    """Every row, whatever `since` says (see the module docstring)."""
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
NARROWED = frozenset({"ids_unique", "parents_present"})  # the checks that read only what changed when they may
