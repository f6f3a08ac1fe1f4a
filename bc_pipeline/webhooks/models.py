"""Pydantic models of BigCommerce webhook callbacks, as documented.

BigCommerce posts a light envelope (`scope`, `store_id`, `data`, `hash`, `created_at`, `producer`); `data`
names the thing that changed and never carries the record itself. The envelope is validated strictly enough
to tell a webhook from any other JSON (a file that fails goes to quarantine), while unknown extra fields are
kept, because BigCommerce may add fields without notice. The shape of `data` depends on the scope; the
models here are the documented shapes (events/index.mdx, events/channels.mdx, docs/webhooks/callbacks/data).
Ids may arrive as strings (`"order_id": "250"` on transaction events); they are coerced to int.

Every field that reaches SQL or an API call is range-checked here, so a hostile or corrupt payload is refused
at validation (and quarantined with the reason) rather than failing a run: ids are 1..2^63-1 (DuckDB's BIGINT,
and what the API's `id:in` accepts), strings have a maximum length, timestamps a plausible range.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

MAX_ID = 2**63 - 1  # BIGINT: an id past it could be neither stored nor asked for
MAX_CREATED_AT = 253_402_300_799  # 9999-12-31T23:59:59Z, the last instant a TIMESTAMPTZ formats

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, StringConstraints(max_length=200)]
Scope = Annotated[str, StringConstraints(min_length=7, max_length=200, pattern=r"^store/[A-Za-z0-9_/{}*.-]+$")]


class _Lenient(BaseModel):
    """Documented fields are checked; fields BigCommerce adds later are kept, never a reason to reject."""

    model_config = ConfigDict(extra="allow", frozen=True)


class WebhookPayload(_Lenient):
    """The envelope every callback has (webhooks.v3.yml: scope, store_id, data, hash, created_at, producer)."""

    scope: Scope
    store_id: Text | Annotated[int, Field(ge=0, le=MAX_ID)]
    data: dict[str, Any]
    hash: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    created_at: Annotated[int, Field(ge=0, le=MAX_CREATED_AT)]
    producer: Text | None = None


class IdData(_Lenient):
    """`{type, id}`: customers, orders, products, categories, brands, subscribers."""

    type: Text | None = None
    id: RecordId


class AddressRef(_Lenient):
    customer_id: RecordId


class CustomerAddressData(_Lenient):
    """store/customer/address/*: `id` is the address; the customer is `address.customer_id`."""

    id: RecordId | None = None
    address: AddressRef


class CustomerIdData(_Lenient):
    """store/customer/channel/login/access/updated: `{customer_id, channel_ids}`."""

    customer_id: RecordId


class SkuRef(_Lenient):
    product_id: RecordId
    variant_id: RecordId | None = None


class SkuData(_Lenient):
    """store/sku/*: `id` is the v2 SKU id; the variant is `sku.variant_id` (or `inventory.variant_id`)."""

    id: RecordId | None = None
    sku: SkuRef | None = None
    inventory: SkuRef | None = None

    @model_validator(mode="after")
    def _names_a_product(self) -> SkuData:
        if self.sku is None and self.inventory is None:
            raise ValueError("a store/sku event needs data.sku or data.inventory (product_id, variant_id)")
        return self

    def ref(self) -> SkuRef:
        return self.sku or self.inventory  # type: ignore[return-value]  # one is set (validated above)


class OrderIdData(_Lenient):
    """store/order/transaction/* and store/channel/{id}/order/*: the order is `order_id`."""

    order_id: RecordId


class CartConvertedData(_Lenient):
    """store/cart/converted: `id` is the cart's UUID, `orderId` the new order."""

    id: Text | None = None
    orderId: RecordId  # noqa: N815 - BigCommerce's own field name
