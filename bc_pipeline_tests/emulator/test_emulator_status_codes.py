"""Status codes and headers of the emulator: 204 past the end (v2), 401, 403 (scopes), 404, 413/422 for limits,
429 past the quota with reset headers, and the documented error bodies."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from bc_pipeline_tests.conftest import bc_session, bc_url

REF = json.loads((Path(__file__).parents[1] / "fixtures" / "emulator" / "reference_fields.json").read_text())
RATE_HEADERS = REF["rate_limit_headers"]


def test_v2_past_the_last_page_is_204_with_empty_body(emulator, session):
    n = len(emulator.store.records("orders"))
    r = session.get(bc_url(emulator, f"/v2/orders?limit=50&page={n // 50 + 2}"))
    assert r.status_code == 204 and r.content == b""
    assert all(h in r.headers for h in RATE_HEADERS)
    r = session.get(bc_url(emulator, "/v2/orders/1/products?page=99"))
    assert r.status_code == 204


def test_v3_past_the_end_is_200_with_empty_data(emulator, session):
    r = session.get(bc_url(emulator, "/v3/catalog/products?page=999"))
    assert r.status_code == 200 and r.json()["data"] == []


def test_missing_or_wrong_token_is_401_with_documented_body(emulator):
    r = requests.get(bc_url(emulator, "/v3/customers"))
    assert r.status_code == 401
    assert r.json() == REF["bodies"]["error_401_v3"]
    r = requests.get(bc_url(emulator, "/v2/orders"), headers={"X-Auth-Token": "wrong"})
    assert r.status_code == 401 and r.json()[0]["status"] == 401
    assert all(h in r.headers for h in RATE_HEADERS)


def test_unknown_store_hash_and_unknown_records_are_404(emulator, session):
    r = session.get(f"{emulator.api_url}/stores/nosuchstore/v2/time")
    assert r.status_code == 404
    r = session.get(bc_url(emulator, "/v2/orders/99999999"))
    assert r.status_code == 404 and r.json() == [{"status": 404, "message": "The requested resource was not found."}]
    r = session.get(bc_url(emulator, "/v3/catalog/products/99999999"))
    assert r.status_code == 404 and r.json()["status"] == 404
    r = session.get(bc_url(emulator, "/v3/nothing-here"))
    assert r.status_code == 404


def test_limit_above_250_is_413_on_v2_and_422_on_v3(emulator, session):
    r = session.get(bc_url(emulator, "/v2/orders?limit=251"))
    assert r.status_code == 413 and r.json() == REF["bodies"]["error_413_v2"]
    r = session.get(bc_url(emulator, "/v3/customers?limit=251"))
    assert r.status_code == 422 and {"status", "title", "type"} <= set(r.json())


def test_token_without_scope_gets_403_naming_no_secret(emulator):
    emulator.add_token("orders-only-token", scopes=["store_v2_orders_read_only"])
    s = bc_session(emulator, "orders-only-token")
    assert s.get(bc_url(emulator, "/v2/orders")).status_code == 200
    r = s.get(bc_url(emulator, "/v3/customers"))
    assert r.status_code == 403
    body = r.json()
    assert body["status"] == 403 and "scope" in body["title"]
    assert "orders-only-token" not in r.text and emulator.access_token not in r.text
    assert s.get(bc_url(emulator, "/v3/catalog/products")).status_code == 403
    assert s.get(bc_url(emulator, "/v3/hooks")).status_code == 200  # default scope


def test_modify_scope_implies_read(emulator):
    emulator.add_token("writer", scopes=["store_v2_products"])
    assert bc_session(emulator, "writer").get(bc_url(emulator, "/v3/catalog/variants")).status_code == 200


def test_quota_gives_429_with_reset_headers_then_recovers(make_emulator):
    emu = make_emulator(quota=3, window_ms=60_000)
    s = bc_session(emu)
    lefts = [int(s.get(bc_url(emu, "/v2/time")).headers["X-Rate-Limit-Requests-Left"]) for _ in range(3)]
    assert lefts == [2, 1, 0]
    r = s.get(bc_url(emu, "/v2/time"))
    assert r.status_code == 429
    assert r.json() == REF["bodies"]["error_429_v3"]
    assert r.headers["X-Rate-Limit-Requests-Quota"] == "3"
    assert r.headers["X-Rate-Limit-Time-Window-Ms"] == "60000"
    assert 0 < int(r.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 60_000
    assert int(r.headers["X-Retry-After"]) >= 1


def test_quota_window_resets(make_emulator):
    emu = make_emulator(quota=2, window_ms=200)
    s = bc_session(emu)
    statuses = [s.get(bc_url(emu, "/v2/time")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    reset_ms = 200
    import time
    time.sleep(reset_ms / 1000 + 0.05)
    assert s.get(bc_url(emu, "/v2/time")).status_code == 200


def test_shed_429_has_no_rate_limit_headers(make_emulator):
    emu = make_emulator(shed_rate=1.0)
    r = bc_session(emu).get(bc_url(emu, "/v2/time"))
    assert r.status_code == 429
    assert not any(h in r.headers for h in RATE_HEADERS)


def test_request_log_records_each_request(emulator, session):
    emulator.clear_request_log()
    session.get(bc_url(emulator, "/v2/orders?limit=5&min_id=3"))
    requests.get(bc_url(emulator, "/v2/orders"))
    log = emulator.request_log
    assert [(e.method, e.status) for e in log] == [("GET", 200), ("GET", 401)]
    assert log[0].path == f"/stores/{emulator.store_hash}/v2/orders"
    assert log[0].query == {"limit": "5", "min_id": "3"}
    assert log[0].latency_ms >= 0 and log[0].ts > 0
