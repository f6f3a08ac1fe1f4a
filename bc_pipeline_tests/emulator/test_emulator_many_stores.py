"""One emulator server serving several stores, each under its own /stores/{hash}/ with its own token, data,
quota, mutations, webhook subscriptions and webhook folder; nothing of one store answers for another.
Over HTTP on 127.0.0.1, from Python and from `bc-pipeline emulator --store ... / --stores-file ...`."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
import requests
from click.testing import CliRunner

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.cli import main
from bc_pipeline_tests.conftest import CLI_STOPPED_BY_CTRL_C

A = EmulatorConfig(store_hash="storea", access_token="tok-a", seed=1, customers=20, orders=30, products=6,
                   quota=None)
B = EmulatorConfig(store_hash="storeb", access_token="tok-b", seed=2, customers=10, orders=12, products=4,
                   quota=3, window_ms=60_000)


def get(emu: Emulator, store_hash: str, token: str, path: str, **params) -> requests.Response:
    return requests.get(f"{emu.api_url}/stores/{store_hash}{path}", headers={"X-Auth-Token": token},
                        params=params, timeout=10)


@pytest.fixture
def two(tmp_path):
    a = EmulatorConfig(**{**vars(A), "emit_webhooks_to": tmp_path / "a"})
    b = EmulatorConfig(**{**vars(B), "emit_webhooks_to": tmp_path / "b"})
    with Emulator(stores=[a, b]) as emu:
        yield emu


def test_each_store_serves_its_own_data(two):
    for cfg in (A, B):
        served = two.stores[cfg.store_hash]
        r = get(two, cfg.store_hash, cfg.access_token, "/v2/orders", limit=250)
        assert r.status_code == 200
        assert [o["id"] for o in r.json()] == [o["id"] for o in served.store.records("orders")]
        assert len(r.json()) == cfg.orders
    a_order = get(two, "storea", "tok-a", "/v2/orders/1").json()
    b_order = get(two, "storeb", "tok-b", "/v2/orders/1").json()
    assert a_order != b_order  # other seeds, other data
    assert a_order["customer_id"] <= A.customers and b_order["customer_id"] <= B.customers


def test_a_store_refuses_the_other_stores_token(two):
    assert get(two, "storea", "tok-b", "/v2/time").status_code == 401
    assert get(two, "storeb", "tok-a", "/v2/time").status_code == 401
    assert get(two, "nostore", "tok-a", "/v2/time").status_code == 404
    two.stores["storeb"].revoke_token("tok-b")
    assert get(two, "storeb", "tok-b", "/v2/time").status_code == 401
    assert get(two, "storea", "tok-a", "/v2/time").status_code == 200  # the other store is untouched


def test_each_store_has_its_own_quota(two):
    answers = [get(two, "storeb", "tok-b", "/v2/time") for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-Rate-Limit-Requests-Quota"] == "3"
    a = get(two, "storea", "tok-a", "/v2/time")
    assert a.status_code == 200 and a.headers["X-Rate-Limit-Requests-Quota"] == "1000000000"


def test_mutations_and_webhook_files_are_per_store(two, tmp_path):
    before_b = get(two, "storeb", "tok-b", "/v2/orders/2").json()
    two.stores["storea"].store.update("orders", 2, staff_notes="changed in store a")
    assert get(two, "storea", "tok-a", "/v2/orders/2").json()["staff_notes"] == "changed in store a"
    assert get(two, "storeb", "tok-b", "/v2/orders/2").json() == before_b
    (payload_file,) = (tmp_path / "a").glob("*.json")
    payload = json.loads(payload_file.read_text())
    assert payload["producer"] == "stores/storea" and payload["data"] == {"type": "order", "id": 2}
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").glob("*.json"))
    assert [m.resource for m in two.stores["storeb"].store.mutation_log] == []


def test_webhook_subscriptions_are_per_store(two):
    hook = {"scope": "store/order/*", "destination": "https://example.com/hooks", "is_active": True}
    r = requests.post(f"{two.api_url}/stores/storea/v3/hooks", json=hook,
                      headers={"X-Auth-Token": "tok-a"}, timeout=10)
    assert r.status_code == 200
    assert len(two.stores["storea"].hooks) == 1 and two.stores["storeb"].hooks == {}
    assert get(two, "storeb", "tok-b", "/v3/hooks").json()["data"] == []


def test_the_single_store_names_are_the_first_stores(two):
    assert (two.store_hash, two.access_token, two.store) == ("storea", "tok-a", two.stores["storea"].store)
    assert {e.path.split("/")[2] for e in two.request_log} <= {"storea", "storeb"}


def test_a_hash_served_twice_or_a_second_address_is_refused():
    with pytest.raises(ValueError, match="served twice"):
        Emulator(stores=[A, EmulatorConfig(store_hash="storea", seed=3)])
    with pytest.raises(ValueError, match="port"):
        Emulator(stores=[EmulatorConfig(store_hash="x", port=0), EmulatorConfig(store_hash="y", port=9)])
    with pytest.raises(TypeError):
        Emulator(A, stores=[B])


def _serve(args: list[str]) -> tuple[subprocess.Popen, list[str]]:
    """Start `bc-pipeline emulator ARGS`; return the process and its output up to "Ctrl-C to stop."."""
    proc = subprocess.Popen([sys.executable, "-c", CLI_STOPPED_BY_CTRL_C, "emulator", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line.strip())
        if line.startswith("Ctrl-C"):
            break
    return proc, lines


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=20)
    assert proc.returncode == 0


def test_cli_serves_the_stores_named_by_store_flags():
    proc, lines = _serve(["--store", "shopa:tok-a:7", "--store", "shopb:tok-b:3", "--customers", "5",
                          "--products", "3", "--quota", "none"])
    try:
        url = next(line.split("=", 1)[1] for line in lines if line.startswith("BC_API_URL="))
        assert any(line.startswith("store shopa: BC_STORE_HASH=shopa BC_ACCESS_TOKEN=tok-a") for line in lines)
        for store_hash, token, n in (("shopa", "tok-a", 7), ("shopb", "tok-b", 3)):
            r = requests.get(f"{url}/stores/{store_hash}/v2/orders", headers={"X-Auth-Token": token}, timeout=10)
            assert r.status_code == 200 and len(r.json()) == n
        r = requests.get(f"{url}/stores/shopa/v2/orders", headers={"X-Auth-Token": "tok-b"}, timeout=10)
        assert r.status_code == 401
    finally:
        _stop(proc)


def test_cli_stores_file_sets_knobs_per_store(tmp_path):
    stores = tmp_path / "stores.yaml"
    stores.write_text("stores:\n"
                      "  - {store_hash: one, access_token: tok-1, orders: 4, quota: 2, window_ms: 60000}\n"
                      "  - {store_hash: two, access_token: tok-2, orders: 6, seed: 9}\n")
    proc, lines = _serve(["--stores-file", str(stores), "--customers", "5", "--products", "3", "--quota", "none"])
    try:
        url = next(line.split("=", 1)[1] for line in lines if line.startswith("BC_API_URL="))
        one = [requests.get(f"{url}/stores/one/v2/time", headers={"X-Auth-Token": "tok-1"}, timeout=10)
               for _ in range(3)]
        assert [r.status_code for r in one] == [200, 200, 429]
        two = requests.get(f"{url}/stores/two/v2/orders", headers={"X-Auth-Token": "tok-2"}, timeout=10)
        assert two.status_code == 200 and len(two.json()) == 6
        assert "seed 9)" in next(line for line in lines if line.startswith("store two:"))
    finally:
        _stop(proc)


@pytest.mark.parametrize("args, message", [
    (["--store", "a:tok", "--store-hash", "b"], "--store-hash names the one store"),
    (["--store", "a"], "use HASH:TOKEN or HASH:TOKEN:ORDERS"),
    (["--store", "a:tok:many"], "ORDERS must be a whole number"),
    (["--store", "a:tok", "--store", "a:tok2"], "served twice"),
])
def test_cli_store_errors_are_one_line(args, message):
    result = CliRunner().invoke(main, ["emulator", "--port", "0", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_cli_stores_file_errors_name_the_store(tmp_path):
    stores = tmp_path / "stores.yaml"
    stores.write_text("stores:\n  - {store_hash: one, access_token: t, orderz: 4}\n")
    result = CliRunner().invoke(main, ["emulator", "--stores-file", str(stores)])
    assert result.exit_code == 2 and "store 'one': unknown field(s) orderz" in result.output
