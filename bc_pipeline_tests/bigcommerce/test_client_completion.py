"""Record completion: capped customer addresses/attributes and truncated order line items are filled in."""

import math
import threading
from collections import Counter, defaultdict

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.completion.completer import Completer
from bc_pipeline.completion.consignments import consignments
from bc_pipeline.streams import STREAMS, listings

LISTINGS = listings()
CUSTOMERS, ORDERS = STREAMS["customers"].completion, STREAMS["orders"].completion


@pytest.fixture(scope="module")
def emu():
    with Emulator(EmulatorConfig(seed=13, customers=400, orders=600, products=30, quota=None)) as e:
        yield e


def test_customers_get_every_address_and_attribute(emu):
    addresses, attributes = defaultdict(list), defaultdict(list)
    for a in emu.store.records("customer_addresses"):
        addresses[a["customer_id"]].append(a["id"])
    for a in emu.store.records("customer_attribute_values"):
        attributes[a["customer_id"]].append(a["id"])
    capped = [c for c, ids in addresses.items() if len(ids) > 10] + \
             [c for c, ids in attributes.items() if len(ids) > 10]
    if not capped:
        pytest.skip("this store has no customer above the embedded cap of 10")
    emu.clear_request_log()
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
        customers = [r for p in fetch_pages(client, LISTINGS["customers"]) for r in p.records]
        listing_requests = len(emu.request_log)
        CUSTOMERS.complete(client, customers)
    extra = len(emu.request_log) - listing_requests
    assert extra <= 2 * (len(customers) // 50 + 1) + 4  # batched, not one request per customer
    for c in customers:
        assert sorted(a["id"] for a in c["addresses"]) == sorted(addresses.get(c["id"], []))
        assert sorted(a["id"] for a in c["attributes"]) == sorted(attributes.get(c["id"], []))
        assert len(c["addresses"]) == c["address_count"]


def test_truncated_orders_get_all_line_items_and_only_they_cost_requests(emu):
    items = defaultdict(list)
    for item in emu.store.records("order_products"):
        items[item["order_id"]].append(item["id"])
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
        orders = [r for p in fetch_pages(client, LISTINGS["orders"]) for r in p.records]
        truncated = {o["id"] for o in orders if "__warning__" in o}
        emu.clear_request_log()
        ORDERS.complete(client, orders)
    if not truncated:
        pytest.skip("this store has no order above 50 line items per consignment")
    assert {e.path.split("/")[-2] for e in emu.request_log} == {str(i) for i in truncated}
    for o in orders:
        got = [it["id"] for _kind, c in consignments(o) for it in c["line_items"]]
        assert sorted(got) == sorted(items[o["id"]]), o["id"]
        assert "__warning__" not in o


def test_many_capped_customers_are_completed_in_concurrent_batches(make_emulator):
    emu = make_emulator(customers=30, orders=10, products=5)
    template = next(a for a in emu.store.records("customer_addresses"))
    for n in range(110):  # more than two batches of CUSTOMER_BATCH (50)
        emu.store.create("customers", email=f"many{n}@example.com",
                         addresses=[{**template, "city": f"City {k}"} for k in range(11 + n % 4)])
    truth = defaultdict(list)
    for a in emu.store.records("customer_addresses"):
        truth[a["customer_id"]].append(a["id"])
    capped = [c for c, found in truth.items() if len(found) > 10]
    every = [c["id"] for c in emu.store.records("customers")]
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
        customers = [r for p in fetch_pages(client, LISTINGS["customers"], ids=every) for r in p.records]
        emu.clear_request_log()
        CUSTOMERS.complete(client, customers)
    made = [e for e in emu.request_log if e.path.endswith("/v3/customers/addresses")]
    batch_keys = dict.fromkeys(e.query["customer_id:in"] for e in made if e.query.get("page") == "1")
    asked = [[int(c) for c in key.split(",")] for key in batch_keys]
    assert sorted(c for batch in asked for c in batch) == sorted(capped)  # each capped customer in one batch
    assert all(len(batch) <= 50 for batch in asked) and len(asked) == math.ceil(len(capped) / 50) >= 3
    pages = [math.ceil(sum(len(truth[c]) for c in batch) / 250) for batch in asked]
    # Each batch paged once through; a batch of several pages reads page 1 again at the end (a batch has no
    # date bound: an address created meanwhile can hide a removal from page 1 in the total).
    assert len(made) == sum(pages) + sum(1 for n in pages if n > 1)
    for c in customers:
        assert sorted(a["id"] for a in c["addresses"]) == sorted(truth[c["id"]]), c["id"]


def test_fewer_truncated_orders_than_a_batch_are_completed_while_the_listing_runs(make_emulator):
    """Orders cost one /products listing each however they are batched, so the completer starts what it holds
    whenever a worker is idle: the last partial batch does not wait for the end of the listing."""
    emu = make_emulator(seed=42, customers=50, orders=800, latency_ms=(30.0, 30.0))
    expected = {o: n for o, n in Counter(i["order_id"] for i in emu.store.records("order_products")).items()
                if n > 50}
    assert 0 < len(expected) < ORDERS.batch
    handed: list[tuple] = []
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
        completer = Completer(client, "orders", ORDERS, handed.append, threading.Event())
        try:
            for page in fetch_pages(client, LISTINGS["orders"]):
                completer.add(page.records, 1)
            completer.drain()
        finally:
            completer.close()
    log = sorted(emu.request_log, key=lambda e: e.ts)
    listing = [e.ts for e in log if e.path.endswith("/v2/orders")]
    completing = [e for e in log if e.path.endswith("/products")]
    assert sorted(int(e.path.split("/")[-2]) for e in completing) == sorted(expected)  # one request each
    assert completing[0].ts < listing[-1]  # started before the listing's last page was asked for
    orders = [r for _stream, records, _requests in handed for r in records]
    assert len(orders) == len({o["id"] for o in orders}) == 800
    for o in orders:
        if o["id"] in expected:
            assert sum(len(c["line_items"]) for _kind, c in consignments(o)) == expected[o["id"]]
            assert "__warning__" not in o
