"""Customers v2 over real HTTP: paging to the end gives exactly the store's customers, each the same as its v3
record; the documented v2 shapes (customers.v2.yml customer_Full / customerAddress_Full), filters, counts, 204s
and errors; a mutation made through the store shows in v2 as in v3.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

import pytest

from bc_pipeline_tests.conftest import bc_session, bc_url

# customers.v2.yml: customer_Full = id, date_created, date_modified + customer_Base (less _authentication,
# "not returned in any responses"); customerAddress_Full = id, country_iso2 + customerAddress_Base.
CUSTOMER_FIELDS = {"id", "date_created", "date_modified", "company", "first_name", "last_name", "email", "phone",
                   "store_credit", "registration_ip_address", "customer_group_id", "notes", "tax_exempt_category",
                   "accepts_marketing", "addresses", "form_fields", "reset_pass_on_login"}
ADDRESS_FIELDS = {"id", "country_iso2", "customer_id", "first_name", "last_name", "company", "street_1", "street_2",
                  "city", "state", "zip", "country", "phone", "address_type"}
SAME_AS_V3 = ("id", "company", "first_name", "last_name", "email", "phone", "registration_ip_address",
              "customer_group_id", "notes", "tax_exempt_category", "form_fields")
ADDRESS_FROM_V3 = {"id": "id", "customer_id": "customer_id", "first_name": "first_name", "last_name": "last_name",
                   "company": "company", "street_1": "address1", "street_2": "address2", "city": "city",
                   "state": "state_or_province", "zip": "postal_code", "country": "country",
                   "country_iso2": "country_code", "phone": "phone", "address_type": "address_type"}
RFC2822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")


def v2_pages(session, emu, path, **params):
    """Every record of a v2 listing, paged by page number until the 204 that ends it."""
    out, page = [], 1
    while True:
        r = session.get(bc_url(emu, path), params={**params, "page": page})
        if r.status_code == 204:
            assert r.content == b""
            return out
        assert r.status_code == 200, r.text[:300]
        out.extend(r.json())
        page += 1


def v3_customers(session, emu) -> dict[int, dict]:
    body = session.get(bc_url(emu, "/v3/customers"), params={"limit": 250, "include": "formfields,storecredit"}).json()
    assert body["meta"]["pagination"]["total_pages"] == 1
    return {c["id"]: c for c in body["data"]}


def assert_same_customer(v2: dict, v3: dict) -> None:
    assert set(v2) == CUSTOMER_FIELDS
    for name in SAME_AS_V3:
        assert v2[name] == v3[name], name
    for name in ("date_created", "date_modified"):
        assert RFC2822.match(v2[name]), v2[name]
        assert parsedate_to_datetime(v2[name]) == datetime.fromisoformat(v3[name]), name
    assert re.fullmatch(r"\d+\.\d{4}", v2["store_credit"])
    assert Decimal(v2["store_credit"]) == sum(Decimal(str(c["amount"])) for c in v3["store_credit_amounts"])
    assert v2["accepts_marketing"] is v3["accepts_product_review_abandoned_cart_emails"]
    assert v2["reset_pass_on_login"] is v3["authentication"]["force_password_reset"]
    assert v2["addresses"]["resource"] == f"/customers/{v2['id']}/addresses"
    assert v2["addresses"]["url"].endswith(f"/v2/customers/{v2['id']}/addresses")


def test_paging_to_the_end_returns_every_customer_once_equal_to_v3(module_emulator):
    emu, session = module_emulator, bc_session(module_emulator)
    listed = v2_pages(session, emu, "/v2/customers", limit=7)
    ids = [c["id"] for c in listed]
    assert ids == [c["id"] for c in emu.store.records("customers")]  # default order: id ascending, no repeats
    v3 = v3_customers(session, emu)
    for c in listed:
        assert_same_customer(c, v3[c["id"]])
    assert session.get(bc_url(emu, "/v2/customers/count")).json() == {"count": len(ids)}
    assert session.get(bc_url(emu, f"/v2/customers/{ids[4]}")).json() == listed[4]
    assert any(Decimal(c["store_credit"]) for c in listed) and any(c["accepts_marketing"] for c in listed)


def test_date_filters_accept_rfc2822_and_iso_and_are_inclusive(module_emulator):
    emu, session = module_emulator, bc_session(module_emulator)
    every = v2_pages(session, emu, "/v2/customers", limit=250)
    stamps = sorted({parsedate_to_datetime(c["date_modified"]) for c in every})
    lo, hi = stamps[len(stamps) // 4], stamps[3 * len(stamps) // 4]
    want = sorted(c["id"] for c in every if lo <= parsedate_to_datetime(c["date_modified"]) <= hi)
    rfc = {"min_date_modified": lo.strftime("%a, %d %b %Y %H:%M:%S +0000"),
           "max_date_modified": hi.strftime("%a, %d %b %Y %H:%M:%S +0000")}
    iso = {"min_date_modified": lo.isoformat(), "max_date_modified": hi.isoformat()}
    for params in (rfc, iso):
        got = v2_pages(session, emu, "/v2/customers", limit=5, **params)
        assert [c["id"] for c in got] == want
        assert session.get(bc_url(emu, "/v2/customers/count"), params=params).json() == {"count": len(want)}
    created = sorted(parsedate_to_datetime(c["date_created"]) for c in every)[10]
    newer = v2_pages(session, emu, "/v2/customers", min_date_created=created.isoformat())
    assert {c["id"] for c in newer} == {c["id"] for c in every if parsedate_to_datetime(c["date_created"]) >= created}


def test_id_range_sort_field_filter_and_204(module_emulator):
    emu, session = module_emulator, bc_session(module_emulator)
    url = bc_url(emu, "/v2/customers")
    assert [c["id"] for c in session.get(url, params={"min_id": 5, "max_id": 9}).json()] == [5, 6, 7, 8, 9]
    newest = session.get(url, params={"sort": "date_modified:desc", "limit": 250}).json()
    keys = [(parsedate_to_datetime(c["date_modified"]), -c["id"]) for c in newest]
    assert keys == sorted(keys, reverse=True)
    target = session.get(bc_url(emu, "/v2/customers/7")).json()
    assert [c["id"] for c in session.get(url, params={"email": target["email"]}).json()] == [7]
    nothing = session.get(url, params={"min_id": 10_000})
    assert nothing.status_code == 204 and nothing.content == b""
    assert session.get(url, params={"min_date_created": "2099-01-01"}).status_code == 204
    assert session.get(bc_url(emu, "/v2/customers/count"), params={"min_id": 10_000}).json() == {"count": 0}


@pytest.mark.parametrize(("params", "status"), [({"min_date_modified": "yesterday"}, 400),
                                                ({"sort": "email"}, 400), ({"limit": 251}, 413)])
def test_bad_parameters_get_the_v2_error_body(module_emulator, params, status):
    r = bc_session(module_emulator).get(bc_url(module_emulator, "/v2/customers"), params=params)
    assert r.status_code == status
    (err,) = r.json()
    assert err["status"] == status and err["message"]


def test_addresses_are_complete_and_match_v3(module_emulator):
    emu, session = module_emulator, bc_session(module_emulator)
    v3 = session.get(bc_url(emu, "/v3/customers/addresses"), params={"customer_id:in": 3, "limit": 250}).json()
    listed = v2_pages(session, emu, "/v2/customers/3/addresses", limit=5)
    assert len(listed) == 12  # not capped at 10 like v3's embedded list
    for got, want in zip(listed, v3["data"], strict=True):
        assert set(got) == ADDRESS_FIELDS
        assert got == {v2: want[v3_name] for v2, v3_name in ADDRESS_FROM_V3.items()}
    assert session.get(bc_url(emu, "/v2/customers/3/addresses/count")).json() == {"count": 12}
    assert session.get(bc_url(emu, f"/v2/customers/3/addresses/{listed[11]['id']}")).json() == listed[11]
    counts = {c["id"]: c["address_count"] for c in emu.store.records("customers")}
    without = next(cid for cid, n in counts.items() if n == 0)
    assert session.get(bc_url(emu, f"/v2/customers/{without}/addresses")).status_code == 204
    assert session.get(bc_url(emu, f"/v2/customers/{without}/addresses/count")).json() == {"count": 0}


def test_unknown_customer_is_a_v2_404_and_customers_need_the_customers_scope(emulator):
    session = bc_session(emulator)
    for path in ("/v2/customers/99999", "/v2/customers/99999/addresses", "/v2/customers/1/addresses/5"):
        r = session.get(bc_url(emulator, path))
        assert r.status_code == 404 and r.json()[0]["status"] == 404, path
    emulator.add_token("orders-only", scopes=["store_v2_orders_read_only"])
    assert bc_session(emulator, "orders-only").get(bc_url(emulator, "/v2/customers")).status_code == 403


def test_a_mutation_shows_in_v2_as_in_v3(emulator):
    store, session = emulator.store, bc_session(emulator)
    before = session.get(bc_url(emulator, "/v2/customers/5")).json()
    store.update("customers", 5, first_name="Ñandú", store_credit_amounts=[{"amount": 12.5}, {"amount": 0.25}],
                 accepts_product_review_abandoned_cart_emails=not before["accepts_marketing"])
    after = session.get(bc_url(emulator, "/v2/customers/5")).json()
    assert after["first_name"] == "Ñandú" and after["store_credit"] == "12.7500"
    assert after["accepts_marketing"] is not before["accepts_marketing"]
    assert parsedate_to_datetime(after["date_modified"]) > parsedate_to_datetime(before["date_modified"])
    assert_same_customer(after, v3_customers(session, emulator)[5])
    changed = session.get(bc_url(emulator, "/v2/customers"), params={"min_date_modified": after["date_modified"]})
    assert [c["id"] for c in changed.json()] == [5]

    cid = store.create("customers", first_name="Nova", last_name="Kund", email="nova.kund@example.com")
    created = session.get(bc_url(emulator, f"/v2/customers/{cid}")).json()
    assert created["email"] == "nova.kund@example.com"
    assert_same_customer(created, v3_customers(session, emulator)[cid])
    assert session.get(bc_url(emulator, "/v2/customers/count")).json() == {"count": store.count("customers")}
    store.delete("customers", cid)
    assert session.get(bc_url(emulator, f"/v2/customers/{cid}")).status_code == 404
    assert cid not in [c["id"] for c in v2_pages(session, emulator, "/v2/customers", limit=250)]
