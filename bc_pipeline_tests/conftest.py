"""Shared fixtures: emulated BigCommerce stores served over real HTTP on 127.0.0.1 (ephemeral ports).

* `emulator`: a small default store (seed 42, unlimited quota so tests never wait on 429s), per test.
* `make_emulator(**config)`: a factory for stores with any EmulatorConfig knobs; each is stopped after the test.
* `module_emulator`: the same small store shared by every test of a module (for read-only tests).
* `bc_session(emu)`: a plain requests.Session with the store's token; `bc_url(emu, "/v2/orders")`.
* `wh`: a Warehouse on a fresh DuckDB file in tmp_path (the warehouse tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline_tests.warehouse_support import connect

# `bc-pipeline ...` in a child process, stopped by Ctrl-C (SIGINT) as in a terminal. A test run started in the
# background (`cmd &`, nohup) inherits SIGINT ignored, and Python keeps it ignored in the child, which would
# then never stop: the child restores Python's own handler first.
CLI_STOPPED_BY_CTRL_C = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from bc_pipeline.cli import main; main()"
)

SMALL = {"seed": 42, "customers": 60, "orders": 120, "products": 30, "quota": None}


@pytest.fixture(autouse=True)
def dagster_state_storage_kept_per_test() -> Iterator[None]:
    """Each test leaves Dagster's current definitions-state storage as it found it. Entering an instance sets
    it process-wide and only the instance's exit unsets it; one test left it set in a full run (a schedule
    evaluated in `test_sync_incremental`, not reproducible alone), and every later definitions load in the
    process then resolved that disposed instance and failed."""
    from dagster._core.storage.defs_state.base import _current_storage

    token = _current_storage.set(_current_storage.get())
    yield
    _current_storage.reset(token)


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    """Factory: make_emulator(orders=50, quota=5, ...) -> a started Emulator, stopped at teardown."""
    started: list[Emulator] = []

    def make(**config: Any) -> Emulator:
        emu = Emulator(EmulatorConfig(**{**SMALL, **config})).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    """A small started store (60 customers, 120 orders, 30 products, no quota)."""
    return make_emulator()


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[Emulator]:
    """One small started store for a whole test module; do not mutate it."""
    with Emulator(EmulatorConfig(**SMALL)) as emu:
        yield emu


def bc_url(emu: Emulator, path: str) -> str:
    """Full URL of an API path such as '/v2/orders' on this store."""
    return f"{emu.api_url}/stores/{emu.store_hash}{path}"


def bc_session(emu: Emulator, token: str | None = None) -> requests.Session:
    session = requests.Session()
    session.headers.update({"X-Auth-Token": token or emu.access_token, "Accept": "application/json"})
    return session


@pytest.fixture
def session(emulator: Emulator) -> Iterator[requests.Session]:
    """A requests.Session authenticated against the `emulator` store."""
    s = bc_session(emulator)
    yield s
    s.close()


@pytest.fixture
def wh(tmp_path):
    conn = connect(tmp_path)
    ensure_schema(conn)  # what a writer's connection does when it opens the file
    yield Warehouse(conn)
    conn.close()


@pytest.fixture
def fresh_settings():
    """Settings (and the mapping file) read again from the environment, before and after the test."""
    from bc_pipeline.defs import mapped_assets as mapped_module
    from bc_pipeline.defs import settings as settings_module

    settings_module.settings.cache_clear()
    mapped_module.current_mapping.cache_clear()
    yield
    settings_module.settings.cache_clear()
    mapped_module.current_mapping.cache_clear()
