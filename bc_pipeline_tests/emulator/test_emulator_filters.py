"""Filters, sorts and cursors behave as documented (min and max inclusive, both v2 date formats, the v3
date-only rule, id filters, keyset and cursor paging), checked against the store's ground truth."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bc_pipeline_tests.conftest import bc_url


def _v2_ts(s: str) -> int:
    return int(parsedate_to_datetime(s).timestamp())


def _v3_ts(s: str) -> int:
    return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())


def test_v2_date_filters_are_inclusive_in_both_formats(emulator, session):
    orders = emulator.store.records("orders")
    lo, hi = sorted(_v2_ts(o["date_modified"]) for o in orders)[10], sorted(_v2_ts(o["date_modified"]) for o in orders)[60]
    want = sorted(o["id"] for o in orders if lo <= _v2_ts(o["date_modified"]) <= hi)
    rfc = lambda ts: time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(ts))  # noqa: E731
    iso = lambda ts: datetime.fromtimestamp(ts, UTC).isoformat()  # noqa: E731
    for fmt in (rfc, iso):
        r = session.get(bc_url(emulator, "/v2/orders"),
                        params={"min_date_modified": fmt(lo), "max_date_modified": fmt(hi), "limit": 250})
        assert sorted(o["id"] for o in r.json()) == want
    count = session.get(bc_url(emulator, "/v2/orders/count"), params={"min_date_modified": iso(lo),
                                                                       "max_date_modified": iso(hi)}).json()
    assert count["count"] == len(want)


def test_v2_id_status_customer_filters_and_sort(emulator, session):
    orders = emulator.store.records("orders")
    r = session.get(bc_url(emulator, "/v2/orders"), params={"min_id": 10, "max_id": 20})
    assert [o["id"] for o in r.json()] == list(range(10, 21))
    r = session.get(bc_url(emulator, "/v2/orders"), params={"status_id": 11, "limit": 250})
    assert [o["id"] for o in r.json()] == [o["id"] for o in orders if o["status_id"] == 11]
    cust = next(o["customer_id"] for o in orders if o["customer_id"])
    r = session.get(bc_url(emulator, "/v2/orders"), params={"customer_id": cust})
    assert [o["id"] for o in r.json()] == [o["id"] for o in orders if o["customer_id"] == cust]
    r = session.get(bc_url(emulator, "/v2/orders"), params={"sort": "date_modified:desc", "limit": 250})
    got = [_v2_ts(o["date_modified"]) for o in r.json()]
    assert got == sorted(got, reverse=True) and len(got) == len(orders)


def test_v2_bad_date_is_400(emulator, session):
    r = session.get(bc_url(emulator, "/v2/orders"), params={"min_date_modified": "yesterday"})
    assert r.status_code == 400 and r.json()[0]["status"] == 400


def test_v3_customer_filters_inclusive_and_id_in(emulator, session):
    customers = emulator.store.records("customers")
    stamps = sorted(_v3_ts(c["date_modified"]) for c in customers)
    lo, hi = stamps[5], stamps[30]
    iso = lambda ts: datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    r = session.get(bc_url(emulator, "/v3/customers"),
                    params={"date_modified:min": iso(lo), "date_modified:max": iso(hi), "limit": 250})
    assert sorted(c["id"] for c in r.json()["data"]) == sorted(
        c["id"] for c in customers if lo <= _v3_ts(c["date_modified"]) <= hi)
    r = session.get(bc_url(emulator, "/v3/customers"), params={"id:in": "3,1,7"})
    assert [c["id"] for c in r.json()["data"]] == [1, 3, 7]
    assert session.get(bc_url(emulator, "/v3/customers"), params={"date_modified:min": "soon"}).status_code == 422


def test_v3_date_only_value_gets_the_request_time_of_day(emulator, session):
    products = emulator.store.records("products")
    day = products[len(products) // 2]["date_modified"][:10]
    midnight = calendar.timegm(time.strptime(day, "%Y-%m-%d"))
    before = int(time.time())
    r = session.get(bc_url(emulator, "/v3/catalog/products"), params={"date_modified:min": day, "limit": 250})
    after = int(time.time())
    got = sorted(p["id"] for p in r.json()["data"])
    expected = [sorted(p["id"] for p in products if _v3_ts(p["date_modified"]) >= midnight + t % 86400)
                for t in range(before, after + 1)]
    assert got in expected


def test_catalog_id_filters_sort_and_direction(emulator, session):
    products = emulator.store.records("products")
    r = session.get(bc_url(emulator, "/v3/catalog/products"), params={"id:min": 5, "id:max": 9})
    assert [p["id"] for p in r.json()["data"]] == [5, 6, 7, 8, 9]
    r = session.get(bc_url(emulator, "/v3/catalog/products"), params={"id:in": "2,4"})
    assert [p["id"] for p in r.json()["data"]] == [2, 4]
    r = session.get(bc_url(emulator, "/v3/catalog/products"),
                    params={"sort": "date_modified", "direction": "desc", "limit": 250})
    got = [p["date_modified"] for p in r.json()["data"]]
    assert got == sorted(got, reverse=True) and len(got) == len(products)
    r = session.get(bc_url(emulator, "/v3/catalog/products"), params={"sort": "name", "limit": 250})
    names = [p["name"] for p in r.json()["data"]]
    assert names == sorted(names)
    r = session.get(bc_url(emulator, "/v3/catalog/products"), params={"include": "options", "limit": 50})
    assert len(r.json()["data"]) == 10  # documented: options/modifiers limit a page to 10


def test_variants_filters(emulator, session):
    variants = emulator.store.records("variants")
    pids = sorted({v["product_id"] for v in variants})[:3]
    r = session.get(bc_url(emulator, "/v3/catalog/variants"),
                    params={"product_id:in": ",".join(map(str, pids)), "limit": 250})
    assert [v["id"] for v in r.json()["data"]] == [v["id"] for v in variants if v["product_id"] in pids]
    sku = variants[3]["sku"]
    r = session.get(bc_url(emulator, "/v3/catalog/variants"), params={"sku": sku})
    assert [v["sku"] for v in r.json()["data"]] == [sku]


def test_cursor_before_walks_back(emulator, session):
    first = session.get(bc_url(emulator, "/v3/customers"), params={"limit": 10}).json()
    second = session.get(bc_url(emulator, "/v3/customers"),
                         params={"limit": 10, "after": first["meta"]["cursor_pagination"]["end_cursor"]}).json()
    back = session.get(bc_url(emulator, "/v3/customers"),
                       params={"limit": 10, "before": second["meta"]["cursor_pagination"]["start_cursor"]}).json()
    assert [c["id"] for c in back["data"]] == [c["id"] for c in first["data"]]
    assert "previous" not in back["meta"]["cursor_pagination"]["links"]
    assert session.get(bc_url(emulator, "/v3/customers"), params={"after": "!!"}).status_code == 422
