"""The daily full listing of variants, by batches of products (sync/reference.py): every variant lands once,
in about one request per page; variants of listed products that the store no longer has are marked deleted,
others are left alone; a batch bigger than a page, or a product with more than 250 variants, is read whole."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.cli.status_text import format_status
from bc_pipeline.sync.engine import StreamPlan, apply_ids, run_plans
from bc_pipeline.sync.reference import FULL_VARIANTS_EVERY, reference_plans
from bc_pipeline.sync.status import read_status
from bc_pipeline.warehouse import state
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync_harness import ids, run_sync, warehouse_for

VARIANTS = "/v3/catalog/variants"


def truth(emu: Emulator) -> list[int]:
    return sorted(int(v["id"]) for v in emu.store.records("variants"))


def listing_requests(emu: Emulator) -> list:
    return [e for e in emu.request_log if e.path.endswith(VARIANTS)]


def a_day_later() -> datetime:
    """When the next full listing is due (the last one's success is stamped with the local clock)."""
    return datetime.now(UTC) + FULL_VARIANTS_EVERY + timedelta(minutes=1)


def full_listing(emu: Emulator, db: Path):
    """Run the next full variants listing alone (as the daily one would), without the products stream."""
    connect = warehouse_for(emu, db).get_connection
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_workers=4) as client:
        plan = plan_variants(connect, a_day_later())
        emu.clear_request_log()
        return plan, run_plans(client, connect, [plan])["variants"]


def plan_variants(connect, now: datetime) -> StreamPlan:
    """The variants plan a sync step makes when the products stream is not in it (the variants asset alone)."""
    _, plan_of = reference_plans(connect, ["variants"], now, with_parents=False)
    return plan_of()


def deleted_ids(db: Path) -> list[int]:
    with warehouse_connection(db, read_only=True) as conn:
        sql = "SELECT id FROM bigcommerce.variants WHERE _deleted_at IS NOT NULL ORDER BY id"
        return [r[0] for r in conn.execute(sql).fetchall()]


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """A store of 400 products (about 1,500 variants) after a first sync; the requests of the next full
    variant listing (a day later)."""
    db = tmp_path_factory.mktemp("variants") / "bc.duckdb"
    with Emulator(EmulatorConfig(seed=3, customers=20, orders=20, products=400, quota=None)) as emu:
        result = run_sync(emu, db)
        first = listing_requests(emu)
        plan, report = full_listing(emu, db)
        assert report.error is None and report.deleted == 0
        yield emu, db, first, listing_requests(emu), result


def test_a_first_sync_lists_no_variants_the_products_brought(synced):
    """The products stream lists with include=variants: on a first sync (no product in the warehouse yet)
    the due full listing would re-read exactly those, so it is recorded done without a request."""
    emu, db, first, _, _ = synced
    assert first == []
    with warehouse_connection(db, read_only=True) as conn:
        assert state.last_success_at(conn, "variants_full") is not None
        assert state.last_success_at(conn, "variants") == state.last_success_at(conn, "variants_full")


def test_status_names_the_full_listing_in_words(synced):
    """`bc-pipeline status` shows the full listing's line as "variants (full)", not its state key."""
    _, db, _, _, _ = synced
    names = [s.stream for s in read_status(db).streams]
    assert "variants" in names and "variants (full)" in names and "variants_full" not in names
    text = format_status(read_status(db))
    assert "\nvariants (full) " in text and "variants_full" not in text


def test_the_variants_asset_says_its_rows_came_with_the_products(synced):
    """The variants stream made no request, but the run wrote every variant (through the products stream):
    its materialization counts them, and its note says where they came from."""
    emu, _, _, _, result = synced
    [event] = [e for e in result.get_asset_materialization_events()
               if e.asset_key == dg.AssetKey(["bigcommerce", "variants"])]
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    assert metadata["api_requests"] == 0 and not any(k.startswith("time_share_") for k in metadata)
    assert metadata["api_quota_wait_seconds"] == 0  # a store without a quota
    assert metadata["rows_written_this_run"] == metadata["dagster/row_count"] == len(truth(emu))
    assert metadata["api_note"].startswith("no request: on a first sync the products stream brings every variant")
    assert metadata["api_note"].endswith(f"; {len(truth(emu)):,} rows came with products in this run")


