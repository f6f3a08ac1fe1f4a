"""Customer, customer address, attribute value and subscriber records, generated on demand.

`customer_full` returns the internal form: every address and attribute value (uncapped) and every include.
The HTTP layer strips what the request did not include and caps embedded lists at 10, as documented.
Address ids are customer_id*100 + k and attribute value ids customer_id*100 + k (k from 1).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from bc_emulator import vocab
from bc_emulator.rng import rng_for
from bc_emulator.timefmt import iso_z

if TYPE_CHECKING:
    from bc_emulator.state import StoreState


@functools.lru_cache(maxsize=4096)
def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower()) or "x"


def person(store: StoreState, cid: int) -> tuple[str, str, str, str]:
    """(first_name, last_name, email, phone) of a generated customer, cheap (no full record)."""
    t = store.tables["customers"]
    i = t.pos(cid)
    if i is None:
        return "Guest", "Shopper", f"guest{cid}@example.com", ""
    first_i, last_i = t.values(i, "first", "last")
    first, last = vocab.FIRST_NAMES[first_i], vocab.LAST_NAMES[last_i]
    return first, last, f"{slug(first)}.{slug(last)}{cid}@example.com", f"555-{cid % 1000:03d}-{cid % 9973:04d}"


def address(cid: int, k: int, first: str, last: str, rnd) -> dict[str, Any]:
    street, city, state, zip_code, country, iso2 = rnd.choice(vocab.ADDRESSES)
    other = rnd.random() < 0.2
    return {
        "id": cid * 100 + k,
        "customer_id": cid,
        "first_name": rnd.choice(vocab.FIRST_NAMES) if other else first,
        "last_name": last,
        "company": rnd.choice(("", "", "Acme Pty Ltd", "BigCommerce", "Laser Ltd")),
        "address1": street,
        "address2": rnd.choice(("", "", f"Unit {k}")),
        "city": city,
        "state_or_province": state,
        "postal_code": zip_code,
        "country": country,
        "country_code": iso2,
        "phone": f"+1 555 {rnd.randrange(1000, 9999)}",
        "address_type": rnd.choice(("residential", "commercial")),
        "form_fields": [{"name": "Delivery Instructions", "value": rnd.choice(("", "Leave in backyard",
                                                                              "Ring twice")),
                         "address_id": cid * 100 + k}],
    }


def customer_full(store: StoreState, cid: int) -> dict[str, Any]:
    t = store.tables["customers"]
    i = t.pos(cid)
    created, modified, n_addr, n_attr = t.values(i, "created", "modified", "n_addr", "n_attr")
    first, last, email, phone = person(store, cid)
    rnd = rng_for(store.seed, "customer", cid)
    addresses = [address(cid, k, first, last, rnd) for k in range(1, n_addr + 1)]
    attributes = []
    for k in range(1, n_attr + 1):
        a_created = created + rnd.randrange(0, 86400 * 30)
        attributes.append({
            "id": cid * 100 + k, "customer_id": cid, "attribute_id": k,
            "attribute_value": str(rnd.randrange(1, 99)) if k != 4 else "1990-05-17",
            "date_created": iso_z(a_created), "date_modified": iso_z(max(a_created, modified)),
        })
    form_fields: list[dict[str, Any]] = [
        {"name": "Favourite colour", "value": rnd.choice(vocab.FAVOURITE_COLOURS)},
        {"name": "How did you hear about us?", "value": rnd.choice(vocab.HEARD_FROM)},
    ]
    if rnd.random() < 0.5:
        form_fields.append({"name": "Interests", "value": rnd.sample(vocab.INTERESTS, rnd.randrange(1, 4))})
    if rnd.random() < 0.3:
        form_fields.append({"name": "Shoe size", "value": float(rnd.randrange(36, 47))})
    for field in form_fields:  # customer form fields name their customer (formFieldValue_Customer)
        field["customer_id"] = cid
    credit = rnd.choice((0, 0, 0, 10, 25.5, 43.15))
    return {
        "id": cid,
        "email": email,
        "first_name": first,
        "last_name": last,
        "company": rnd.choice(("", "", "", "Acme Corp", "Laser Ltd", "Société Générale")),
        "phone": phone,
        "registration_ip_address": rnd.choice(("", f"10.0.{cid % 256}.{rnd.randrange(1, 255)}")),
        "notes": rnd.choice(("", "", "Preferred customer", "Wholesale")),
        "tax_exempt_category": rnd.choice(("", "", "", "Non-profit")),
        "customer_group_id": rnd.choice((0, 0, 0, 1, 2)),
        "date_created": iso_z(created),
        "date_modified": iso_z(modified),
        "address_count": n_addr,
        "attribute_count": n_attr,
        "authentication": {"force_password_reset": rnd.random() < 0.05},
        "addresses": addresses,
        "attributes": attributes,
        "form_fields": form_fields,
        "store_credit_amounts": [{"amount": credit}],
        "accepts_product_review_abandoned_cart_emails": rnd.random() < 0.6,
        "origin_channel_id": 1,
        "channel_ids": [1] if rnd.random() < 0.8 else None,
    }


def subscriber(store: StoreState, sid: int) -> dict[str, Any]:
    t = store.tables["subscribers"]
    i = t.pos(sid)
    rnd = rng_for(store.seed, "subscriber", sid)
    cust = int(t.col("cust")[i])
    if cust:
        first, last, email, _ = person(store, cust)
    else:
        first, last = rnd.choice(vocab.FIRST_NAMES), rnd.choice(vocab.LAST_NAMES)
        email = f"{slug(first)}.{slug(last)}.sub{sid}@example.org"
    source = rnd.choice(("storefront", "storefront", "order", "custom"))
    consents = rnd.choice((["marketing_newsletter"], ["marketing_newsletter", "abandoned_cart"],
                           ["abandoned_cart"], []))
    n_orders = store.tables["orders"].n
    return {
        "id": sid,
        "email": email,
        "first_name": first,
        "last_name": last,
        "source": source,
        "order_id": rnd.randrange(1, n_orders + 1) if source == "order" and n_orders else None,
        "channel_id": 1,
        "consents": consents,
        "date_created": iso_z(int(t.col("created")[i])),
        "date_modified": iso_z(int(t.col("modified")[i])),
    }
