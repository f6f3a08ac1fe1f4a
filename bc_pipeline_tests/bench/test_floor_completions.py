"""The benchmark's fair floor: the completions the emulator says a store needs are exactly what its API shows
as capped, and the floor's requests for them fetch every missing record, each answer within one page.

Against a real emulator over HTTP on 127.0.0.1: the orders and customers are read page by page as a client
reads them, and the floor's completion requests are sent as the floor client sends them.
"""

from __future__ import annotations

import pytest

from bc_pipeline_tests.conftest import bc_session, bc_url
from bench.floor import PAGE, completion_requests
from bench.store_completions import completions


@pytest.fixture(scope="module")
def store():
    from bc_emulator import Emulator, EmulatorConfig

    # big enough to hold truncated orders of every consignment kind and customers with long lists
    with Emulator(EmulatorConfig(seed=42, orders=2_000, customers=500, products=100, quota=None)) as emu:
        yield emu


def _all(session, emu, path: str, params: dict, v3: bool) -> list[dict]:
    out, page = [], 1
    while True:
        response = session.get(bc_url(emu, path), params={**params, "limit": PAGE, "page": page})
        response.raise_for_status()
        records = (response.json()["data"] if v3 else response.json()) if response.status_code != 204 else []
        out += records
        if len(records) < PAGE:
            return out
        page += 1


def test_the_truncated_orders_are_those_the_listing_marks(store):
    with bc_session(store) as session:
        listed = _all(session, store, "/v2/orders", {"include": "consignments.line_items",
                                                     "consignment_structure": "object"}, v3=False)
    marked = {o["id"] for o in listed if "__warning__" in o}
    needed = completions(store)["order_products"]
    assert marked and {oid for oid, _ in needed} == marked
    assert all(n > 50 for _, n in needed)


def test_the_customers_with_long_lists_are_those_the_listing_caps(store):
    with bc_session(store) as session:
        listed = _all(session, store, "/v3/customers", {"include": "addresses,attributes"}, v3=True)
    assert len({c["id"] for c in listed}) == 500
    needed = completions(store)
    for key, count, name in (("addresses", "address_count", "customer_addresses"),
                             ("attributes", "attribute_count", "customer_attribute_values")):
        capped = {c["id"]: c[count] for c in listed if c[count] > len(c[key])}
        assert capped and dict(map(tuple, needed[name])) == capped


def test_the_floor_completion_requests_fetch_every_missing_record_in_one_page_each(store):
    needed = completions(store)
    fetched = {"order_products": 0, "customer_addresses": 0, "customer_attribute_values": 0}
    with bc_session(store) as session:
        for path, params in completion_requests(needed):
            response = session.get(bc_url(store, path), params=params)
            response.raise_for_status()
            body = response.json()
            if path.startswith("/v2/orders/"):
                fetched["order_products"] += len(body)
            else:
                assert body["meta"]["pagination"]["total_pages"] == 1  # packed to fit one page
                kind = "customer_addresses" if path.endswith("/addresses") else "customer_attribute_values"
                fetched[kind] += len(body["data"])
    assert fetched == {name: sum(n for _, n in records) for name, records in needed.items()}
    assert len(completion_requests(needed)) < sum(len(records) for records in needed.values())
