"""The v3 query filters the customers and catalog listings share: `date_created`/`date_modified` ranges and
`id:in` lists, parsed from a Request into what listing.select takes.

Choices where the reference is silent: date filters are inclusive at both ends; a date-only value gets the
request's time of day (the documented products rule applied to every v3 date filter).
"""

from __future__ import annotations

from bc_emulator import listing
from bc_emulator.errors import ApiError
from bc_emulator.request import Request
from bc_emulator.timefmt import BadDate, parse_v3


def date_ranges(req: Request) -> dict[str, tuple[int | None, int | None]]:
    """date_created:min/max and date_modified:min/max (inclusive) -> column ranges."""
    out: dict[str, tuple[int | None, int | None]] = {}
    for name, col in (("date_created", "created"), ("date_modified", "modified")):
        bounds = []
        for suffix in (":min", ":max"):
            raw = req.query.get(name + suffix)
            try:
                bounds.append(parse_v3(raw, req.now) if raw else None)
            except BadDate as exc:
                raise ApiError(422, f"{name + suffix} is not a valid date", {name + suffix: str(exc)}) from exc
        if bounds != [None, None]:
            out[col] = (bounds[0], bounds[1])
    return out


def id_in(req: Request, name: str = "id:in") -> list[int] | None:
    raw = req.query.get(name)
    return listing.int_list(raw, name, "v3") if raw else None
