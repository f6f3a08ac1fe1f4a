"""Every endpoint the emulator serves answers in the shape the project's response contract describes.

The contract (fixtures/response_contract/) is the project's own account of the BigCommerce API's answers:
field names, JSON types, nullability, formats, the keys always present and the enums the API fixes. A sample
of each GET endpoint's answers (every include, every consignment kind, first pages of each listing) is
validated against it on every run. Where BC_OPENAPI_EXTRACTS names extracts of the official OpenAPI files,
the same answers are also validated against those (see response_contract_support), and
test_response_contract_official.py checks that the contract agrees with them field by field.
"""

from __future__ import annotations

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_emulator.routes import ROUTES, resolve
from bc_pipeline_tests.conftest import bc_session, bc_url
from bc_pipeline_tests.fixtures.response_contract import RESPONSES
from bc_pipeline_tests.response_contract_support import (
    NO_EXTRACTS,
    OPENAPI,
    ORDER_INCLUDES,
    SAMPLES,
    contract_errors,
    official_errors,
)

IDS = [f"{path}?{'&'.join(query)}" for _, path, query in SAMPLES]


@pytest.fixture(scope="module")
def store():
    with Emulator(EmulatorConfig(seed=42, customers=80, orders=120, products=30, quota=None)) as emu:
        session = bc_session(emu)
        hook = session.post(bc_url(emu, "/v3/hooks"), json={"scope": "store/order/*", "is_active": True,
                                                            "destination": "https://x.test/h"}, timeout=10)
        hook.raise_for_status()
        made = {"hook": hook.json()["data"]["id"], "cart": emu.store.create_cart(customer_id=3)}
        yield emu, session, made
        session.close()


def _get(store, path: str, query: dict):
    emu, session, made = store
    r = session.get(bc_url(emu, path.format(**made)), params=query, timeout=30)
    assert r.status_code == 200, r.text[:200]
    return r.json()


@pytest.mark.parametrize("endpoint,path,query", SAMPLES, ids=IDS)
def test_response_matches_the_contract(store, endpoint, path, query):
    assert contract_errors(endpoint, query, _get(store, path, query)) == []


@pytest.mark.skipif(OPENAPI is None, reason=NO_EXTRACTS)
@pytest.mark.parametrize("endpoint,path,query", SAMPLES, ids=IDS)
def test_response_matches_the_official_schema(store, endpoint, path, query):
    assert official_errors(endpoint, _get(store, path, query)) == []


def test_every_get_route_and_every_contract_endpoint_is_sampled():
    sampled = {resolve("GET", path[1:3], path[3:].format(hook=1, cart="c"))[0] for _, path, _ in SAMPLES}
    assert {handler for method, _, _, handler, _ in ROUTES if method == "GET"} == sampled
    assert {endpoint for endpoint, _, _ in SAMPLES} == set(RESPONSES)


def test_the_sample_covers_every_consignment_kind(store):
    kinds = set()
    for oid in (11, 13, 14, 15):
        cons = _get(store, f"/v2/orders/{oid}", ORDER_INCLUDES)["consignments"]
        kinds |= {k for k in ("shipping", "pickups", "downloads") if cons[k]}
        kinds |= {"gift_certificates"} if cons["email"]["gift_certificates"] else set()
    assert kinds == {"shipping", "pickups", "downloads", "gift_certificates"}


def test_the_contract_catches_a_wrong_shape(store):
    products = _get(store, "/v2/orders/7/products", {"limit": 5})
    products[0]["event_date"] = ""  # what the emulator used to send: neither a date nor null
    products[1]["quantity"] = "2"
    assert {e.split(":")[0] for e in contract_errors("/v2/orders/{id}/products", {}, products)} == {
        "0/event_date", "1/quantity"}
    query = {"limit": 3, "include": "formfields"}
    addresses = _get(store, "/v3/customers/addresses", query)
    del addresses["data"][0]["form_fields"][0]["address_id"]
    del addresses["data"][1]["form_fields"]
    assert contract_errors("/v3/customers/addresses", query, addresses) == [
        "data/0/form_fields/0: 'address_id' is a required property", "data/1: 'form_fields' is a required property"]


def test_a_converted_cart_is_gone(store):
    emu, session, made = store
    emu.store.convert_cart(made["cart"])
    assert session.get(bc_url(emu, f"/v3/carts/{made['cart']}"), timeout=10).status_code == 404
