"""The store's clock is asked once per run: later readings are derived from the first, never ahead of the
store's own clock, and a listing whose window reaches the present asks /v2/time once for all its streams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.store_clock import MAX_AGE_S, StoreClock
from bc_pipeline.streams import listings

LISTINGS = listings()

T = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def test_a_reading_gives_whole_elapsed_seconds_and_expires():
    now = [100.0]
    clock = StoreClock(monotonic=lambda: now[0])
    assert clock.lower_bound() is None
    clock.remember(T, 100.0)
    now[0] = 102.9
    assert clock.lower_bound() == T + timedelta(seconds=2)
    now[0] = 100.0 + MAX_AGE_S + 0.1
    assert clock.lower_bound() is None


def test_sibling_listings_share_one_reading_that_stays_behind_the_store():
    with Emulator(EmulatorConfig(seed=5, customers=30, orders=40, products=10)) as emu:
        with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
            asked = client.store_time()
            emu.clear_request_log()
            until = datetime.now(UTC)  # reaches the present: each listing wants the store's clock
            for stream in ("orders", "customers", "products"):
                sibling = client.sibling()
                listed = [r for page in fetch_pages(sibling, LISTINGS[stream], since=T - timedelta(days=3650),
                                                      until=until) for r in page.records]
                assert listed
                assert sibling.clock.lower_bound() <= sibling.store_time()
        paths = [e.path for e in emu.request_log]
    assert asked <= datetime.now(UTC)
    # the listings asked nothing: the three readings are the explicit store_time() calls of the loop
    assert sum(p.endswith("/v2/time") for p in paths) == 3
