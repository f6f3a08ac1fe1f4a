"""Smoke test of the emulator over real HTTP: every listing endpoint answers with its documented envelope."""

from __future__ import annotations

from bc_pipeline_tests.conftest import bc_url

V3_LISTS = ["/v3/customers", "/v3/customers/addresses", "/v3/customers/attribute-values",
            "/v3/customers/subscribers", "/v3/catalog/products", "/v3/catalog/variants",
            "/v3/catalog/categories", "/v3/catalog/brands", "/v3/hooks"]
V2_LISTS = ["/v2/orders", "/v2/order_statuses", "/v2/orders/1/products", "/v2/orders/1/shipping_addresses"]


def test_v3_listings_have_data_and_pagination(emulator, session):
    for path in V3_LISTS:
        r = session.get(bc_url(emulator, path))
        assert r.status_code == 200, path
        body = r.json()
        assert isinstance(body["data"], list), path
        assert set(body["meta"]["pagination"]) >= {"total", "count", "per_page", "current_page", "total_pages"}


def test_v2_listings_are_bare_arrays(emulator, session):
    for path in V2_LISTS:
        r = session.get(bc_url(emulator, path))
        assert r.status_code == 200, path
        assert isinstance(r.json(), list) and r.json(), path


def test_every_response_carries_rate_limit_headers(emulator, session):
    r = session.get(bc_url(emulator, "/v2/time"))
    for name in ("X-Rate-Limit-Requests-Left", "X-Rate-Limit-Requests-Quota", "X-Rate-Limit-Time-Reset-Ms",
                 "X-Rate-Limit-Time-Window-Ms"):
        assert r.headers[name].isdigit(), name


def test_attribute_definitions_cover_every_attribute_value(emulator, session):
    defs = session.get(bc_url(emulator, "/v3/customers/attributes"), params={"limit": 250}).json()["data"]
    assert all(set(d) == {"id", "name", "type", "date_created", "date_modified"} for d in defs)
    used = {a["attribute_id"] for a in emulator.store.records("customer_attribute_values")}
    assert used and used <= {d["id"] for d in defs}
