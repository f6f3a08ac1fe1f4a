"""Staging: a batch of rows becomes a typed temporary table in DuckDB.

Where memfd exists (Linux), DuckDB reads the batch itself: orjson writes it as one JSON document and `read_json`
scans every contract column as its raw text (staging_json.py). Elsewhere, or for a batch orjson cannot encode
(an integer beyond 64 bits), Python lifts each contract column out of the row dicts as an Arrow array: in one
struct conversion when the batch's values fit the table's field types (staging_struct.py), else column by
column (staging_columns.py: text, int64 or booleans as the API gave them); JSON columns as JSON text. Either
way DuckDB does the typing in one vectorized SELECT (exact DECIMAL from text, RFC 2822 and ISO 8601 instants to
UTC, "" to NULL), the same for all paths. A value that does not fit its column's type is not lost: the column
is NULL and the original value is kept in `_extra`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from bc_pipeline.gc_pause import gc_paused
from bc_pipeline.warehouse import staging_json
from bc_pipeline.warehouse.contract import INSTANT, JSON, TEXT, Column, Table, check_identifier
from bc_pipeline.warehouse.sql import run
from bc_pipeline.warehouse.staging_columns import arrow_column, encode_json, transpose
from bc_pipeline.warehouse.staging_struct import Lifted, learn, struct_columns, values_of

_PARENT_VERSION = Column("_parent_version", TEXT, "an embedded child row's parent version (raw text)")

RFC2822 = "%a, %d %b %Y %H:%M:%S %z"


@dataclass(frozen=True)
class Staged:
    """What staging learned about a batch: its row count and whether its keys are unique."""

    name: str
    rows: int
    unique_keys: bool


def typed_sql(column: Column, raw: str, raw_type: str = "VARCHAR") -> str:
    """SQL turning raw column `raw` into the column's contract type (NULL when it does not fit)."""
    if raw_type == "DOUBLE" and column.type != raw_type:  # typed from its repr text, as a v3 number is
        raw, raw_type = f"CAST({raw} AS VARCHAR)", "VARCHAR"
    if raw_type != "VARCHAR":
        return raw if raw_type == column.type else f"TRY_CAST({raw} AS {column.type})"
    if column.type == JSON:
        return f"CAST({raw} AS JSON)"
    if column.type == TEXT:
        return raw
    # TRY_CAST of NULL or '' is NULL for every contract type, so neither is tested apart: each expression
    # less is less for DuckDB to bind and optimize per batch (a statement's planning was a fifth of its cost)
    if column.type == INSTANT:
        return f"CASE WHEN {raw} LIKE '___, %' THEN try_strptime({raw}, '{RFC2822}') ELSE TRY_CAST({raw} AS TIMESTAMPTZ) END"
    return f"TRY_CAST({raw} AS {column.type})"


def _misfit_sql(column: Column, raw: str, raw_type: str) -> str | None:
    """SQL naming the column when its raw value is present but its typed value (same name) is NULL."""
    if column.name.startswith("_") or column.type in (JSON, TEXT) or raw_type == column.type:
        return None
    present = f"{raw} <> ''" if raw_type == "VARCHAR" else f"{raw} IS NOT NULL"  # NULL <> '' is NULL: no match
    return f"""CASE WHEN {present} AND "{column.name}" IS NULL THEN '{column.name}' END"""


def stage(
    conn: duckdb.DuckDBPyConnection,
    table: Table,
    rows: list[dict],
    synced_at: datetime,
    name: str,
    children: tuple[str, ...] = (),
) -> Staged:
    """Create temp table `name`: the table's columns typed, plus _ord (position in rows), _vraw (raw version
    text), _parent_version (raw, embedded child rows), _bad (comma-separated names of the columns whose value
    did not fit) and, per child table in `children`, `_complete_<child>` (the record carried its full set)."""
    check_identifier(name)
    stage_cols = [c for c in table.columns if c.name != "_synced_at"]
    raw_cols = [*stage_cols, _PARENT_VERSION]
    document = staging_json.json_document(rows) if staging_json.AVAILABLE and rows else None
    if document is not None:  # the fast path: DuckDB reads the batch as one JSON document
        raw_types: dict[str, str | None] = {c.name: JSON if c.type == JSON else "VARCHAR" for c in raw_cols}
        layout = _Layout(table, stage_cols, raw_types, children)
        # each column read by its contract name under its raw name (r0, r1, ..., _parent_version_raw)
        read = {column: (raw, raw_types[column]) for column, raw in layout.raw_names.items()}
        if children:
            read["_children"] = ("_children", "VARCHAR[]")
        with staging_json.readable(document, table.name) as path:
            run(conn, layout.sql(name, staging_json.scan_sql(path, len(document), read)), [synced_at])
    else:
        order, lifted_of, values = _lift(rows, raw_cols, table.name)
        layout = _Layout(table, stage_cols, {c: None if v is None else v[1] for c, v in lifted_of.items()}, children)
        data = {"_ord": pa.array(range(len(rows)) if order is None else order, pa.int64())}
        data |= {raw: lifted_of[column][0] for column, raw in layout.raw_names.items()}
        if children:
            data["_children"] = pa.array([list(v or ()) for v in values("_children")], pa.list_(pa.string()))
        view = f"{name}_arrow"
        conn.register(view, pa.table(data))  # DuckDB scans the Arrow table in place
        try:
            run(conn, layout.sql(name, view), [synced_at])
        finally:
            with contextlib.suppress(duckdb.Error):  # after a failed statement the error above is what matters
                conn.unregister(view)
    # whether the typed keys are unique (a NULL key counts as a duplicate: the de-duplication decides), and the
    # rows whose values did not fit, in one statement
    key = ", ".join(f'"{check_identifier(k)}"' for k in table.key)
    unique, misfits = run(conn, f"SELECT count(DISTINCT ({key})) = count(*), "
                                f"list([_ord::VARCHAR, _bad]) FILTER (WHERE _bad <> '') FROM {name}")[0]
    if misfits:
        _keep_misfits(conn, rows, name, misfits)
    return Staged(name, len(rows), bool(unique))


