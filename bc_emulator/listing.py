"""Filtering, sorting and paging over a Table's numpy columns: the shared engine of every listing.

Sort order is always total: the sort key, then id ascending, so page boundaries are stable.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from bc_emulator.errors import ApiError
from bc_emulator.table import Table
from bc_emulator.timefmt import BadDate, parse_v2

MAX_LIMIT = 250


INT64 = (-(2**63), 2**63 - 1)  # the range of the id and number columns filters compare with


def _int64(text: str, name: str, version: str) -> int:
    """One integer filter value: not an integer -> ValueError; outside 64 bits -> this version's 400/422."""
    value = int(text)
    if not INT64[0] <= value <= INT64[1]:
        raise _bad(version, f"{name} must be between {INT64[0]} and {INT64[1]}")
    return value


def int_list(value: str, name: str, version: str) -> list[int]:
    try:
        return [_int64(v, name, version) for v in value.split(",") if v.strip()]
    except ValueError as exc:
        raise _bad(version, f"{name} must be a comma-separated list of integers") from exc


def int_param(query: Mapping[str, str], name: str, version: str, default: int | None = None) -> int | None:
    if name not in query or query[name] == "":
        return default
    try:
        return _int64(query[name], name, version)
    except ValueError as exc:
        raise _bad(version, f"{name} must be an integer") from exc


def _bad(version: str, message: str) -> ApiError:
    return ApiError(400, message) if version == "v2" else ApiError(422, message, {})


def page_and_limit(query: Mapping[str, str], version: str, cap: int = MAX_LIMIT) -> tuple[int, int]:
    """page (>= 1) and limit (1..250; default 50). Above 250: 413 on v2, 422 on v3. `cap` lowers the
    effective limit silently (products with include=options/modifiers: 10 per page, as documented)."""
    page = int_param(query, "page", version, 1) or 1
    limit = int_param(query, "limit", version, 50)
    if limit is None or limit < 1:
        raise _bad(version, "limit must be a positive integer")
    if limit > MAX_LIMIT:
        if version == "v2":
            raise ApiError(413, "The specified limit exceeds the maximum allowed.", details={"max_limit": MAX_LIMIT})
        raise ApiError(422, "The limit must be between 1 and 250.", {"limit": "limit must be <= 250"})
    if page < 1:
        raise _bad(version, "page must be >= 1")
    return page, min(limit, cap)


def page_of(rows: list, query: Mapping[str, str], version: str) -> list:
    """The requested page (page, limit) of a list already in order."""
    page, limit = page_and_limit(query, version)
    return rows[(page - 1) * limit: page * limit]


def v2_filters(query: Mapping[str, str]) -> dict:
    """select() keywords from the v2 list filters: min_id/max_id and min_/max_date_created/_modified
    (RFC 2822 or ISO 8601, inclusive) on the `created` / `modified` columns."""
    ranges: dict[str, tuple[int | None, int | None]] = {}
    for name, col in (("date_created", "created"), ("date_modified", "modified")):
        bounds = []
        for prefix in ("min_", "max_"):
            raw = query.get(prefix + name)
            try:
                bounds.append(parse_v2(raw) if raw else None)
            except BadDate as exc:
                raise ApiError(400, f"The field '{prefix + name}' is invalid: {exc}") from exc
        if bounds != [None, None]:
            ranges[col] = (bounds[0], bounds[1])
    return {"id_min": int_param(query, "min_id", "v2"), "id_max": int_param(query, "max_id", "v2"),
            "ranges": ranges}


def sort_param(query: Mapping[str, str], sorts: Mapping[str, str], version: str) -> tuple[str | None, bool]:
    """`sort=field[:asc|:desc]` -> (column of `sorts[field]`, descending); (None, False) when absent.
    An unknown field or direction: 400 on v2, 422 on v3."""
    raw = query.get("sort")
    if not raw:
        return None, False
    field, _, direction = raw.partition(":")
    if field not in sorts or direction not in ("", "asc", "desc"):
        if version == "v2":
            raise ApiError(400, f"The field 'sort' is invalid: {raw!r}")
        raise ApiError(422, "The sort parameter is invalid.", {"sort": f"unsupported sort {raw!r}"})
    return sorts[field], direction == "desc"


