"""Failures users can act on: bad token, missing scope, unknown store, unreachable API, spent retries.
And the access token never appears in any message, repr or log line."""

import logging
from datetime import UTC, datetime

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.errors import (
    ApiUnavailableError,
    ApiUnreachableError,
    AuthError,
    BigCommerceError,
    ScopeError,
    StoreNotFoundError,
)
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.scopes import check_access
from bc_pipeline.streams import listings, probes

LISTINGS = listings()

BAD_TOKEN = "tok_wrong_0123456789abcdef"
LIMITED_TOKEN = "tok_orders_only_0123456789"


@pytest.fixture(scope="module")
def emu():
    with Emulator(EmulatorConfig(seed=11, customers=30, orders=40, products=10, quota=None)) as e:
        e.add_token(LIMITED_TOKEN, scopes=["store_v2_orders_read_only"])
        yield e


def test_bad_token_fails_at_once_with_auth_error(emu):
    emu.clear_request_log()
    with BigCommerceClient(emu.api_url, emu.store_hash, BAD_TOKEN) as client, pytest.raises(AuthError) as err:
        list(fetch_pages(client, LISTINGS["customers"], until=datetime(2025, 1, 1, tzinfo=UTC)))
    assert len(emu.request_log) == 1
    assert "401" in str(err.value) and "BC_ACCESS_TOKEN" in str(err.value) and "/v3/customers" in str(err.value)


def test_missing_scope_names_the_scope_to_grant(emu):
    with BigCommerceClient(emu.api_url, emu.store_hash, LIMITED_TOKEN) as client:
        with pytest.raises(ScopeError) as err:
            client.get_json("/v3/catalog/products", {"limit": 1})
        assert err.value.scope == "store_v2_products_read_only"
        assert "store_v2_products_read_only" in str(err.value)
        results = {r.resource: r for r in check_access(client, probes())}
    assert results["orders"].readable and results["order statuses"].readable
    assert not results["customers"].readable
    assert results["customers"].scope_to_grant == "store_v2_customers_read_only"
    assert results["subscribers"].scope_to_grant == "store_v2_customers_read_only"
    assert results["brands"].scope_to_grant == "store_v2_products_read_only"
    assert not results["abandoned carts"].readable
    assert results["abandoned carts"].scope_to_grant == "store_cart_read_only"
    assert results["store information"].scope_to_grant in (None, "store_v2_information_read_only")


def test_full_token_can_read_everything(emu):
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
        results = check_access(client, probes())
    assert all(r.readable for r in results), [r for r in results if not r.readable]


def test_unknown_store_hash_names_the_hash(emu):
    with BigCommerceClient(emu.api_url, "nosuchstore", emu.access_token) as client, \
            pytest.raises(StoreNotFoundError) as err:
        client.get_json("/v3/customers", {"limit": 1})
    assert "nosuchstore" in str(err.value) and "BC_STORE_HASH" in str(err.value)


def test_unreachable_api_names_the_url():
    with BigCommerceClient("http://127.0.0.1:9", "h", "tok", backoff_factor=0.01) as client, \
            pytest.raises(ApiUnreachableError) as err:
        client.store_time()
    assert "http://127.0.0.1:9" in str(err.value)


def test_retry_budget_spent_names_request_and_last_status():
    cfg = EmulatorConfig(seed=5, customers=5, orders=5, products=2, quota=None, fault_rate=1.0,
                         fault_kinds=("503",))
    with Emulator(cfg) as emu:
        with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_retries=3,
                               backoff_factor=0.01) as client, pytest.raises(ApiUnavailableError) as err:
            client.get_json("/v2/orders", {"limit": 250, "min_id": 1})
        assert len(emu.request_log) == 4  # the first try and 3 retries
    assert "GET /v2/orders?limit=250&min_id=1" in str(err.value) and "503" in str(err.value)


def test_the_token_never_appears_in_messages_reprs_or_logs(emu, caplog):
    caplog.set_level(logging.DEBUG)
    failures: list[BigCommerceError] = []
    attempts = [
        (emu.api_url, emu.store_hash, BAD_TOKEN, "/v3/customers"),
        (emu.api_url, emu.store_hash, LIMITED_TOKEN, "/v3/customers"),
        (emu.api_url, "nosuchstore", emu.access_token, "/v3/customers"),
        ("http://127.0.0.1:9", emu.store_hash, emu.access_token, "/v2/time"),
    ]
    for url, store, token, path in attempts:
        with BigCommerceClient(url, store, token, backoff_factor=0.01, max_retries=1) as client:
            assert token not in repr(client)
            with pytest.raises(BigCommerceError) as err:
                client.get_json(path, {"limit": 1})
            failures.append(err.value)
    assert len(failures) == 4
    secrets = (BAD_TOKEN, LIMITED_TOKEN, emu.access_token)
    for exc in failures:
        text = f"{exc} {exc!r} {exc.request} {exc.status} {exc.__cause__!r} {exc.__context__!r}"
        assert not any(s in text for s in secrets), text
    assert not any(s in caplog.text for s in secrets)


def test_request_descriptions_drop_secret_looking_parameters():
    from bc_pipeline.bigcommerce.errors import describe_request

    text = describe_request("GET", "/v3/customers", {"limit": 1, "access_token": "s3cret", "id:in": "1,2"})
    assert text == "GET /v3/customers?limit=1&id:in=1,2"


def test_a_shard_that_gives_up_fails_the_whole_listing():
    cfg = EmulatorConfig(seed=5, customers=5, orders=2000, products=2, quota=None)
    with Emulator(cfg) as emu:
        with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_retries=1,
                               backoff_factor=0.01) as client:
            pages = fetch_pages(client, LISTINGS["orders"])
            first = next(pages)  # planning and the first page succeed
            emu.config.fault_rate, emu.config.fault_kinds = 1.0, ("503",)
            with pytest.raises(ApiUnavailableError) as err:
                list(pages)
    assert first.records and "503" in str(err.value) and "/v2/orders" in str(err.value)
