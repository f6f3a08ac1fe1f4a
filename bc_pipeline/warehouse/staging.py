"""Staging: a batch of rows becomes a typed temporary table in DuckDB.

Python only lifts each contract column out of the row dicts as text (JSON columns as JSON text; v3 numbers
via repr, so 10.5 stays 10.5) and hands DuckDB the columns as numpy arrays; DuckDB does the typing in one vectorized
SELECT (exact DECIMAL from text, RFC 2822 and ISO 8601 instants to UTC, "" to NULL). A value that does not fit
its column's type is not lost: the column is NULL and the original value is kept in `_extra`.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np

from bc_pipeline.warehouse.schema import INSTANT, JSON, TEXT, Column, Table, check_identifier
from bc_pipeline.warehouse.sql import run

RFC2822 = "%a, %d %b %Y %H:%M:%S %z"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


_encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"), default=_default)
_c_encode = getattr(json.encoder, "c_make_encoder", None)
if _c_encode is not None:  # one C encoder for the process: json.dumps would build one per call
    _c_encode = _c_encode(
        None, _default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )


def _encode(value: Any) -> str:
    if _c_encode is None:
        return _encoder.encode(value)
    if type(value) is str:
        return json.encoder.encode_basestring(value)
    return "".join(_c_encode(value, 0))


def _text(value: Any) -> Any:
    """A scalar as text DuckDB can cast exactly (str and None pass through)."""
    if value is None or type(value) is str:
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _encode(value)


_NONE = type(None)
_TEXT_KINDS = frozenset({str, _NONE})
_INT_KINDS = frozenset({int, _NONE})
_BOOL_KINDS = frozenset({bool, _NONE})


def _raw_column(values: tuple, column_type: str) -> tuple[Any, str] | None:
    """The column's values for DuckDB and their SQL type (VARCHAR, BIGINT or BOOLEAN); None if all NULL."""
    kinds = set(map(type, values))
    if kinds <= {_NONE}:
        return None
    if column_type == JSON:
        return np.array([None if v is None else _encode(v) for v in values], dtype=object), "VARCHAR"
    if kinds <= _TEXT_KINDS:
        return np.array(values, dtype=object), "VARCHAR"
    if kinds == {int}:
        return np.array(values, dtype=np.int64), "BIGINT"
    if kinds <= _INT_KINDS and column_type != TEXT:
        return np.array(values, dtype=object), "BIGINT"
    if kinds <= _BOOL_KINDS and column_type != TEXT:
        return np.array(values, dtype=object), "BOOLEAN"
    return np.array(list(map(_text, values)), dtype=object), "VARCHAR"


def typed_sql(column: Column, raw: str, raw_type: str = "VARCHAR") -> str:
    """SQL turning raw column `raw` into the column's contract type (NULL when it does not fit)."""
    if raw_type != "VARCHAR":
        return raw if raw_type == column.type else f"TRY_CAST({raw} AS {column.type})"
    if column.type == JSON:
        return f"CAST({raw} AS JSON)"
    if column.type == TEXT:
        return raw
    if column.type == INSTANT:
        return (
            f"CASE WHEN {raw} IS NULL OR {raw} = '' THEN NULL "
            f"WHEN {raw} LIKE '___, %' THEN try_strptime({raw}, '{RFC2822}') "
            f"ELSE TRY_CAST({raw} AS TIMESTAMPTZ) END"
        )
    return f"TRY_CAST(NULLIF({raw}, '') AS {column.type})"


def _misfit_sql(column: Column, raw: str, raw_type: str, typed: str) -> str | None:
    if column.name.startswith("_") or column.type in (JSON, TEXT) or raw_type == column.type:
        return None
    present = f"{raw} IS NOT NULL" + (f" AND {raw} <> ''" if raw_type == "VARCHAR" else "")
    return f"CASE WHEN {present} AND ({typed}) IS NULL THEN '{column.name}' END"


def stage(
    conn: duckdb.DuckDBPyConnection, table: Table, rows: list[dict], synced_at: datetime, name: str
) -> None:
    """Create temp table `name`: the table's columns typed, plus _ord (position in rows), _vraw (raw version
    text) and _parent_version (raw, embedded child rows)."""
    check_identifier(name)
    stage_cols = [c for c in table.columns if c.name != "_synced_at"]
    names = [c.name for c in stage_cols] + ["_parent_version", table.version or "_parent_version"]
    columns = list(zip(*[tuple(map(r.get, names)) for r in rows], strict=True)) if rows else [()] * len(names)
    data: dict[str, Any] = {"_ord": np.arange(len(rows), dtype=np.int64)}
    selects = ["_ord"]
    checks = []
    for i, (col, values) in enumerate(zip(stage_cols, columns, strict=False)):
        raw = f"r{i}"
        lifted = _raw_column(values, col.type)
        if lifted is None:
            selects.append(f'CAST(NULL AS {col.type}) AS "{col.name}"')
            continue
        data[raw], raw_type = lifted
        typed = typed_sql(col, raw, raw_type)
        selects.append(f'{typed} AS "{col.name}"')
        misfit = _misfit_sql(col, raw, raw_type, typed)
        if misfit:
            checks.append(misfit)
    for alias, values in (("_parent_version", columns[-2]), ("_vraw", columns[-1] if table.version else ())):
        lifted = _raw_column(values, TEXT) if values else None
        if lifted is None:
            selects.append(f"CAST(NULL AS VARCHAR) AS {alias}")
        else:
            data[f"{alias}_raw"] = lifted[0]
            selects.append(f"CAST({alias}_raw AS VARCHAR) AS {alias}")
    selects.append("CAST(? AS TIMESTAMPTZ) AS _synced_at")
    selects.append(f"list_filter([{', '.join(checks) or 'NULL'}], lambda x: x IS NOT NULL) AS _bad")
    view = f"{name}_df"
    conn.register(view, data)  # DuckDB scans the dict of numpy arrays directly
    try:
        run(conn, f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {', '.join(selects)} FROM {view}", [synced_at])
    finally:
        with contextlib.suppress(duckdb.Error):  # after a failed statement the error above is what matters
            conn.unregister(view)
    _keep_misfits(conn, rows, name)


def _keep_misfits(conn: duckdb.DuckDBPyConnection, rows: list[dict], name: str) -> None:
    """Values that did not fit their column's type go to _extra under the column's name."""
    bad = run(conn, f"SELECT _ord, _bad FROM {name} WHERE len(_bad) > 0")
    for ordinal, columns in bad:
        row = rows[ordinal]
        extra = dict(row.get("_extra") or {})
        for column in columns:
            extra[column] = row.get(column)
        run(conn, f"UPDATE {name} SET _extra = CAST(? AS JSON) WHERE _ord = ?", [_encode(extra), ordinal])
