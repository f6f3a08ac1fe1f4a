"""The stores file (BC_STORES_FILE): a good file resolves every store; each refusal is one line naming the
file, the store and the key; the token held by a store's variable never appears in any message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bc_pipeline.config import load_settings
from bc_pipeline.defs.resources import BigCommerceResource, StoreSpec, StoresResource
from bc_pipeline.stores import StoresFileError, load_stores, load_stores_file
from bc_pipeline.stores.load import MAX_FILE_BYTES

TOKEN = "tok_9f8e7d6c5b4a3210secret"
ENV = {"ACME_BC_TOKEN": TOKEN, "BETA_BC_TOKEN": TOKEN + "b"}
TODAY = date(2026, 1, 1)
GOOD = """\
stores:
  - label: acme
    store_hash: abc123
    token_env: ACME_BC_TOKEN
    start_date: 2022-01-01
    timezone: America/Chicago
    api_url: http://127.0.0.1:8765
  - label: beta_eu
    api_path: https://api.bigcommerce.com/stores/Zz9/v3/
    token_env: BETA_BC_TOKEN
    start_date: 2023-06-01
    duckdb_path: {tmp}/beta.duckdb
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stores.yaml"
    path.write_text(text.format(tmp=tmp_path), encoding="utf-8")
    return path


def refusal(path: Path, env: dict[str, str] = ENV) -> list[str]:
    with pytest.raises(StoresFileError) as caught:
        load_stores_file(path, env=env, today=TODAY)
    message = str(caught.value)
    assert TOKEN not in message
    assert all(line.startswith(f"stores file {path}: ") for line in caught.value.problems)
    return caught.value.problems


def test_good_file_resolves_every_store(tmp_path):
    acme, beta = load_stores_file(write(tmp_path, GOOD), env=ENV, today=TODAY)
    assert (acme.label, acme.store_hash, acme.api_url, acme.timezone) == ("acme", "abc123", "http://127.0.0.1:8765",
                                                                           "America/Chicago")
    assert acme.duckdb_path == Path("data/stores/acme.duckdb")
    assert acme.start_date == date(2022, 1, 1) and acme.mapping_file is None
    assert (beta.store_hash, beta.api_url, beta.timezone) == ("Zz9", "https://api.bigcommerce.com", "UTC")
    assert beta.duckdb_path == tmp_path / "beta.duckdb"
    assert beta.access_token(ENV).get_secret_value() == TOKEN + "b"
    assert TOKEN not in repr(acme.access_token(ENV))


def test_missing_token_variable_names_the_variable_not_a_token(tmp_path):
    problems = refusal(write(tmp_path, GOOD), env={"BETA_BC_TOKEN": TOKEN})
    assert problems == [f"stores file {tmp_path / 'stores.yaml'}: store 'acme': token_env: the variable "
                        "ACME_BC_TOKEN is not set (it must hold this store's access token)"]


def test_a_token_pasted_as_token_env_is_refused_without_being_repeated(tmp_path):
    problems = refusal(write(tmp_path, GOOD.replace("token_env: ACME_BC_TOKEN", f"token_env: '{TOKEN}-x!'")))
    assert len(problems) == 1 and "store 'acme': token_env: is not a variable name" in problems[0]


def test_duplicate_label(tmp_path):
    problems = refusal(write(tmp_path, GOOD.replace("label: beta_eu", "label: acme")))
    assert problems == [f"stores file {tmp_path / 'stores.yaml'}: store #2 ('acme'): label: is also the label of "
                        "store #1 ('acme')"]


def test_two_entries_for_one_duckdb_file_or_one_store_are_refused(tmp_path):
    text = GOOD.replace("{tmp}/beta.duckdb", "data/stores/acme.duckdb").replace(
        "https://api.bigcommerce.com/stores/Zz9/v3/", "http://127.0.0.1:8765/stores/ABC123/v3/")
    problems = refusal(write(tmp_path, text))
    assert [p.split(": ", 2)[2] for p in problems] == [
        "duckdb_path: is also the file of store #1 ('acme')",
        "store_hash: is the same BigCommerce store as store #1 ('acme')",
    ]


def test_bad_hash_and_bad_api_path(tmp_path):
    text = GOOD.replace("store_hash: abc123", "store_hash: abc-123").replace("/stores/Zz9/v3/", "/shops/Zz9/")
    problems = refusal(write(tmp_path, text))
    assert [p.split(": ", 1)[1] for p in problems] == [
        "store 'acme': store_hash: is not a store hash (letters and digits, e.g. abc123)",
        "store 'beta_eu': api_path: is not an API PATH like https://api.bigcommerce.com/stores/abc123/v3/",
    ]


def test_bad_label_is_named_by_position(tmp_path):
    problems = refusal(write(tmp_path, GOOD.replace("label: beta_eu", "label: Beta-EU")))
    assert problems == [f"stores file {tmp_path / 'stores.yaml'}: store #2: label: 'Beta-EU' is not a label: "
                        "lower-case letters, digits and _ only (e.g. acme_eu)"]


