"""Carts: created, abandoned and converted through the mutation API, served by GET /v3/carts/{id}.

A cart is generated from (seed, its sequence number): a UUID id, the customer it names (or a guest's e-mail),
one to four physical items (product, variant, quantity, prices from the catalog) and sometimes a digital one,
in the carts.v3.yml `Cart_Full` shape with amounts as JSON numbers. Abandoning a cart drops a
store/cart/abandoned file (`{type: "cart", id, token}`); converting one creates an order with its
`cart_id` and customer (store/order/created), drops store/cart/converted (`{type, id, orderId}`), and the
cart is gone: GET answers 404, as for a cart that expired (`expire`).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from bc_emulator import mutations, webhook_files
from bc_emulator.gen_customers import person
from bc_emulator.rng import money_num, rng_for, uuid_for
from bc_emulator.timefmt import iso_z

if TYPE_CHECKING:
    from bc_emulator.state import StoreState


def _item(store: StoreState, cart_id: str, k: int, rnd, digital: bool) -> tuple[dict[str, Any], int]:
    """An item and its extended price in integer ten-thousandths (totals add up exactly)."""
    products = store.tables["products"]
    pid = rnd.randrange(1, products.n + 1) if products.n else 0
    i = products.pos(pid)
    price = int(products.col("price")[i]) if i is not None else 100000
    variant = int(products.col("var_start")[i]) if i is not None else 0
    qty = rnd.choice((1, 1, 2, 3))
    amount = money_num(price)
    item = {
        "id": f"{cart_id[:24]}{k:012d}", "variant_id": variant, "product_id": pid,
        "sku": f"SKU-{pid}-{variant}", "name": str(products.col("name0")[i]) if i is not None else "Custom Item",
        "url": f"https://emulator.example/products/{pid}", "quantity": qty, "taxable": True,
        "image_url": f"https://cdn11.bigcommerce.com/s-emulator/products/{pid}.jpg", "discounts": [],
        "coupons": [], "discount_amount": 0, "coupon_amount": 0, "original_price": amount, "list_price": amount,
        "sale_price": amount, "extended_list_price": money_num(price * qty),
        "extended_sale_price": money_num(price * qty), "is_require_shipping": not digital, "is_mutable": True,
        "added_by_promotion": False, "options": [],
    }
    if digital:
        item.update({"download_file_urls": [], "download_page_url": "", "download_size": "1 MB"})
    return item, price * qty


def generate(store: StoreState, n: int, customer_id: int | None, now: int) -> dict[str, Any]:
    rnd = rng_for(store.seed, "cart", n)
    cart_id = uuid_for(rnd)
    email = person(store, customer_id)[2] if customer_id else f"guest.cart{n}@example.net"
    physical = [_item(store, cart_id, k, rnd, False) for k in range(1, rnd.randrange(1, 5) + 1)]
    digital = [_item(store, cart_id, 9, rnd, True)] if rnd.random() < 0.2 else []
    total = money_num(sum(units for _, units in physical + digital))
    physical, digital = [it for it, _ in physical], [it for it, _ in digital]
    created = now - rnd.randrange(3600, 86400)
    return {
        "id": cart_id, "customer_id": customer_id or 0, "channel_id": 1, "email": email,
        "currency": {"code": "USD"}, "tax_included": False, "base_amount": total, "discount_amount": 0,
        "manual_discount_amount": 0, "cart_amount": total, "coupons": [], "discounts": [],
        "line_items": {"physical_items": physical, "digital_items": digital, "gift_certificates": [],
                       "custom_items": []},
        "created_time": iso_z(created), "updated_time": iso_z(created + rnd.randrange(60, 3000)),
        "locale": "en", "version": 1,
    }


def served(cart: dict[str, Any], includes: set[str]) -> dict[str, Any]:
    """The cart as GET /v3/carts/{id} serves it: item `options` only with their include."""
    out = copy.deepcopy(cart)
    for kind in ("physical_items", "digital_items"):
        if f"line_items.{kind}.options" not in includes:
            for item in out["line_items"][kind]:
                item.pop("options", None)
    return out


def create(store: StoreState, customer_id: int | None = None) -> str:
    """A new open cart (no event: BigCommerce's store/cart/created is not stored by the pipeline)."""
    with store.lock:
        n = len(store.carts) + len(store.gone_carts) + 1
        cart = generate(store, n, customer_id, store.now())
        store.carts[cart["id"]] = cart
        store.log_mutation("carts", cart["id"], "created")
        return cart["id"]


def abandon(store: StoreState, cart_id: str) -> None:
    with store.lock:
        if cart_id not in store.carts:
            raise KeyError(f"cart {cart_id} does not exist")
        store.log_mutation("carts", cart_id, "abandoned")
        webhook_files.emit_cart(store, "abandoned", cart_id, {"token": cart_id.replace("-", "")})


def convert(store: StoreState, cart_id: str) -> int:
    """Turn the cart into an order; returns the order id. The cart is gone afterwards (404)."""
    with store.lock:
        cart = store.carts.pop(cart_id, None)
        if cart is None:
            raise KeyError(f"cart {cart_id} does not exist")
        store.gone_carts[cart_id] = "converted"
        order_id = mutations.create(store, "orders", {"cart_id": cart_id, "customer_id": cart["customer_id"]})
        store.log_mutation("carts", cart_id, "converted")
        webhook_files.emit_cart(store, "converted", cart_id, {"orderId": order_id})
        return order_id


def expire(store: StoreState, cart_id: str) -> None:
    """The cart disappears without an order (BigCommerce deletes stale carts): 404 from then on."""
    with store.lock:
        if store.carts.pop(cart_id, None) is None:
            raise KeyError(f"cart {cart_id} does not exist")
        store.gone_carts[cart_id] = "expired"
        store.log_mutation("carts", cart_id, "expired")