def test_a_first_sync_lands_every_variant_once(synced):
    emu, db, _, _, _ = synced
    landed = ids(db, "variants", include_deleted=True)
    assert landed == truth(emu) and len(landed) > 1000
    assert deleted_ids(db) == []


def test_the_full_listing_goes_by_product_in_about_one_request_per_page(synced):
    emu, _, _, made, _ = synced
    minimum = math.ceil(len(truth(emu)) / 250)
    assert minimum < len(made) + 1 <= minimum + 3, f"{len(made)} requests for {minimum} pages"
    listed = [int(p) for e in made for p in e.query["product_id:in"].split(",")]
    assert sorted(listed) == sorted(int(p["id"]) for p in emu.store.records("products"))  # each once


def test_without_products_in_the_warehouse_the_plain_listing_runs(synced, tmp_path):
    emu = synced[0]
    plan, report = full_listing(emu, tmp_path / "bc.duckdb")
    assert plan.parent_batches is None and report.error is None
    assert ids(tmp_path / "bc.duckdb", "variants") == truth(emu)
    assert not any("product_id:in" in e.query for e in listing_requests(emu))


def test_a_variant_deleted_upstream_is_marked_and_unlisted_products_are_left_alone(make_emulator, tmp_path):
    emu, db = make_emulator(products=40), tmp_path / "bc.duckdb"
    run_sync(emu, db)
    by_product = {}
    for v in emu.store.records("variants"):
        by_product.setdefault(v["product_id"], []).append(v["id"])
    gone = next(vs for vs in by_product.values() if len(vs) > 1)[-1]
    emu.store.delete("variants", gone)
    connect = warehouse_for(emu, db).get_connection
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
        plan = plan_variants(connect, a_day_later())
        # a product created after the plan was read lands (webhook, products stream) before the listing runs
        new = emu.store.create("products", name="Late product")
        apply_ids(client, connect, "products", [new])
        report = run_plans(client, connect, [plan])["variants"]
    assert report.error is None and report.deleted == 1
    assert deleted_ids(db) == [gone]
    assert ids(db, "variants") == truth(emu)  # the late product's variant was not listed, and stays live
    assert new not in {p for batch in plan.parent_batches for p in batch}


def test_batches_bigger_than_a_page_and_a_product_of_300_variants_are_read_whole(make_emulator, tmp_path):
    emu, db = make_emulator(products=40), tmp_path / "bc.duckdb"
    run_sync(emu, db)
    product = emu.store.records("products")[7]["id"]
    for k in range(300):  # the warehouse still counts this product's old variants: its batch spans 2+ pages
        emu.store.create("variants", product_id=product, sku=f"SKU-{product}-x{k}", option_values=[])
    plan, report = full_listing(emu, db)
    assert report.error is None and report.deleted == 0
    assert len(plan.parent_batches) == 1 and len(listing_requests(emu)) >= 2
    assert ids(db, "variants", include_deleted=True) == truth(emu)  # the 300 came by this listing only
    # the next full listing knows the product's 300+ variants: it gets a batch of its own, paged whole
    plan, report = full_listing(emu, db)
    assert report.error is None and report.deleted == 0
    assert [product] in [list(b) for b in plan.parent_batches]
    assert ids(db, "variants", include_deleted=True) == truth(emu) and deleted_ids(db) == []
    total = len(truth(emu))
    # one more than before: page 1 is read again in the batch of several pages (records can join a batch
    # while it is read, see paging_styles.py)
    assert len(listing_requests(emu)) <= math.ceil(total / 250) + 3