def test_unknown_key_and_missing_keys(tmp_path):
    text = GOOD.replace("    token_env: BETA_BC_TOKEN\n", f"    acess_token: {TOKEN}\n").replace(
        "    store_hash: abc123\n", "")
    problems = [p.split(": ", 1)[1] for p in refusal(write(tmp_path, text))]
    assert problems == [
        "store 'acme': store_hash: set store_hash or api_path",
        "store 'beta_eu': token_env: Field required",
        "store 'beta_eu': acess_token: unknown key; nearest valid name: 'token_env'",
    ]


def test_other_bad_values_each_get_a_line(tmp_path):
    text = GOOD.replace("2022-01-01", "2999-01-01").replace("America/Chicago", "Mars/Olympus").replace(
        "http://127.0.0.1:8765", "ftp:/x") + "    mapping_file: nope.yaml\n"
    problems = [p.split(": ", 1)[1] for p in refusal(write(tmp_path, text))]
    assert problems == [
        "store 'acme': start_date: 2999-01-01 is in the future; nothing could be synced",
        "store 'acme': timezone: is not an IANA timezone (e.g. UTC, America/Chicago)",
        "store 'acme': api_url: is not a base URL like https://api.bigcommerce.com",
        "store 'beta_eu': mapping_file: does not exist",
    ]


def test_file_shape_errors_are_one_line(tmp_path):
    path = write(tmp_path, "stores: [\n")
    assert refusal(path) == [f"stores file {path}: line 2: not valid YAML (expected the node content, but found "
                             "'<stream end>')"]
    assert refusal(write(tmp_path, "- label: acme\n")) == [
        f"stores file {path}: stores: Field required (a `stores:` list of stores)"]
    assert refusal(write(tmp_path, "stores: [3]\nschedule: x\n")) == [
        f"stores file {path}: store #1: is not a store (a mapping with label, store_hash, token_env, start_date, ...)",
        f"stores file {path}: schedule: unknown key; valid names: 'stores'"]
    assert refusal(write(tmp_path, "#" * (MAX_FILE_BYTES + 1))) == [f"stores file {path}: larger than 1024 KiB; refused"]


def test_without_a_stores_file_the_settings_are_the_one_store(tmp_path):
    env = {"BC_STORE_HASH": "AbC123", "BC_ACCESS_TOKEN": TOKEN, "BC_DUCKDB_PATH": str(tmp_path / "one.duckdb")}
    (store,) = load_stores(env)
    assert (store.label, store.store_hash, store.token_env) == ("abc123", "AbC123", "BC_ACCESS_TOKEN")
    assert store.duckdb_path == tmp_path / "one.duckdb"
    assert store.api_url == load_settings(env).api_url
    assert store.access_token(env).get_secret_value() == TOKEN


def test_bc_stores_file_switches_to_the_file(tmp_path):
    env = {**ENV, "BC_STORES_FILE": str(write(tmp_path, GOOD))}
    assert [s.label for s in load_stores(env, today=TODAY)] == ["acme", "beta_eu"]


def test_each_store_keeps_its_own_share_of_the_quota_for_other_apps(tmp_path, monkeypatch):
    """`quota_reserve_percent` per store in the file, BC_QUOTA_RESERVE_PERCENT for the one store of the settings;
    the store's clients (and the siblings its streams use) keep that share of each window; a bad value is one
    line naming the store."""
    text = GOOD.replace("    timezone: America/Chicago\n", "    timezone: America/Chicago\n    quota_reserve_percent: 25\n")
    acme, beta = load_stores_file(write(tmp_path, text), env=ENV, today=TODAY)
    assert (acme.quota_reserve_percent, beta.quota_reserve_percent) == (25, 0)
    assert StoreSpec.of(acme).to_store() == acme  # what a run is handed keeps it
    monkeypatch.setenv("ACME_BC_TOKEN", TOKEN)
    with acme.client() as client, client.sibling() as stream_client:
        assert client.gate.reserve_percent == 25 and stream_client.gate is client.gate
    resource = BigCommerceResource(stores=StoresResource(stores=[StoreSpec.of(acme)]))
    with resource.client() as run_client:  # what a Dagster run's streams get
        assert run_client.gate.reserve_percent == 25
    env = {"BC_STORE_HASH": "AbC123", "BC_ACCESS_TOKEN": TOKEN, "BC_DUCKDB_PATH": str(tmp_path / "one.duckdb"),
           "BC_QUOTA_RESERVE_PERCENT": "10"}
    (store,) = load_stores(env)
    assert store.quota_reserve_percent == 10
    problems = [p.split(": ", 1)[1] for p in refusal(write(tmp_path, text.replace(": 25", ": 95")))]
    assert problems == ["store 'acme': quota_reserve_percent: '95' is not a whole number of percent from 0 to 90"]

