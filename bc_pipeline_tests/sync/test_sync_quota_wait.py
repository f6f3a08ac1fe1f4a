"""A stream held back by the store's quota says how long (StreamReport.quota_wait_seconds, its progress line
and the `api_quota_wait_seconds` metadata): the part of a slow sync that is the store's API plan, not the
pipeline. Threads waiting for the same reset count once, so it is wall time within the stream's own."""

from __future__ import annotations

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.sync import engine
from bc_pipeline.sync.engine import StreamPlan, run_plans
from bc_pipeline_tests.sync_harness import ids, warehouse_for
from bench.sync_progress import parse_line


def sync_orders(emu, db):
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_workers=4) as client:
        return run_plans(client, warehouse_for(emu, db).get_connection, [StreamPlan("orders")])["orders"]


def test_a_stream_under_a_tight_quota_says_how_long_it_waited(make_emulator, tmp_path):
    # 8 pages of orders against 3 requests per 0.5 s window: at least two resets to wait for
    emu, db = make_emulator(orders=2_000, customers=10, products=5, quota=3, window_ms=500), tmp_path / "bc.duckdb"
    report = sync_orders(emu, db)
    assert report.error is None
    assert ids(db, "orders", include_deleted=True) == sorted(int(o["id"]) for o in emu.store.records("orders"))
    assert 0.5 <= report.quota_wait_seconds < report.seconds
    line = report.progress_line()
    assert f"(waited {report.quota_wait_seconds:.1f}s of it for the API quota)" in line
    parsed = parse_line(line)
    assert parsed["failed"] is None and parsed["quota_wait_s"] == round(report.quota_wait_seconds, 1)


def test_a_stream_the_quota_never_held_back_says_nothing_of_it(make_emulator, tmp_path):
    report = sync_orders(make_emulator(orders=600, customers=10, products=5, quota=None), tmp_path / "bc.duckdb")
    assert report.error is None and report.quota_wait_seconds == 0
    assert "API quota" not in report.progress_line()


def test_the_lines_during_a_long_stream_say_how_long_it_has_waited_so_far(make_emulator, tmp_path, monkeypatch):
    """The progress lines printed while a stream runs carry its client's figures so far (they used to show only
    the final line's): an operator watching a backfill held back by the quota sees it while it waits."""
    monkeypatch.setattr(engine, "PROGRESS_EVERY_S", 0.0)  # a line after every page
    emu, db = make_emulator(orders=2_000, customers=10, products=5, quota=3, window_ms=500), tmp_path / "bc.duckdb"
    lines: list[tuple[int, float, int, str]] = []
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_workers=4) as client:
        final = run_plans(client, warehouse_for(emu, db).get_connection, [StreamPlan("orders")],
                          progress=lambda r: lines.append((r.records, r.quota_wait_seconds, r.requests,
                                                           r.progress_line())))["orders"]
    during = [line for line in lines if line[0] < final.records]
    assert during and any(wait > 0 for _, wait, _, _ in during)
    records, wait, requests, text = next(line for line in during if line[1] >= 0.05)
    assert f"(waited {wait:.1f}s of it for the API quota)" in text
    assert 0 < requests <= final.requests and wait <= final.quota_wait_seconds
