"""Giving up well: when the API keeps answering 503 past the retry budget, the run fails with a message that
names the stream, the request and the last status, commits nothing half-done and moves no high-water mark.

The store is backfilled cleanly first; then 600 orders change (three pages of an incremental listing). The
orders stream is re-synced with one worker; the first orders page is served, then the emulator answers 503
to everything. The pages already fetched must not land, and `_sync_state` must keep its marks.
"""

from __future__ import annotations

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.reliability_support import (
    failure_messages,
    faults_after,
    last_errors,
    sync_raw,
    sync_state,
)
from bc_pipeline_tests.sync_harness import table_fingerprint

ORDER_TABLES = ("orders", "order_line_items", "order_shipping_addresses")


@pytest.mark.slow
def test_api_down_mid_listing_fails_clearly_and_commits_nothing(tmp_path):
    db = tmp_path / "bc.duckdb"
    with Emulator(EmulatorConfig(seed=5, customers=50, orders=800, products=20, quota=None)) as emu:
        sync_raw(emu, db)
        before = {t: table_fingerprint(db, t) for t in ORDER_TABLES}
        state_before = sync_state(db)
        for oid in [o["id"] for o in emu.store.records("orders")][:600]:
            emu.store.update("orders", oid, staff_notes="changed while the API went down")
        emu.clear_request_log()
        switched = faults_after(emu, lambda e: e.path.endswith("/v2/orders") and e.status == 200)

        result = sync_raw(emu, db, selection=ORDER_TABLES, max_workers=1, raise_on_error=False)
        log = list(emu.request_log)

    assert switched(), "the first orders page was never served"
    assert not result.success
    messages = failure_messages(result)
    assert len(messages) == 1
    message = messages[0]
    print(f"\nfailure message: {message.strip().splitlines()[0]}")
    assert "orders: BigCommerce API unavailable: GET /v2/orders" in message  # the stream and the request
    assert "last status 503" in message
    assert emu.access_token not in message
    assert sum(1 for e in log if e.status == 503) >= 6, "the retry budget (5 retries) was not spent"
    assert {t: table_fingerprint(db, t) for t in ORDER_TABLES} == before, "a partial batch was committed"
    assert sync_state(db) == state_before, "a high-water mark moved"
    assert "503" in (last_errors(db)["orders"] or "")


@pytest.mark.slow
def test_api_down_from_the_start_fails_on_the_first_request(tmp_path):
    db = tmp_path / "bc.duckdb"
    with Emulator(EmulatorConfig(seed=5, customers=20, orders=40, products=10, quota=None)) as emu:
        sync_raw(emu, db)
        state_before = sync_state(db)
        emu.config.fault_kinds, emu.config.fault_rate = ("503",), 1.0
        result = sync_raw(emu, db, raise_on_error=False)

    assert not result.success
    message = " ".join(failure_messages(result))
    print(f"\nfailure message: {message.strip().splitlines()[0]}")
    # No stream has started yet: the store's clock (GET /v2/time) is the request that gave up.
    assert "GET /v2/time" in message and "last status 503" in message
    assert sync_state(db) == state_before
