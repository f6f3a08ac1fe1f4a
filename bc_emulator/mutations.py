"""Mutations of the store: create, update, delete records, each bumping date_modified to the store's now
and dropping the matching webhook payload file when a webhook folder is set.

An update stores the patched internal record as an override; a create appends a row (next id) and stores its
record as an override; a delete sets the row's deleted flag. Orders are never removed: deleting an order
archives it (is_deleted: true, still listed, as the platform does) and fires store/order/archived.
Index columns that filters and sorts use (dates, status, customer, names, child counts) are kept in step.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from bc_emulator import records, statuses, webhook_files
from bc_emulator.timefmt import iso_offset, iso_z, rfc2822

if TYPE_CHECKING:
    from bc_emulator.state import StoreState

MUTABLE = ("customers", "subscribers", "orders", "products", "variants", "categories", "brands")
DATE_FORMAT = {"customers": iso_z, "subscribers": iso_z, "orders": rfc2822, "products": iso_offset}


def _check(resource: str) -> None:
    if resource not in MUTABLE:
        raise ValueError(f"cannot mutate {resource!r}; one of {MUTABLE}")


def _stamp(store: StoreState, resource: str, i: int, record: dict[str, Any], now: int, created: bool) -> None:
    table = store.tables[resource]
    fmt = DATE_FORMAT.get(resource)
    if fmt is None:
        return
    if created:
        table.set("created", i, now)
        record["date_created"] = fmt(now)
    table.set("modified", i, now)
    record["date_modified"] = fmt(now)


def _sync_index(store: StoreState, resource: str, i: int, record: dict[str, Any]) -> None:
    """Keep the index columns that listings filter or sort on in step with the record."""
    t = store.tables[resource]
    if resource == "customers":
        t.set("last_name", i, record.get("last_name", ""))
        for col, key in (("n_addr", "addresses"), ("n_attr", "attributes")):
            items = record.get(key) or []
            for k, item in enumerate(items, start=1):  # child ids follow the customer_id*100 + k rule
                item["id"], item["customer_id"] = record["id"] * 100 + k, record["id"]
                for field in item.get("form_fields") or ():  # address form fields name their address
                    field["address_id"] = item["id"]
            t.set(col, i, len(items))
        record["address_count"] = len(record.get("addresses") or [])
        record["attribute_count"] = len(record.get("attributes") or [])
    elif resource == "orders":
        t.set("status", i, int(record["status_id"]))
        t.set("customer", i, int(record.get("customer_id") or 0))
        t.set("archived", i, bool(record.get("is_deleted")))
        record["status"] = statuses.NAMES[int(record["status_id"])]
        record["custom_status"] = statuses.custom_label(int(record["status_id"]))
    elif resource == "products":
        t.set("name", i, record.get("name", ""))
        t.set("visible", i, bool(record.get("is_visible", True)))
        t.set("brand", i, int(record.get("brand_id") or 0))
    elif resource == "variants":
        t.set("product_id", i, int(record["product_id"]))


def _refuse_wide_ids(fields: dict[str, Any]) -> None:
    """Ids live in 64-bit index columns: one past that range is refused before anything changes (other
    integers past 64 bits are stored and served as they are, see server.encode_body)."""
    for key, value in fields.items():
        if (key == "id" or key.endswith("_id")) and isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise ValueError(f"{key}: {value} does not fit in 64 bits")


def update(store: StoreState, resource: str, rid: int, fields: dict[str, Any]) -> None:
    _check(resource)
    _refuse_wide_ids(fields)
    with store.lock:
        current = records.full(store, resource, rid)
        if current is None:
            raise KeyError(f"{resource} {rid} does not exist")
        record = copy.deepcopy(current)
        before_status = record.get("status_id")
        record.update(copy.deepcopy(fields))
        record["id"] = rid
        i = store.tables[resource].pos(rid)
        _stamp(store, resource, i, record, store.now(), created=False)
        _sync_index(store, resource, i, record)
        store.overrides[resource][rid] = record
        _touch_parent(store, resource, record)
        store.log_mutation(resource, rid, "updated")
        webhook_files.emit(store, resource, "updated", record)
        if resource == "orders" and before_status != record["status_id"]:
            webhook_files.emit(store, resource, "statusUpdated", record,
                               {"status": {"previous_status_id": before_status,
                                           "new_status_id": record["status_id"]}})


def create(store: StoreState, resource: str, fields: dict[str, Any]) -> int:
    """Create a record: a copy of a generated template record (the newest live one) patched with `fields`."""
    _check(resource)
    _refuse_wide_ids(fields)
    with store.lock:
        table = store.tables[resource]
        live = table.live()
        if not len(live):
            raise ValueError(f"cannot create {resource}: the store has none to use as a template")
        template = copy.deepcopy(records.full(store, resource, int(table.ids[live[-1]])))
        rid = table.next_id()
        row = {name: table.col(name)[live[-1]] for name in table._cols if name != "deleted"}
        row["id"] = rid
        i = table.append(row)
        record = _renumber(resource, template, rid)
        record.update(copy.deepcopy(fields))
        record["id"] = rid
        _stamp(store, resource, i, record, store.now(), created=True)
        if resource == "orders":
            record.setdefault("is_deleted", False)
        _sync_index(store, resource, i, record)
        store.overrides[resource][rid] = record
        _touch_parent(store, resource, record)
        store.log_mutation(resource, rid, "created")
        webhook_files.emit(store, resource, "created", record)
        if resource == "products" and not fields.get("variants"):  # every product has a base variant
            vid = create(store, "variants", {"product_id": rid, "sku": f"SKU-{rid}-new", "sku_id": None,
                                             "option_values": []})
            record["base_variant_id"] = vid
        return rid


def delete(store: StoreState, resource: str, rid: int) -> None:
    _check(resource)
    with store.lock:
        if resource == "orders":
            current = records.full(store, "orders", rid)
            if current is None:
                raise KeyError(f"orders {rid} does not exist")
            record = copy.deepcopy(current)
            record["is_deleted"] = True
            i = store.tables["orders"].pos(rid)
            _stamp(store, resource, i, record, store.now(), created=False)
            _sync_index(store, resource, i, record)
            store.overrides["orders"][rid] = record
            store.log_mutation(resource, rid, "deleted")  # archived: the warehouse marks it deleted
            webhook_files.emit(store, resource, "archived", record)
            return
        table = store.tables[resource]
        i = table.live_pos(rid)
        if i is None:
            raise KeyError(f"{resource} {rid} does not exist")
        record = records.full(store, resource, rid)
        table.set("deleted", i, True)
        store.overrides[resource].pop(rid, None)
        if resource == "products":  # a product's variants go with it
            for vid in store.variant_ids(rid):
                store.tables["variants"].set("deleted", store.tables["variants"].pos(vid), True)
        _touch_parent(store, resource, record)
        store.log_mutation(resource, rid, "deleted")
        webhook_files.emit(store, resource, "deleted", record)


def _touch_parent(store: StoreState, resource: str, record: dict[str, Any]) -> None:
    """A variant change bumps its product's date_modified (so product-based incremental syncs see it)."""
    if resource != "variants" or record is None:
        return
    pid = int(record["product_id"])
    product = records.full(store, "products", pid)
    if product is None:
        return
    product = copy.deepcopy(product)
    i = store.tables["products"].pos(pid)
    _stamp(store, "products", i, product, store.now(), created=False)
    store.overrides["products"][pid] = product


