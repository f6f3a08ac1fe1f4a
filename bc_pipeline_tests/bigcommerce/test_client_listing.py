"""Full and windowed listings against the emulator over HTTP: every record exactly once, few requests."""

import math
from datetime import UTC, datetime

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.dates import parse_api_date
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.streams import listings

LISTINGS = listings()

LISTED = ["customers", "customer_addresses", "customer_attribute_values", "subscribers", "orders", "products",
          "variants", "categories", "brands", "order_statuses"]


@pytest.fixture(scope="module")
def emu():
    with Emulator(EmulatorConfig(seed=7, customers=600, orders=1300, products=120, quota=None)) as e:
        yield e


def client_for(emu, **kw) -> BigCommerceClient:
    return BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, backoff_factor=0.01, **kw)


def served(stream: str, record: dict) -> dict:
    """The store's record as our request asks for it (store.records() carries every include)."""
    includes = set(LISTINGS[stream].params.get("include", "").split(","))
    if stream == "products" and "options" not in includes:
        return {k: v for k, v in record.items() if k != "options"}
    return record


def products_per_page() -> int:
    """BigCommerce serves products 10 per page when include=options is asked for."""
    return 10 if "options" in LISTINGS["products"].params["include"] else 250


def listed(client, stream, **kw) -> list[dict]:
    out = []
    for page in fetch_pages(client, LISTINGS[stream], **kw):
        out.extend(page.records)
    return out


@pytest.mark.parametrize("stream", LISTED)
def test_full_listing_lands_every_record_exactly_once(emu, stream):
    with client_for(emu) as client:
        got = listed(client, stream)
    truth = emu.store.records(stream)
    ids = [r["id"] for r in got]
    assert len(ids) == len(set(ids)), "a record was repeated"
    assert sorted(ids) == sorted(r["id"] for r in truth)
    assert len(truth) > 0
    by_id = {r["id"]: r for r in got}
    assert all(by_id[r["id"]] == served(stream, r) for r in truth), "a record differs from the store's"


@pytest.mark.parametrize("stream", ["orders", "customers", "products", "subscribers"])
def test_full_listing_requests_stay_within_one_per_page_plus_a_constant(emu, stream):
    per_page = products_per_page() if stream == "products" else 250
    n = len(emu.store.records(stream))
    emu.clear_request_log()
    with client_for(emu, max_workers=8) as client:
        got = listed(client, stream)
    made = len(emu.request_log)
    assert len(got) == n
    # constant: one partial page per shard (8 workers), plus store time, count/probe
    assert made <= math.ceil(n / per_page) + 8 + 2, f"{made} requests for {n} records"


def test_date_window_returns_exactly_the_records_modified_inside_it(emu):
    since, until = datetime(2022, 6, 1, tzinfo=UTC), datetime(2024, 3, 15, 12, 0, 0, tzinfo=UTC)
    for stream in ("orders", "customers", "products", "subscribers"):
        with client_for(emu) as client:
            got = listed(client, stream, since=since, until=until)
        want = {r["id"] for r in emu.store.records(stream)
                if since <= parse_api_date(r["date_modified"]) <= until}
        assert sorted(r["id"] for r in got) == sorted(want), stream
        assert want


def test_ids_mode_fetches_named_records_in_bulk(emu):
    orders = emu.store.records("orders")
    wanted = [o["id"] for o in orders[::7]] + [10**9]
    emu.clear_request_log()
    with client_for(emu) as client:
        got = listed(client, "orders", ids=wanted)
    assert sorted(r["id"] for r in got) == sorted(wanted[:-1])
    assert len(emu.request_log) <= len(wanted) // 30 + 2   # ranges, not one request per order
    products = emu.store.records("products")
    with client_for(emu) as client:  # more than the 10 per page that include=options allows
        got = listed(client, "products", ids=[p["id"] for p in products[5:40]])
    assert sorted(r["id"] for r in got) == [p["id"] for p in products[5:40]]
    customers = emu.store.records("customers")
    with client_for(emu) as client:
        got = listed(client, "customers", ids=[c["id"] for c in customers[::2]])
    assert sorted(r["id"] for r in got) == [c["id"] for c in customers[::2]]


def test_a_204_ends_a_v2_listing():
    with Emulator(EmulatorConfig(seed=3, customers=20, orders=500, products=5, quota=None)) as emu:
        n = len(emu.store.records("orders"))
        with client_for(emu, max_workers=1) as client:
            got = listed(client, "orders")
        statuses = [e.status for e in emu.request_log if e.path.endswith("/v2/orders")]
    assert n == 500 and len(got) == n
    assert statuses[-1] == 204 and statuses.count(204) == 1  # two full pages, then 204 ends it


def test_variants_of_named_products(emu):
    products = emu.store.records("products")[:5]
    ids = ",".join(str(p["id"]) for p in products)
    with client_for(emu) as client:
        got = listed(client, "variants", params={"product_id:in": ids})
    want = [v["id"] for v in emu.store.records("variants") if v["product_id"] in {p["id"] for p in products}]
    assert sorted(r["id"] for r in got) == sorted(want) and want
