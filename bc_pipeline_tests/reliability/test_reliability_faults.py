"""A full sync through injected faults lands exactly what a clean sync lands: the store's records, once each,
every value equal.

Two emulators with the same seed serve the same store. One is clean; the other fails about 10% of requests
(500, 502, 503, connection reset, an answer stalled past the client's read timeout, a truncated body), sheds
3% with header-less 429s and has a tight quota. The real raw assets run against each into its own DuckDB
file; every table's fingerprint (all columns but `_synced_at`) must be equal, and its ids must be the store's.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.reliability_support import TABLE_TRUTH, fingerprint, sync_raw, truth_ids
from bc_pipeline_tests.sync_harness import ids

STORE = {"seed": 11, "customers": 600, "orders": 2000, "products": 200}
FAULTS = {"fault_rate": 0.10, "fault_kinds": ("500", "502", "503", "reset", "slow", "truncated"),
          "slow_ms": 2500, "shed_rate": 0.03, "quota": 12, "window_ms": 600}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both runs: {"clean"|"faulty": (db, api_url)}, the statuses the faulty emulator answered, and its store's
    truth per table."""
    root = tmp_path_factory.mktemp("faults")
    clean_db, faulty_db = root / "clean.duckdb", root / "faulty.duckdb"
    with Emulator(EmulatorConfig(**STORE, quota=None)) as clean:
        sync_raw(clean, clean_db)
        clean_url = clean.api_url
    with Emulator(EmulatorConfig(**STORE, **{k: v for k, v in FAULTS.items() if k != "quota"},
                                 quota=FAULTS["quota"])) as faulty:
        result = sync_raw(faulty, faulty_db, timeout_s=1.0)
        assert result.success
        statuses = Counter(e.status for e in faulty.request_log)
        truth = {t: truth_ids(faulty, r) for t, r in TABLE_TRUTH.items()}
        faulty_url = faulty.api_url
    return {"clean": (clean_db, clean_url), "faulty": (faulty_db, faulty_url)}, statuses, truth


def test_the_faults_really_happened(runs):
    _, statuses, _ = runs
    total = sum(statuses.values())
    failed = statuses[500] + statuses[502] + statuses[503] + statuses[0] + statuses[429]
    assert failed >= 1, statuses  # slow and truncated answers are logged as 200: see the figures
    print(f"\nfault run: {total} requests answered, statuses {dict(statuses)}")


@pytest.mark.parametrize("table", sorted(TABLE_TRUTH))
def test_every_table_holds_exactly_the_stores_records(runs, table):
    dbs, _, truth = runs
    landed = ids(dbs["faulty"][0], table, include_deleted=True)
    assert len(landed) == len(set(landed)), f"duplicates in {table}"
    assert landed == truth[table]


@pytest.mark.parametrize("table", sorted(TABLE_TRUTH))
def test_every_value_equals_the_clean_run(runs, table):
    dbs, _, _ = runs
    clean = fingerprint(dbs["clean"][0], table, dbs["clean"][1])
    assert clean, f"the clean run landed no {table}"
    assert fingerprint(dbs["faulty"][0], table, dbs["faulty"][1]) == clean