def _renumber(resource: str, template: dict[str, Any], rid: int) -> dict[str, Any]:
    """Give a copied template record the new id everywhere its children carry it."""
    record = copy.deepcopy(template)
    if resource == "orders":
        old = record["id"]
        for k, item in enumerate(record["_products"], start=1):
            item["id"], item["order_id"] = rid * 1000 + k, rid
            for key in ("order_address_id", "order_pickup_method_id"):  # 0: not in such a consignment
                if item.get(key):
                    item[key] = rid * 10 + (item[key] - old * 10)
            if item.get("gift_certificate_id"):
                item["gift_certificate_id"] = item["id"]
        for pickup in record.get("_pickups") or ():
            pickup["id"] = rid * 10 + (pickup["id"] - old * 10)
        for ship in record["_shipping"]:
            ship["id"], ship["order_id"] = rid * 10 + (ship["id"] - old * 10), rid
        for coupon in record["_coupons"]:
            coupon["id"], coupon["order_id"] = rid * 10 + 1, rid
        for key in ("products", "shipping_addresses", "coupons"):
            record[key] = {k: v.replace(f"/orders/{old}/", f"/orders/{rid}/") for k, v in record[key].items()}
        for ship in record["_shipping"]:
            ship["shipping_quotes"] = {k: v.replace(f"/orders/{old}/", f"/orders/{rid}/")
                                       for k, v in ship["shipping_quotes"].items()}
    elif resource == "products":
        record["variants"], record["base_variant_id"] = [], None
        record["options"] = []
        record["name"] = f"{record['name']} (new {rid})"
    return record
