"""Paging while the store changes: nothing that stayed inside the window is skipped, nothing repeats."""

import pytest

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.dates import parse_api_date
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.streams import STREAMS
from bc_pipeline.emulator import Emulator, EmulatorConfig


@pytest.mark.slow
# One worker: a single shard of many pages (page numbers read downwards for subscribers).
@pytest.mark.parametrize("stream,workers", [("orders", 4), ("customers", 4), ("products", 4), ("subscribers", 4),
                                            ("subscribers", 1), ("orders", 1), ("customers", 1)])
def test_listing_under_background_mutations_skips_nothing(stream, workers):
    cfg = EmulatorConfig(seed=17, customers=1500, orders=2500, products=600, quota=None, subscribers=2000,
                         latency_ms=(2.0, 6.0), mutation_rate=300.0)
    with Emulator(cfg) as emu:
        with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_workers=workers) as client:
            until = client.store_time()
            before = {r["id"] for r in emu.store.records(stream)}
            raw_ids: list[int] = []
            for page in fetch_pages(client, STREAMS[stream], until=until):
                raw_ids.extend(r["id"] for r in page.records)
            after = emu.store.records(stream)
    assert len(raw_ids) == len(set(raw_ids))
    # Every record that existed throughout and was not modified after `until` must have been listed.
    untouched = {r["id"] for r in after if r["id"] in before and parse_api_date(r["date_modified"]) <= until}
    missing = untouched - set(raw_ids)
    assert not missing, f"{len(missing)} {stream} skipped, e.g. {sorted(missing)[:5]}"
    assert len(untouched) > 0.5 * len(before)
