"""Which record each webhook scope names, and whether it says the record is gone.

One table of rules, checked in order (the first pattern that matches the whole scope wins). A rule names the
documented `data` shape and how to turn it into a `Target`: the stream to refetch (the stream table in
bc_pipeline/streams.py) and the id, or a delete. A scope no rule matches is not an error: BigCommerce has
many scopes this pipeline does not store (carts, metafields, shipments...), and those events are no-ops.
A scope a rule matches but whose `data` lacks the documented id is a malformed event (quarantined).

Decisions that are not in BigCommerce's docs:
* store/brand/created|updated|deleted are not documented (only brand metafields are); they are handled with
  the `{type, id}` shape of the other catalog scopes, which is what the local emulator sends.
* store/sku/* changes refetch the parent product (`data.sku.product_id`; the products stream brings every
  variant with it, one request per 250 products): the variants endpoint documents no `id:in` filter, only
  `product_id:in`, which costs the same. store/sku/deleted marks the variant (`variant_id`) deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from bc_pipeline.webhooks.models import (
    CartConvertedData,
    CustomerAddressData,
    CustomerIdData,
    IdData,
    OrderIdData,
    SkuData,
    WebhookPayload,
)


@dataclass(frozen=True, order=True)
class Target:
    """A record a webhook names: refetch it from `stream`, or (delete=True) mark its rows deleted."""

    stream: str
    id: int
    delete: bool = False


class ShapeError(ValueError):
    """A known scope whose `data` does not have the documented shape."""


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    model: type[BaseModel]
    target: Callable[[Any], Target]


def _rule(pattern: str, model: type[BaseModel], target: Callable[[Any], Target]) -> _Rule:
    return _Rule(re.compile(pattern), model, target)


def _sku_target(data: SkuData, delete: bool = False) -> Target:
    ref = data.ref()
    if delete and ref.variant_id is not None:
        return Target("variants", ref.variant_id, delete=True)
    return Target("products", ref.product_id)  # the product and all its variants, current


_ORDER_EVENTS = r"(created|updated|statusUpdated|archived|message/created|refund/created)"
_CATALOG_CHANGES = r"(created|updated|inventory/updated|inventory/order/updated)"

RULES: tuple[_Rule, ...] = (
    _rule(r"store/customer/address/(created|updated|deleted)", CustomerAddressData,
          lambda d: Target("customers", d.address.customer_id)),
    _rule(r"store/customer/deleted", IdData, lambda d: Target("customers", d.id, delete=True)),
    _rule(r"store/customer/(created|updated|payment/instrument/default/updated)", IdData,
          lambda d: Target("customers", d.id)),
    _rule(r"store/customer/channel/login/access/updated", CustomerIdData, lambda d: Target("customers", d.customer_id)),
    _rule(r"store/order/transaction/(created|updated)", OrderIdData, lambda d: Target("orders", d.order_id)),
    _rule(rf"store/order/{_ORDER_EVENTS}", IdData, lambda d: Target("orders", d.id)),
    _rule(rf"store/channel/\d+/order/{_ORDER_EVENTS}", OrderIdData, lambda d: Target("orders", d.order_id)),
    _rule(r"store/cart/converted", CartConvertedData, lambda d: Target("orders", d.orderId)),
    _rule(r"store/product/deleted", IdData, lambda d: Target("products", d.id, delete=True)),
    _rule(rf"store/product/{_CATALOG_CHANGES}", IdData, lambda d: Target("products", d.id)),
    _rule(r"store/sku/deleted", SkuData, lambda d: _sku_target(d, delete=True)),
    _rule(rf"store/sku/{_CATALOG_CHANGES}", SkuData, _sku_target),
    _rule(r"store/category/deleted", IdData, lambda d: Target("categories", d.id, delete=True)),
    _rule(r"store/category/(created|updated)", IdData, lambda d: Target("categories", d.id)),
    _rule(r"store/brand/deleted", IdData, lambda d: Target("brands", d.id, delete=True)),
    _rule(r"store/brand/(created|updated)", IdData, lambda d: Target("brands", d.id)),
    _rule(r"store/subscriber/deleted", IdData, lambda d: Target("subscribers", d.id, delete=True)),
    _rule(r"store/subscriber/(created|updated)", IdData, lambda d: Target("subscribers", d.id)),
)

# What `bc-pipeline webhooks register` subscribes to: every family above, and store/cart/abandoned (a cart
# event, applied by webhooks/carts.py, not a rule here). Wildcards cover the sub-scopes
# (address, inventory, transaction...). store/brand/* is left out: BigCommerce documents no such scope.
SUBSCRIBED_SCOPES: tuple[str, ...] = (
    "store/customer/*",
    "store/order/*",
    "store/product/*",
    "store/sku/*",
    "store/category/*",
    "store/subscriber/*",
    "store/cart/abandoned",
    "store/cart/converted",
)


def target_of(payload: WebhookPayload) -> Target | None:
    """The record `payload` names, or None for a scope the pipeline does not store (a no-op)."""
    for rule in RULES:
        if rule.pattern.fullmatch(payload.scope):
            try:
                data = rule.model.model_validate(payload.data)
            except ValidationError as exc:
                raise ShapeError(f"{payload.scope}: data {_first_error(exc)}") from None
            return rule.target(data)
    return None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(root)"
    return f"{where}: {err['msg']}"
