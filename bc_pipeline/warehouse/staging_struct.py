"""Row dicts -> Arrow columns in one pass of Arrow's own converter (the fast path of staging).

Reading ~60 fields out of 5,000-25,000 row dicts costs more in memory traffic than in work: every pass over
the rows touches each dict again. Here Arrow converts the whole batch as one struct array (its C++ converter
looks each field up in each dict, once) and the struct's children are the columns. A struct field has one
Arrow type, and only types whose converter is strict are used: a string field takes only str, a boolean
field only bool, a null field only None, and a DECIMAL(18,0) field only int (never a float or a bool;
an int64 field would silently truncate 19.99 to 19). Integers go there only for columns DuckDB types
alike from any integer and from its text (BIGINT, INTEGER, DECIMAL, DOUBLE; DuckDB stores DECIMAL(18,0) as
a 64-bit integer). Any value that does not fit its field fails the whole conversion and the batch takes
staging_columns.py's column-by-column path, which teaches the table's field types for its next batches
(`_HINTS`, a cache: never a condition of correctness, since a wrong hint only costs the fallback). JSON
columns, and columns whose values mix kinds (v3 numbers), are lifted column by column as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

import pyarrow as pa

from bc_pipeline.warehouse.contract import BOOL, ID, INSTANT, INT, JSON, NUMBER, TEXT, Column
from bc_pipeline.warehouse.staging_columns import arrow_column

Lifted = tuple[pa.Array, str] | None  # a column's Arrow array and its SQL type; None when all NULL
_INTEGER = pa.decimal128(18, 0)  # strict where int64 is not (see above); up to 18 digits, else the fallback
_SQL_TYPE = {pa.string(): "VARCHAR", _INTEGER: "DECIMAL(18,0)", pa.bool_(): "BOOLEAN"}
_HINTS: dict[str, dict[str, pa.DataType | None]] = {}  # table -> column -> struct field type (None: by column)
_FAILURES = (pa.ArrowException, TypeError, ValueError, OverflowError)


def _integer_exact(column: Column) -> bool:
    """DuckDB types this column alike from an integer and from its text."""
    return column.type in (ID, INT, NUMBER) or column.type.startswith("DECIMAL")


def _contract_hint(column: Column) -> pa.DataType | None:
    """The field type the API's values have for this contract type, before any batch was seen."""
    if column.type in (TEXT, INSTANT):
        return pa.string()
    if column.type == BOOL:
        return pa.bool_()
    if column.type in (ID, INT):
        return _INTEGER
    return None


def _learned(column: Column, values: Sequence[Any], before: pa.DataType | None) -> pa.DataType | None:
    """The field type the values of a batch taught (the earlier hint when they were all None)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return before if before is not None else pa.null()
    if kinds == {str}:
        return pa.string()
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int} and _integer_exact(column):
        return _INTEGER
    return None


def learn(table_name: str, columns: Sequence[Column], values_of: dict[str, list]) -> None:
    """Remember the field types a batch lifted column by column showed (its values, per column name)."""
    before = _hints(table_name, columns)
    _HINTS[table_name] = {c.name: None if c.type == JSON else _learned(c, values_of[c.name], before.get(c.name))
                          for c in columns}


def _hints(table_name: str, columns: Sequence[Column]) -> dict[str, pa.DataType | None]:
    hints = _HINTS.get(table_name)
    if hints is None or any(c.name not in hints for c in columns):
        hints = {c.name: None if c.type == JSON else _contract_hint(c) for c in columns}
    return hints


def values_of(rows: Sequence[dict], name: str) -> list:
    """One column's values in row order (None where a row lacks the key)."""
    return list(map(dict.get, rows, repeat(name)))


def struct_columns(rows: Sequence[dict], columns: Sequence[Column], table_name: str) -> dict[str, Lifted] | None:
    """Each column lifted in row order, or None when a value does not fit the table's field types."""
    hints = _hints(table_name, columns)
    fields = [(c.name, hints[c.name]) for c in columns if hints.get(c.name) is not None]
    try:
        children = pa.array(rows, pa.struct(fields)).flatten() if fields else []
    except _FAILURES:
        return None
    out: dict[str, Lifted] = {}
    for (name, arrow_type), child in zip(fields, children, strict=True):
        out[name] = None if child.null_count == len(child) else (child, _SQL_TYPE[arrow_type])
    taught = dict(hints)
    for c in columns:
        if c.name not in out:
            values = values_of(rows, c.name)
            out[c.name] = arrow_column(values, c.type)
            if c.type != JSON:  # v2 money is text: the next batch converts it in the struct
                taught[c.name] = _learned(c, values, None)
    _HINTS[table_name] = taught
    return out
