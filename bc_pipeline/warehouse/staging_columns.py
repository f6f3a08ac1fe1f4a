"""Row dicts -> Arrow columns one column at a time: JSON and mixed-kind columns, and whole batches that do not
fit the struct conversion (staging_struct.py, the usual path).

A batch is ~25,000 rows of ~60 fields, so the cost here is per value. Rows of one table are copies of API
records and mostly share the same keys in the same order: rows are grouped by their key tuple and each group
is transposed in C (`itemgetter` row by row, then `zip`) instead of one `dict.get` per row and column. Each contract
column then becomes one Arrow array, which DuckDB scans natively (no Python object per value): strings, int64
and booleans as they are; JSON columns encoded per value with orjson; any other mix of types as text (v3
numbers via repr, so 10.5 stays 10.5). The typing itself happens in DuckDB (staging.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from typing import Any

import orjson
import pyarrow as pa

from bc_pipeline.warehouse.contract import JSON

_NONE = type(None)
_TEXT_KINDS = frozenset({str, _NONE})
_INT_KINDS = frozenset({int, _NONE})
_BOOL_KINDS = frozenset({bool, _NONE})
_FLOAT_KINDS = frozenset({float, _NONE})
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


_stdlib = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"), default=json_default)


def encode_json(value: Any) -> str:
    """Compact JSON text of a value (UTF-8 kept as is; Decimal as a string, dates in ISO 8601)."""
    try:
        return orjson.dumps(value, default=json_default, option=_ORJSON_OPTIONS).decode()
    except (TypeError, orjson.JSONEncodeError):  # e.g. an int beyond 64 bits: the standard library copes
        return _stdlib.encode(value)


def _json_texts(values: Sequence[Any]) -> list[Any]:
    dumps, opts = orjson.dumps, _ORJSON_OPTIONS
    try:  # parsed JSON needs no options (string keys, no Decimal): a call without keywords is a quarter faster
        return [None if v is None else dumps(v) for v in values]
    except (TypeError, orjson.JSONEncodeError):
        pass
    try:
        return [None if v is None else dumps(v, default=json_default, option=opts) for v in values]
    except (TypeError, orjson.JSONEncodeError):
        return [None if v is None else encode_json(v) for v in values]


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
    return encode_json(value)




def _columns_of(rows: Sequence[dict], names: list[str]) -> list[tuple]:
    """Columns of `names` (all present in every row): rows to tuples row by row (memory order), then zip."""
    if len(names) == 1:
        return [tuple(r[names[0]] for r in rows)]
    return list(zip(*map(itemgetter(*names), rows), strict=True))


def transpose(rows: Sequence[dict], names: Sequence[str]) -> tuple[list[int] | None, dict[str, list]]:
    """The values of each name across rows (None where a row lacks the key), and the row position of each
    value (None when the order is the rows' own)."""
    if not rows:
        return None, {n: [] for n in names}
    shapes = list(map(tuple, rows))
    first = shapes[0]
    if shapes.count(first) == len(shapes):  # the usual batch: one shape, one transpose
        keys = set(first)
        present = [n for n in names if n in keys]
        cols = dict(zip(present, _columns_of(rows, present), strict=True)) if present else {}
        return None, {n: list(cols[n]) if n in cols else [None] * len(rows) for n in names}
    groups: dict[tuple, list[int]] = {}
    for i, shape in enumerate(shapes):
        groups.setdefault(shape, []).append(i)
    order: list[int] = []
    out: dict[str, list] = {n: [] for n in names}
    for shape, positions in groups.items():
        order += positions
        keys = set(shape)
        present = [n for n in names if n in keys]
        group = [rows[p] for p in positions]
        cols = dict(zip(present, _columns_of(group, present), strict=True)) if present else {}
        for n in names:
            out[n].extend(cols[n] if n in cols else repeat(None, len(positions)))
    return order, out


def arrow_column(values: Sequence[Any], column_type: str) -> tuple[pa.Array, str] | None:
    """The column's values as an Arrow array and their SQL type (VARCHAR, BIGINT, BOOLEAN or DOUBLE); None
    if all NULL. JSON columns are JSON text. Floats stay doubles: DuckDB's DOUBLE -> VARCHAR prints the same
    shortest round-trip digits as Python's repr, so staging.py types them from that text."""
    if column_type == JSON:
        texts = _json_texts(values)
        return (pa.array(texts, pa.string()), "VARCHAR") if any(t is not None for t in texts) else None
    try:  # most columns are text (v2 money and dates too): Arrow checks the types itself, in C
        text = pa.array(values, pa.string())
        return (text, "VARCHAR") if text.null_count < len(text) else None
    except (pa.ArrowException, TypeError):
        pass
    kinds = set(map(type, values))
    if kinds <= {_NONE}:
        return None
    if kinds <= _INT_KINDS:
        try:
            return pa.array(values, pa.int64()), "BIGINT"
        except (OverflowError, pa.ArrowException):  # beyond 64 bits: as text, so it can land in _extra
            pass
    elif kinds <= _BOOL_KINDS:
        return pa.array(values, pa.bool_()), "BOOLEAN"
    elif kinds <= _FLOAT_KINDS:
        return pa.array(values, pa.float64()), "DOUBLE"
    return pa.array(list(map(_text, values)), pa.string()), "VARCHAR"
