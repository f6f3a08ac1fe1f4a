"""Dates: RFC 2822 and ISO 8601 parse to UTC instants; what we send is a full, URL-safe date-time."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import requests

from bc_pipeline.bigcommerce.dates import format_param, parse_api_date, parse_iso, parse_rfc2822


def test_rfc2822_with_negative_offset_is_converted_to_utc():
    assert parse_rfc2822("Thu, 20 Apr 2017 11:32:00 -0400") == datetime(2017, 4, 20, 15, 32, tzinfo=UTC)


def test_rfc2822_utc_and_positive_offset():
    assert parse_rfc2822("Tue, 20 Nov 2012 00:00:00 +0000") == datetime(2012, 11, 20, tzinfo=UTC)
    assert parse_rfc2822("Tue, 20 Nov 2012 00:00:00 +0530") == datetime(2012, 11, 19, 18, 30, tzinfo=UTC)
    assert parse_rfc2822("Tue, 20 Nov 2012 00:00:00 +0000").tzinfo is UTC


def test_iso_forms():
    assert parse_iso("2018-08-24T14:41:00+00:00") == datetime(2018, 8, 24, 14, 41, tzinfo=UTC)
    assert parse_iso("2019-02-19T18:34:16Z") == datetime(2019, 2, 19, 18, 34, 16, tzinfo=UTC)
    assert parse_iso("2017-04-20T11:32:00.000-04:00") == datetime(2017, 4, 20, 15, 32, tzinfo=UTC)


def test_api_date_picks_the_format_and_keeps_empty_as_none():
    assert parse_api_date("") is None and parse_api_date(None) is None
    assert parse_api_date("Wed, 25 Jun 2025 05:22:10 +0000") == datetime(2025, 6, 25, 5, 22, 10, tzinfo=UTC)
    assert parse_api_date("2025-06-25T05:22:10+00:00") == datetime(2025, 6, 25, 5, 22, 10, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_api_date("yesterday")


def test_sent_values_are_full_date_times_with_offset_never_date_only():
    assert format_param(date(2025, 1, 15)) == "2025-01-15T00:00:00+00:00"
    paris = timezone(timedelta(hours=1))
    assert format_param(datetime(2025, 1, 15, 1, 3, 17, 999, tzinfo=paris)) == "2025-01-15T00:03:17+00:00"


def test_requests_sends_the_plus_of_the_offset_as_percent_2b():
    value = format_param(datetime(2025, 1, 15, tzinfo=UTC))
    prepared = requests.Request("GET", "http://127.0.0.1/x", params={"date_modified:min": value}).prepare()
    assert "2025-01-15T00%3A00%3A00%2B00%3A00" in prepared.url
    assert "+" not in prepared.url.split("?", 1)[1]
