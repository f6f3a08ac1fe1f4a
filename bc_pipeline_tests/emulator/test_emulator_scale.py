"""Scale: a 1,000,000-order store (100k customers, 20k products) is built from compact columns, stays far
below 2 GB, and serves correct pages deep into the store. No timing assertions; figures are printed."""

from __future__ import annotations

import resource
import time

import pytest
import requests


@pytest.mark.slow
def test_million_order_store_is_compact_and_serves_deep_pages():
    from bc_emulator import Emulator, EmulatorConfig

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    emu = Emulator(EmulatorConfig(seed=1, orders=1_000_000, customers=100_000, products=20_000, quota=None))
    built = time.perf_counter() - started
    table_bytes = sum(t.nbytes() for t in emu.store.tables.values())
    assert table_bytes < 200 * 2**20
    with emu:
        s = requests.Session()
        s.headers["X-Auth-Token"] = emu.access_token
        base = f"{emu.api_url}/stores/{emu.store_hash}"
        page = s.get(f"{base}/v2/orders", params={"limit": 250, "page": 3001}).json()
        assert [o["id"] for o in page] == list(range(750_001, 750_251))
        keyset = s.get(f"{base}/v2/orders", params={"limit": 250, "min_id": 999_900}).json()
        assert [o["id"] for o in keyset] == list(range(999_900, 1_000_001))
        assert s.get(f"{base}/v2/orders/count").json()["count"] == 1_000_000
        newest = s.get(f"{base}/v2/orders", params={"limit": 5, "sort": "date_modified:desc"}).json()
        stamps = [o["date_modified"] for o in newest]
        assert len(stamps) == 5
        customers = s.get(f"{base}/v3/customers", params={"limit": 250, "page": 200}).json()
        assert customers["meta"]["pagination"]["total"] == 100_000 and len(customers["data"]) == 250
        latencies = [e.latency_ms for e in emu.request_log]
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert (rss_after - rss_before) * 1024 < 2 * 2**30
    print(f"\n1M-order store: built in {built:.2f}s, columns {table_bytes / 2**20:.0f} MB, "
          f"peak RSS {rss_after / 1024:.0f} MB, page latencies {latencies} ms")
