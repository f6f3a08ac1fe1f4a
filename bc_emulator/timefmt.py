"""Date formats of the BigCommerce API: RFC 2822 on v2, ISO 8601 on v3, and parsing of filter values.

Choices where the reference is silent (also in docs/emulator.md):
* v2 filters accept RFC 2822 or ISO 8601; a date-only ISO value means midnight UTC.
* v3 filters accept ISO 8601 (with or without offset, no offset = UTC) or a UNIX timestamp; a date-only value
  gets the current UTC time of day of the request appended (the documented products rule, applied to every v3
  date filter).
* Min and max are both inclusive, compared at whole-second precision (the API's own precision).
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadDate(ValueError):
    """A filter value that is not a date the API accepts."""


_CLOCK = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]
_RFC_DAY: dict[int, str] = {}
_ISO_DAY: dict[int, str] = {}


def _day_and_clock(ts: int, cache: dict[int, str], day_text: Callable[[time.struct_time], str]) -> tuple[str, str]:
    """The day's text (formatted once per day and cached: formatting is hot) and 'HH:MM:SS'."""
    day, secs = divmod(int(ts), 86400)
    prefix = cache.get(day)
    if prefix is None:
        prefix = cache[day] = day_text(time.gmtime(day * 86400))
    minutes, sec = divmod(secs, 60)
    return prefix, f"{_CLOCK[minutes]}:{sec:02d}"


def _rfc_day(t: time.struct_time) -> str:
    return f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year}"


def _iso_day(t: time.struct_time) -> str:
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"


def rfc2822(ts: int) -> str:
    """'Tue, 05 Mar 2019 21:40:11 +0000' (v2)."""
    day, clock = _day_and_clock(ts, _RFC_DAY, _rfc_day)
    return f"{day} {clock} +0000"


def iso_z(ts: int) -> str:
    """'2018-09-05T13:43:54Z' (customers, attribute values, subscribers)."""
    day, clock = _day_and_clock(ts, _ISO_DAY, _iso_day)
    return f"{day}T{clock}Z"


def iso_offset(ts: int) -> str:
    """'2018-08-15T14:48:46+00:00' (catalog)."""
    return iso_z(ts)[:-1] + "+00:00"


def epoch(iso: str) -> int:
    """Seconds since the epoch of an ISO 8601 instant (no offset = UTC)."""
    dt = datetime.fromisoformat(iso)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


def parse_v2(value: str) -> int:
    """A v2 filter value (RFC 2822 or ISO 8601) -> epoch seconds."""
    value = value.strip()
    if not value:
        raise BadDate("empty date")
    if value[:1].isdigit():
        if _DATE_ONLY.match(value):
            return calendar.timegm(time.strptime(value, "%Y-%m-%d"))
        try:
            return epoch(value)
        except ValueError as exc:
            raise BadDate(f"not an ISO 8601 date: {value!r}") from exc
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise BadDate(f"not an RFC 2822 date: {value!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


def parse_v3(value: str, now: float | None = None) -> int:
    """A v3 filter value -> epoch seconds; date-only values get the request's time of day appended."""
    value = value.strip()
    if re.fullmatch(r"\d{9,11}", value):
        return int(value)
    if _DATE_ONLY.match(value):
        now = time.time() if now is None else now
        midnight = calendar.timegm(time.strptime(value, "%Y-%m-%d"))
        return midnight + int(now) % 86400
    try:
        return epoch(value)
    except ValueError as exc:
        raise BadDate(f"not an ISO 8601 date: {value!r}") from exc