def select(table: Table, *, ids: list[int] | None = None, id_min: int | None = None, id_max: int | None = None,
           ranges: Mapping[str, tuple[int | None, int | None]] = (), equals: Mapping[str, object] = (),
           isin: Mapping[str, list[int]] = ()) -> np.ndarray:
    """Row positions of live records matching every filter (ranges inclusive), in id order."""
    lo = 0 if id_min is None else int(np.searchsorted(table.ids, id_min))
    hi = table.n if id_max is None else int(np.searchsorted(table.ids, id_max, side="right"))
    if hi <= lo:
        return np.zeros(0, dtype=np.int64)
    mask = ~table.col("deleted")[lo:hi]
    if ids is not None:
        mask &= np.isin(table.ids[lo:hi], np.asarray(ids, dtype=np.int64))
    for name, (vmin, vmax) in dict(ranges).items():
        col = table.col(name)[lo:hi]
        if vmin is not None:
            mask &= col >= vmin
        if vmax is not None:
            mask &= col <= vmax
    for name, value in dict(equals).items():
        mask &= table.col(name)[lo:hi] == value
    for name, values in dict(isin).items():
        mask &= np.isin(table.col(name)[lo:hi], np.asarray(values))
    return np.flatnonzero(mask) + lo


_FULL_ORDER: dict[tuple[int, str, bool], tuple[int, int, np.ndarray]] = {}
BIG = 50_000  # above this many matches, order through a cached whole-table permutation


def sort_positions(table: Table, positions: np.ndarray, key: str | None, desc: bool) -> np.ndarray:
    """Order positions by (key, id asc) or (key desc, id asc); key None or 'id' means by id."""
    if key in (None, "id"):
        return positions[::-1] if desc else positions
    if len(positions) > BIG:
        cache_key = (id(table), key, desc)
        cached = _FULL_ORDER.get(cache_key)
        if cached is None or cached[0] != table.version or cached[1] != table.n:
            cached = (table.version, table.n, _order(table, np.arange(table.n), key, desc))
            _FULL_ORDER[cache_key] = cached
        wanted = np.zeros(table.n, dtype=bool)
        wanted[positions] = True
        perm = cached[2]
        return perm[wanted[perm]]
    return _order(table, positions, key, desc)


def _order(table: Table, positions: np.ndarray, key: str, desc: bool) -> np.ndarray:
    values = table.col(key)[positions]
    if values.dtype == object:
        _, values = np.unique(values.astype(str), return_inverse=True)
    if desc:
        values = -values.astype(np.int64)
    order = np.lexsort((positions, values))
    return positions[order]


def after_key(table: Table, ordered: np.ndarray, key: str | None, desc: bool, value: object, rid: int) -> np.ndarray:
    """Positions strictly after (value, rid) in the ordering made by sort_positions."""
    ids = table.ids[ordered]
    if key in (None, "id"):
        return ordered[ids < rid] if desc else ordered[ids > rid]
    vals = table.col(key)[ordered]
    beyond = (vals < value) if desc else (vals > value)
    return ordered[beyond | ((vals == value) & (ids > rid))]


def before_key(table: Table, ordered: np.ndarray, key: str | None, desc: bool, value: object, rid: int) -> np.ndarray:
    """Positions strictly before (value, rid) in the ordering made by sort_positions."""
    ids = table.ids[ordered]
    if key in (None, "id"):
        return ordered[ids > rid] if desc else ordered[ids < rid]
    vals = table.col(key)[ordered]
    beyond = (vals > value) if desc else (vals < value)
    return ordered[beyond | ((vals == value) & (ids < rid))]
