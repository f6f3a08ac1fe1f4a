"""Bad input through the command line, as a user meets it: `bc-pipeline sync` / `check` in a real process
against the emulator. Each case exits 1 with one `Error: ...` line naming what to fix (no traceback), and the
database already synced keeps every row and every high-water mark.

docs/troubleshooting.md copies these messages. Bad webhook files (not JSON, huge, unknown shape) are covered
by test_webhooks_apply.py::test_bad_files_are_quarantined_while_good_ones_are_applied and
test_webhooks_plan.py::test_rejected_files_say_why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.reliability_support import sync_raw, sync_state
from bc_pipeline_tests.sync_harness import table_fingerprint

BAD_MAPPING = "tables:\n  orders:\n    source: bigcommerce.nope\n"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A synced database, an emulator with a token lacking scopes, and the base environment."""
    root = tmp_path_factory.mktemp("bad_input")
    db = root / "bc.duckdb"
    (root / "a_file").write_text("not a folder")
    (root / "bad_mapping.yaml").write_text(BAD_MAPPING)
    with Emulator(EmulatorConfig(seed=3, customers=20, orders=30, products=5, quota=None)) as emu:
        emu.add_token("orders-only-token", ["store_v2_orders_read_only"])
        sync_raw(emu, db)
        env = {"BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash, "BC_ACCESS_TOKEN": emu.access_token,
               "BC_DUCKDB_PATH": str(db), "DAGSTER_HOME": str(root / "dagster_home"),
               "BC_WEBHOOK_DIR": str(root / "webhooks")}
        yield root, db, env, emu


def cli(root: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    return subprocess.run([sys.executable, "-c", "from bc_pipeline.cli import main; main()", *args],
                          env={**clean, **env}, cwd=root, capture_output=True, text=True, timeout=300)


def error_line(proc: subprocess.CompletedProcess) -> str:
    """The one error line; fails if a traceback was printed or the line is not last."""
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and 'File "' not in proc.stderr, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), proc.stderr
    assert sum(1 for line in lines if line.startswith("Error: ")) == 1
    return lines[-1]


CASES = [  # (id, command, environment changes, words the message must hold)
    ("wrong-token", "sync", {"BC_ACCESS_TOKEN": "wrong-token-0123"}, ["401", "check BC_ACCESS_TOKEN"]),
    ("missing-scope", "sync", {"BC_ACCESS_TOKEN": "orders-only-token"},
     ["403", "customers:", "store_v2_customers_read_only", "store_v2_products_read_only"]),
    ("unknown-store-hash", "sync", {"BC_STORE_HASH": "nosuchstore"}, ["'nosuchstore' not found", "BC_STORE_HASH"]),
    ("invalid-start-date", "sync", {"BC_START_DATE": "2024-13-45"}, ["BC_START_DATE", "is not a date"]),
    ("invalid-timezone", "sync", {"BC_TIMEZONE": "Mars/Olympus"}, ["BC_TIMEZONE", "not an IANA timezone"]),
    ("future-start-date", "sync", {"BC_START_DATE": "2999-01-01"}, ["BC_START_DATE", "is in the future"]),
    ("bad-mapping-file", "sync", {"BC_MAPPING_FILE": "{root}/bad_mapping.yaml"}, ["invalid mapping file", "entities"]),
    ("missing-mapping-file", "sync", {"BC_MAPPING_FILE": "{root}/nope.yaml"}, ["BC_MAPPING_FILE", "does not exist"]),
    ("duckdb-path-under-a-file", "sync", {"BC_DUCKDB_PATH": "{root}/a_file/bc.duckdb"}, ["BC_DUCKDB_PATH", "a_file"]),
    ("duckdb-path-is-a-folder", "sync", {"BC_DUCKDB_PATH": "{root}"}, ["BC_DUCKDB_PATH", "is a directory"]),
    ("check-wrong-token", "check", {"BC_ACCESS_TOKEN": "wrong-token-0123"}, ["401", "check BC_ACCESS_TOKEN"]),
    ("check-missing-scope", "check", {"BC_ACCESS_TOKEN": "orders-only-token"}, ["grant the scopes listed above"]),
    ("check-unknown-store-hash", "check", {"BC_STORE_HASH": "nosuchstore"}, ["not found", "BC_STORE_HASH"]),
    # a token pasted with a line break: requests would quote the whole header value, token and all
    ("token-with-a-line-break", "sync", {"BC_ACCESS_TOKEN": "pasted-token-0123\nsecond-line"},
     ["BC_ACCESS_TOKEN", "copy it again"]),
    ("check-token-with-a-line-break", "check", {"BC_ACCESS_TOKEN": "pasted-token-0123\nsecond-line"},
     ["BC_ACCESS_TOKEN", "copy it again"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("command", "change", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_one_clear_line_and_loses_nothing(setup, command, change, words):
    root, db, env, emu = setup
    before = (table_fingerprint(db, "orders"), table_fingerprint(db, "customers"), sync_state(db))
    change = {k: v.format(root=root) for k, v in change.items()}

    line = error_line(cli(root, {**env, **change}, command))

    print(f"\n{line}")
    for word in words:
        assert word in line
    assert emu.access_token not in line
    assert all(part not in line for part in change.get("BC_ACCESS_TOKEN", "").split())  # nor a token given
    assert (table_fingerprint(db, "orders"), table_fingerprint(db, "customers")) == before[:2]
    # A token with only the orders scope still syncs orders and order statuses: their state may move.
    synced_anyway = {"orders", "order_statuses"} if change.get("BC_ACCESS_TOKEN") == "orders-only-token" else set()
    after = sync_state(db)
    assert {s: v for s, v in after.items() if s not in synced_anyway} == \
        {s: v for s, v in before[2].items() if s not in synced_anyway}


@pytest.mark.slow
def test_unreachable_api_url_names_the_url(setup):
    root, _, env, _ = setup
    line = error_line(cli(root, {**env, "BC_API_URL": "http://127.0.0.1:9"}, "check"))
    print(f"\n{line}")
    assert "Cannot reach the BigCommerce API at http://127.0.0.1:9" in line and "BC_API_URL" in line


def test_check_with_every_scope_says_so_in_aligned_columns(setup):
    """Every resource readable; the carts probe (a cart id no store has) answers 404, which the line explains;
    the longest resource name does not push its row out of the columns."""
    root, _, env, _ = setup
    proc = cli(root, env, "check")
    assert proc.returncode == 0, proc.stderr
    header, *rows, quota = proc.stdout.splitlines()[1:]
    column = header.index("readable")
    assert rows and all(row[column:].startswith("yes ") for row in rows), proc.stdout
    assert quota.startswith("API quota: "), proc.stdout
    [carts] = [row for row in rows if row.startswith("abandoned carts ")]
    assert carts.endswith("404     (404 for an id no store has: the scope is granted)")


def test_check_missing_scope_prints_the_scope_to_grant_per_resource(setup):
    root, _, env, _ = setup
    proc = cli(root, {**env, "BC_ACCESS_TOKEN": "orders-only-token"}, "check")
    assert proc.returncode == 1
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()[2:]}
    assert "store_v2_customers_read_only" in rows["customers"] and " NO " in rows["customers"]
    assert " yes " in rows["orders"]
