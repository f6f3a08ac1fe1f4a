"""Text that goes into SQL: quoted identifiers and escaped literals. Identifiers are also validated against
^[a-z_][a-z0-9_]*$ before they get here; quoting is the second lock, not the first."""

from __future__ import annotations

import math


def ident(name: str) -> str:
    """A double-quoted SQL identifier (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str | int | float | bool | None) -> str:
    """An SQL literal for a scalar from the mapping file; strings single-quoted with quotes doubled."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return repr(float(value))
    text = str(value)
    if "\x00" in text:
        raise ValueError("a text value contains a NUL character")
    return "'" + text.replace("'", "''") + "'"


def json_path(segments: tuple[str, ...]) -> str:
    """A DuckDB JSON path literal for plain segments: names quoted, digits as list indexes."""
    parts = ["$"]
    for seg in segments:
        parts.append(f"[{int(seg)}]" if seg.isdigit() else '."' + seg + '"')
    return literal("".join(parts))
