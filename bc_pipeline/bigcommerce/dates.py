"""Date parsing and formatting for the BigCommerce API.

V2 (orders) returns RFC 2822 strings ("Tue, 20 Nov 2012 00:00:00 +0000"), V3 returns ISO 8601
("2018-08-24T14:41:00+00:00" or "...Z"). Both become aware UTC datetimes here.

What we SEND is always a full date-time with an explicit offset, never a date alone: BigCommerce
completes a date-only filter with the current time of day, which silently skips same-day changes.
The `+` of the offset must reach the server as %2B; `requests` encodes query parameters with
`urllib.parse.urlencode` (quote_plus), which does exactly that, so values are passed unencoded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_rfc2822(text: str) -> datetime:
    """'Tue, 20 Nov 2012 00:00:00 -0400' -> 2012-11-20 04:00:00+00:00."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not an RFC 2822 date: {text!r}") from exc
    return to_utc(parsed)


def parse_iso(text: str) -> datetime:
    """'2018-08-24T14:41:00+00:00' / '...Z' / '2018-08-24' -> aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date: {text!r}") from exc
    return to_utc(parsed)


def parse_api_date(text: str | None) -> datetime | None:
    """Either format (as found in a record); '' and None (e.g. an unshipped order) give None."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    if text[:1].isdigit():
        return parse_iso(text)
    return parse_rfc2822(text)


def format_param(value: datetime | date) -> str:
    """A filter value to send: '2025-01-15T00:03:17+00:00' (full date-time, UTC offset, whole seconds)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return to_utc(value).replace(microsecond=0).isoformat()


def from_unix(seconds: int | float) -> datetime:
    """A UNIX timestamp (/v2/time, webhook created_at) -> aware UTC datetime."""
    return datetime.fromtimestamp(seconds, tz=UTC)
