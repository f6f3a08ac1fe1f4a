"""Each documented webhook payload names the record the pipeline must refetch or mark deleted.

The payloads are BigCommerce's own callback examples (fixtures/webhooks, see its README). A known scope with
the wrong `data` is a malformed event; an unknown scope is a no-op, not an error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bc_pipeline.webhooks.models import WebhookPayload
from bc_pipeline.webhooks.scopes import ShapeError, Target, target_of

FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"


def _payload(name: str, **changes: object) -> WebhookPayload:
    raw = json.loads((FIXTURES / f"{name}.json").read_text())
    raw.update(changes)
    return WebhookPayload.model_validate(raw)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("store_customer_created", Target("customers", 32)),
        ("store_customer_deleted", Target("customers", 32, delete=True)),
        ("store_customer_address_updated", Target("customers", 32)),  # the customer, not address 60
        ("store_order_created", Target("orders", 250)),
        ("store_order_statusUpdated", Target("orders", 250)),
        ("store_order_refund_created", Target("orders", 250)),
        ("store_order_transaction_created", Target("orders", 250)),  # data.order_id, a string
        ("store_cart_converted", Target("orders", 252)),  # data.orderId
        ("store_product_updated", Target("products", 205)),
        ("store_product_inventory_updated", Target("products", 167)),
        ("store_product_deleted", Target("products", 205, delete=True)),
        ("store_sku_updated", Target("products", 206)),  # the product brings its variants
        ("store_sku_inventory_updated", Target("products", 206)),
        ("store_sku_deleted", Target("variants", 509, delete=True)),  # variant_id, not the v2 sku id 461
        ("store_category_deleted", Target("categories", 42, delete=True)),
        ("store_subscriber_updated", Target("subscribers", 5)),
        ("store_subscriber_deleted", Target("subscribers", 5, delete=True)),
        ("store_cart_created", None),  # carts are not stored: a no-op
    ],
)
def test_documented_payload_names_its_record(fixture: str, expected: Target | None) -> None:
    assert target_of(_payload(fixture)) == expected


def test_brand_and_channel_order_scopes() -> None:
    brand = _payload("store_category_deleted", scope="store/brand/updated", data={"type": "brand", "id": 7})
    assert target_of(brand) == Target("brands", 7)
    channel = _payload("store_order_created", scope="store/channel/1/order/updated", data={"order_id": 127})
    assert target_of(channel) == Target("orders", 127)


def test_sku_delete_without_variant_refetches_the_product() -> None:
    sku = _payload("store_sku_deleted", data={"type": "sku", "id": 461, "sku": {"product_id": 206}})
    assert target_of(sku) == Target("products", 206)


@pytest.mark.parametrize(
    ("scope", "data"),
    [
        ("store/order/created", {"type": "order"}),  # no id
        ("store/order/created", {"type": "order", "id": "two hundred"}),
        ("store/customer/address/created", {"type": "customer", "id": 60}),  # no address.customer_id
        ("store/sku/updated", {"type": "sku", "id": 461}),  # neither sku nor inventory
        ("store/cart/converted", {"type": "cart", "id": "d300"}),  # no orderId
        ("store/product/updated", {"type": "product", "id": -3}),
    ],
)
def test_known_scope_with_wrong_data_is_a_shape_error(scope: str, data: dict) -> None:
    with pytest.raises(ShapeError, match=scope):
        target_of(_payload("store_order_created", scope=scope, data=data))


def test_envelope_keeps_unknown_fields_and_rejects_missing_ones() -> None:
    payload = _payload("store_order_created", new_field_from_bigcommerce=1)
    assert payload.model_extra == {"new_field_from_bigcommerce": 1}
    raw = json.loads((FIXTURES / "store_order_created.json").read_text())
    del raw["hash"]
    with pytest.raises(ValueError, match="hash"):
        WebhookPayload.model_validate(raw)
