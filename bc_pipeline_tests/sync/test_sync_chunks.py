"""A counted window's count and first page are asked at once (sync/chunks.py first_chunks): a window of one
chunk goes on from that page with the same requests as before, one round of latency sooner; a window of
several chunks drops it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.streams import STREAMS
from bc_pipeline.sync.chunks import first_chunks, plan_chunks

ORDERS = STREAMS["orders"].listing
SINCE = datetime(2020, 1, 1, tzinfo=UTC)
LATENCY_S = 0.2


def _window_until() -> datetime:
    return (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)  # closed: no store clock asked


def _listed(emu, until: datetime, first: bool, per_chunk: int, listing=ORDERS) -> tuple[list, list[int], list]:
    """(chunks, the first chunk's order ids, the requests it took) by first_chunks or the sequential way."""
    emu.clear_request_log()
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
        if first:
            chunks, pages = first_chunks(client, listing, SINCE, until, per_chunk, None)
        else:
            chunks = plan_chunks(client, listing, SINCE, until, per_chunk)
            pages = None if len(chunks) > 1 else fetch_pages(client, listing, since=SINCE, until=until,
                                                             total=chunks[0][2])
        found = [r["id"] for page in pages or () for r in page.records]
    return chunks, found, sorted(emu.request_log, key=lambda e: e.ts)


def test_a_window_of_one_chunk_counts_while_its_first_page_comes(make_emulator):
    emu = make_emulator(orders=600, latency_ms=(LATENCY_S * 1000, LATENCY_S * 1000))
    until = _window_until()
    chunks, found, log = _listed(emu, until, first=True, per_chunk=10_000)
    before_chunks, before_found, before_log = _listed(emu, until, first=False, per_chunk=10_000)
    assert chunks == before_chunks and len(chunks) == 1
    assert sorted(found) == sorted(before_found) and len(found) == len(set(found)) == chunks[0][2] > 250
    assert sorted(e.path for e in log) == sorted(e.path for e in before_log)  # the same requests
    count = next(e for e in log if e.path.endswith("/v2/orders/count"))
    first_page = next(e for e in log if e.path.endswith("/v2/orders"))
    # asked together: each arrived before the other was answered (not one after the other's answer)
    assert first_page.ts < count.ts + count.latency_ms / 1000
    assert count.ts < first_page.ts + first_page.latency_ms / 1000


def test_a_window_of_several_chunks_drops_its_first_page(make_emulator):
    emu = make_emulator(orders=600, latency_ms=(LATENCY_S * 1000, LATENCY_S * 1000))
    until = _window_until()
    chunks, found, log = _listed(emu, until, first=True, per_chunk=100)
    before_chunks, _, before_log = _listed(emu, until, first=False, per_chunk=100)
    assert chunks == before_chunks and len(chunks) > 1
    assert found == []
    assert [e.path.rsplit("/", 1)[-1] for e in before_log] == ["count"]
    assert sorted(e.path.rsplit("/", 1)[-1] for e in log) == ["count", "orders"]  # the one page it spent


def test_a_v3_window_takes_its_count_from_its_first_page(make_emulator):
    """v3 pages say the window's total: no separate count request (limit=1) for a window of one chunk, and
    for one of several chunks the page replaces it."""
    emu = make_emulator(customers=600, latency_ms=(LATENCY_S * 1000, LATENCY_S * 1000))
    customers = STREAMS["customers"].listing
    until = _window_until()
    for per_chunk in (10_000, 100):
        chunks, found, log = _listed(emu, until, first=True, per_chunk=per_chunk, listing=customers)
        before_chunks, before_found, before_log = _listed(emu, until, first=False, per_chunk=per_chunk,
                                                          listing=customers)
        assert chunks == before_chunks
        assert sorted(found) == sorted(before_found)
        assert len(chunks) > 1 or len(found) == len(set(found)) == chunks[0][2] > 250
        probes = [e for e in before_log if e.query.get("limit") == "1"]
        assert len(probes) == 1 and not any(e.query.get("limit") == "1" for e in log)
        assert len(log) == len(before_log) - (1 if len(chunks) == 1 else 0)
    assert len(found) == 0 and len(before_chunks) > 1
