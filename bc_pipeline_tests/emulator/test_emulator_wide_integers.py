"""The emulator answers every request: filter values past 64 bits get the documented 422 (v3) or 400 (v2)
instead of a dropped connection, a record holding an integer past 64 bits is served (orjson cannot encode it:
the stdlib does), and an id past 64 bits is refused when the record is created."""

from __future__ import annotations

import pytest

from bc_pipeline_tests.conftest import bc_session, bc_url

TOO_BIG = 2**63  # one past BIGINT


@pytest.mark.parametrize("path", [
    f"/v3/catalog/products?id:in=1,{TOO_BIG}",
    f"/v3/customers?id:in={10**20}",
    f"/v3/catalog/variants?product_id:in={TOO_BIG}",
    f"/v3/catalog/products?id:min=-{10**20}",
    f"/v3/customers/subscribers?id:in={TOO_BIG}",
])
def test_v3_filter_values_past_64_bits_get_422(module_emulator, path):
    resp = bc_session(module_emulator).get(bc_url(module_emulator, path), timeout=10)
    assert resp.status_code == 422
    assert "must be between" in resp.json()["title"]


def test_v2_filter_values_past_64_bits_get_400(module_emulator):
    resp = bc_session(module_emulator).get(bc_url(module_emulator, f"/v2/orders?min_id={TOO_BIG}"), timeout=10)
    assert resp.status_code == 400
    assert "min_id must be between" in resp.json()[0]["message"]


def test_a_record_holding_an_integer_past_64_bits_is_served(emulator, session):
    product = emulator.store.records("products")[0]
    emulator.store.update("products", product["id"], inventory_level=2**70)
    resp = session.get(bc_url(emulator, f"/v3/catalog/products?id:in={product['id']}"))
    assert resp.status_code == 200
    assert resp.json()["data"][0]["inventory_level"] == 2**70


def test_an_id_past_64_bits_is_refused_at_creation_and_changes_nothing(emulator):
    order = emulator.store.records("orders")[0]
    with pytest.raises(ValueError, match="customer_id: .* does not fit in 64 bits"):
        emulator.store.update("orders", order["id"], customer_id=TOO_BIG)
    with pytest.raises(ValueError, match="does not fit in 64 bits"):
        emulator.store.create("customers", id=TOO_BIG)
    assert emulator.store.records("orders")[0] == order
