"""A second, independent client: plain `requests` code written from the reference (not bc_pipeline's client)
pages every endpoint to its end and must get every generated record exactly once, equal to the ground truth.

Stop rules used, as the reference describes them: v2 stops at 204 No Content; v3 offset paging stops when
current_page >= total_pages; v3 cursor paging stops when meta.cursor_pagination.links.next is absent.
"""

from __future__ import annotations

import pytest
import requests


@pytest.fixture(scope="module")
def store():
    from bc_emulator import Emulator, EmulatorConfig

    with Emulator(EmulatorConfig(seed=8, customers=90, orders=140, products=35, quota=None)) as emu:
        yield emu


@pytest.fixture(scope="module")
def http(store):
    s = requests.Session()
    s.headers.update({"X-Auth-Token": store.access_token, "Accept": "application/json"})
    base = f"{store.api_url}/stores/{store.store_hash}"

    def get(path: str, params: dict | None = None) -> requests.Response:
        r = s.get(base + path, params=params, timeout=30)
        assert r.status_code in (200, 204), (path, params, r.status_code, r.text[:200])
        return r

    yield get
    s.close()


def v2_all(get, path: str, params: dict | None = None, limit: int = 250) -> list[dict]:
    out, page = [], 1
    while True:
        r = get(path, {**(params or {}), "page": page, "limit": limit})
        if r.status_code == 204:
            return out
        out.extend(r.json())
        page += 1


def v3_pages(get, path: str, params: dict | None = None, limit: int = 250) -> list[dict]:
    out, page = [], 1
    while True:
        body = get(path, {**(params or {}), "page": page, "limit": limit}).json()
        out.extend(body["data"])
        pag = body["meta"]["pagination"]
        if pag["current_page"] >= pag["total_pages"]:
            return out
        page += 1


def v3_cursor(get, path: str, params: dict | None = None, limit: int = 50) -> list[dict]:
    body = get(path, {**(params or {}), "limit": limit}).json()
    out = list(body["data"])
    while body["meta"]["cursor_pagination"]["links"].get("next"):
        body = get(path, {**(params or {}), "limit": limit,
                          "after": body["meta"]["cursor_pagination"]["end_cursor"]}).json()
        assert "pagination" not in body["meta"]  # only cursor_pagination with after/before, as documented
        out.extend(body["data"])
    return out


def once_and_equal(got: list[dict], truth: list[dict]) -> None:
    ids = [r["id"] for r in got]
    assert len(ids) == len(set(ids)), "a record came twice"
    assert sorted(ids) == [r["id"] for r in truth]
    by_id = {r["id"]: r for r in got}
    assert [by_id[r["id"]] for r in truth] == truth


CUSTOMER_INCLUDES = {"include": "addresses,attributes,formfields,storecredit"}


def test_customers_by_page_and_by_cursor(store, http):
    truth = store.store.records("customers")
    once_and_equal(v3_pages(http, "/v3/customers", CUSTOMER_INCLUDES, limit=20), truth)
    once_and_equal(v3_cursor(http, "/v3/customers", CUSTOMER_INCLUDES, limit=17), truth)
    sorted_by_modified = v3_cursor(http, "/v3/customers", {**CUSTOMER_INCLUDES, "sort": "date_modified:asc"}, 13)
    once_and_equal(sorted_by_modified, truth)
    assert [c["date_modified"] for c in sorted_by_modified] == sorted(c["date_modified"] for c in truth)


def test_customer_addresses_attribute_values_and_subscribers(store, http):
    once_and_equal(v3_pages(http, "/v3/customers/addresses", {"include": "formfields"}, limit=40),
                   store.store.records("customer_addresses"))
    once_and_equal(v3_pages(http, "/v3/customers/attribute-values", limit=40),
                   store.store.records("customer_attribute_values"))
    once_and_equal(v3_pages(http, "/v3/customers/subscribers", limit=30), store.store.records("subscribers"))


def test_orders_with_consignments(store, http):
    params = {"include": "consignments.line_items", "consignment_structure": "object"}
    once_and_equal(v2_all(http, "/v2/orders", params, limit=25), store.store.records("orders"))


def test_orders_by_keyset_on_min_id(store, http):
    got, min_id = [], 1
    while True:
        r = http("/v2/orders", {"min_id": min_id, "limit": 30, "sort": "id:asc",
                                "include": "consignments.line_items", "consignment_structure": "object"})
        if r.status_code == 204:
            break
        page = r.json()
        got.extend(page)
        min_id = page[-1]["id"] + 1
    once_and_equal(got, store.store.records("orders"))


def test_order_sub_resources(store, http):
    products, shipping, coupons = [], [], []
    for order in v2_all(http, "/v2/orders"):
        products += v2_all(http, f"/v2/orders/{order['id']}/products", limit=50)
        shipping += v2_all(http, f"/v2/orders/{order['id']}/shipping_addresses")
        coupons += v2_all(http, f"/v2/orders/{order['id']}/coupons")
    once_and_equal(products, store.store.records("order_products"))
    once_and_equal(shipping, store.store.records("order_shipping_addresses"))
    once_and_equal(coupons, store.store.records("order_coupons"))
    assert http("/v2/orders/count").json()["count"] == len(store.store.records("orders"))
    assert http("/v2/order_statuses").json() == store.store.records("order_statuses")


def test_catalog(store, http):
    includes = {"include": "variants,custom_fields,options,images"}
    once_and_equal(v3_pages(http, "/v3/catalog/products", includes), store.store.records("products"))
    got, id_min = [], 1
    while True:  # keyset on id:min, the other documented way
        data = http("/v3/catalog/products", {**includes, "id:min": id_min, "limit": 10}).json()["data"]
        if not data:
            break
        got += data
        id_min = data[-1]["id"] + 1
    once_and_equal(got, store.store.records("products"))
    once_and_equal(v3_pages(http, "/v3/catalog/variants", limit=60), store.store.records("variants"))
    once_and_equal(v3_pages(http, "/v3/catalog/categories", limit=5), store.store.records("categories"))
    once_and_equal(v3_pages(http, "/v3/catalog/brands", limit=4), store.store.records("brands"))
