"""A store's reserve of its quota (BC_QUOTA_RESERVE_PERCENT, or `quota_reserve_percent` in the stores file),
against the emulator over HTTP: the sync's client stops at its share of each window, so another app on the
store still gets its requests answered, and the client waits for the reset rather than meet a 429."""

import requests

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.bigcommerce.client import BigCommerceClient


def other_app_requests(emu: Emulator, n: int) -> list[int]:
    headers = {"X-Auth-Token": emu.access_token, "Accept": "application/json"}
    return [requests.get(f"{emu.api_url}/stores/{emu.store_hash}/v2/time", headers=headers, timeout=5).status_code
            for _ in range(n)]


def test_the_reserved_share_of_a_window_stays_free_for_another_app():
    with Emulator(EmulatorConfig(seed=4, customers=5, orders=5, products=2, quota=10, window_ms=3000)) as emu:
        with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, quota_reserve_percent=50) as client:
            for _ in range(5):
                client.store_time()
            assert client.gate.sleeps == []
            assert other_app_requests(emu, 5) == [200] * 5  # the half the sync left
            client.store_time()  # its half is spent: it waits for the window to turn over
            assert len(client.gate.sleeps) == 1
        statuses = [e.status for e in emu.request_log]
    assert statuses.count(429) == 0 and len(statuses) == 11


def test_without_a_reserve_the_sync_may_spend_the_whole_window():
    """The same sequence with no reserve: the other app meets 429s (why the setting exists)."""
    with Emulator(EmulatorConfig(seed=4, customers=5, orders=5, products=2, quota=10, window_ms=3000)) as emu:
        with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
            for _ in range(10):
                client.store_time()
            assert client.gate.sleeps == []
            assert other_app_requests(emu, 2) == [429, 429]
