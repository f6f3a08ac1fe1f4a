"""Paging while the store changes: nothing that stayed inside the window is skipped, nothing repeats."""

from datetime import timedelta

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.dates import parse_api_date
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.shards import PAGE_LIMIT
from bc_pipeline.streams import listings

LISTINGS = listings()


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
            for page in fetch_pages(client, LISTINGS[stream], until=until):
                raw_ids.extend(r["id"] for r in page.records)
            after = emu.store.records(stream)
    assert len(raw_ids) == len(set(raw_ids))
    # Every record that existed throughout and was not modified after `until` must have been listed.
    untouched = {r["id"] for r in after if r["id"] in before and parse_api_date(r["date_modified"]) <= until}
    missing = untouched - set(raw_ids)
    assert not missing, f"{len(missing)} {stream} skipped, e.g. {sorted(missing)[:5]}"
    assert len(untouched) > 0.5 * len(before)


def test_a_record_created_inside_an_open_window_does_not_hide_a_removal_from_page_one():
    # The window reaches the store's present, so a subscriber created during the listing joins it: one
    # create and one removal on page 1 leave the total unchanged while the first record of page 2 slides
    # onto page 1, already read. Page 1 must be read again all the same.
    cfg = EmulatorConfig(seed=17, customers=50, orders=50, products=20, quota=None, subscribers=600,
                         mutation_rate=0.0)
    with Emulator(cfg) as emu:
        with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_workers=1) as client:
            until = client.store_time() + timedelta(minutes=1)
            ids = [int(i) for i in emu.store.tables["subscribers"].ids]
            slider = ids[PAGE_LIMIT]  # the first record of page 2
            plain_get, mutated = client.get_json, []

            def get_json(path, params=None, **kwargs):
                body = plain_get(path, params, **kwargs)
                if path == LISTINGS["subscribers"].path and (params or {}).get("page") == 1 and not mutated:
                    mutated.append(emu.store.create("subscribers"))
                    emu.store.delete("subscribers", ids[0])
                return body

            client.get_json = get_json
            listed = [r["id"] for page in fetch_pages(client, LISTINGS["subscribers"], until=until)
                      for r in page.records]
    assert slider in listed and mutated[0] in listed and ids[0] in listed  # deleted after it was read
    assert len(listed) == len(set(listed)) == cfg.subscribers + 1