class _Layout:
    """The staging statement of one batch, given each raw column's SQL type (None: all NULL, not read):
    `raw_names` maps the columns read to their raw names in the source (r0, r1, ...)."""

    def __init__(self, table: Table, stage_cols: list[Column], raw_types: dict[str, str | None],
                 children: tuple[str, ...]) -> None:
        self.raw_names: dict[str, str] = {}
        self.selects = ["_ord"]
        self.checks: list[str] = []
        self.raws: list[str] = []  # raw columns the misfit checks compare with their typed value
        for i, col in enumerate(stage_cols):
            raw, raw_type = f"r{i}", raw_types[col.name]
            if raw_type is None:
                self.selects.append(f'CAST(NULL AS {col.type}) AS "{col.name}"')
                continue
            self.raw_names[col.name] = raw
            self.selects.append(f'{typed_sql(col, raw, raw_type)} AS "{col.name}"')
            misfit = _misfit_sql(col, raw, raw_type)
            if misfit:
                self.checks.append(misfit)
                self.raws.append(raw)
        for alias, source in (("_parent_version", "_parent_version"), ("_vraw", table.version)):
            if source is None or raw_types[source] is None:  # a version column is lifted as text is (never JSON)
                self.selects.append(f"CAST(NULL AS VARCHAR) AS {alias}")
            else:
                raw = self.raw_names.setdefault(source, f"{alias}_raw")
                self.selects.append(f"CAST({raw} AS VARCHAR) AS {alias}")
        for child in children:
            flag = f"_complete_{check_identifier(child)}"
            self.selects.append(f"coalesce(list_contains(_children, '{child}'), false) AS {flag}")
        self.selects.append("CAST(? AS TIMESTAMPTZ) AS _synced_at")

    def sql(self, name: str, source: str) -> str:
        """CREATE the temp table from `source`: the inner SELECT types each column once; the outer one names
        the columns whose value did not fit."""
        inner = f"SELECT {', '.join(self.raws + self.selects)} FROM {source}"
        bad = f"concat_ws(',', {', '.join(self.checks)})" if self.checks else "''"
        exclude = f" EXCLUDE ({', '.join(self.raws)})" if self.raws else ""
        return f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT *{exclude}, {bad} AS _bad FROM ({inner})"


def _lift(rows: list[dict], columns: list[Column], table_name: str
          ) -> tuple[list[int] | None, dict[str, Lifted], Callable[[str], list]]:
    """Every column lifted, the row position of each lifted value (None: the rows' own order), and a function
    giving a column's values in that order. One struct conversion when the batch fits its table's field
    types (staging_struct.py), else column by column after a transpose (which teaches the field types)."""
    with gc_paused():  # both allocate ~100,000 containers that hold no cycles
        fast = struct_columns(rows, columns, table_name)
        if fast is not None:
            return None, fast, lambda column: values_of(rows, column)
        order, by_name = transpose(rows, [c.name for c in columns] + ["_children"])
        lifted = {c.name: arrow_column(by_name[c.name], c.type) for c in columns}
    learn(table_name, columns, by_name)
    return order, lifted, by_name.__getitem__


def _keep_misfits(conn: duckdb.DuckDBPyConnection, rows: list[dict], name: str, bad: list[list[str]]) -> None:
    """Values that did not fit their column's type go to _extra under the column's name (`bad`: each such
    row's position and the names of its columns that did not fit, comma-separated)."""
    for position, columns in bad:
        ordinal = int(position)
        columns = columns.split(",")
        row = rows[ordinal]
        extra = dict(row.get("_extra") or {})
        for column in columns:
            extra[column] = row.get(column)
        run(conn, f"UPDATE {name} SET _extra = CAST(? AS JSON) WHERE _ord = ?", [encode_json(extra), ordinal])
