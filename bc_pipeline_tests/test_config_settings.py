"""Settings: every BC_* variable validated at load, with a message naming the variable."""

from datetime import date

import pytest

from bc_pipeline.config import ConfigError, load_settings

TODAY = date(2026, 11, 25)


def load(**env):
    return load_settings(env, today=TODAY)


def test_defaults_without_a_store():
    s = load()
    assert s.has_store_credentials is False
    assert s.api_url == "https://api.bigcommerce.com"
    assert (s.store_label, str(s.duckdb_path)) == ("emustore42", "data/emustore42.duckdb")  # the demo store's
    assert s.timezone == "UTC" and s.sync_cron == "*/5 * * * *" and s.schedule_running is False
    assert s.reconcile_running is True


def test_each_store_gets_its_own_default_file_unless_a_path_is_set():
    s = load(BC_STORE_HASH="AbC123", BC_ACCESS_TOKEN="t")
    assert (s.store_label, str(s.duckdb_path)) == ("abc123", "data/abc123.duckdb")
    assert str(load(BC_STORE_HASH="abc123", BC_ACCESS_TOKEN="t", BC_DUCKDB_PATH="x/y.duckdb").duckdb_path) == "x/y.duckdb"
    assert load(BC_RECONCILE_RUNNING="false").reconcile_running is False


def test_api_path_gives_the_store_hash_and_base_url():
    s = load(BC_API_PATH="https://api.bigcommerce.com/stores/abc123/v3/", BC_ACCESS_TOKEN="t0k3n")
    assert s.store_hash == "abc123"
    assert s.api_url == "https://api.bigcommerce.com"


def test_token_is_masked_in_repr_and_str():
    s = load(BC_STORE_HASH="abc123", BC_ACCESS_TOKEN="supersecret-token-value")
    assert "supersecret" not in repr(s) and "supersecret" not in str(s)
    assert s.access_token.get_secret_value() == "supersecret-token-value"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BC_START_DATE": "2024-13-01"}, "BC_START_DATE"),
        ({"BC_RECONCILE_RUNNING": "sometimes"}, "BC_RECONCILE_RUNNING"),
        ({"BC_START_DATE": "2027-01-01"}, "BC_START_DATE"),
        ({"BC_TIMEZONE": "Mars/Olympus"}, "BC_TIMEZONE"),
        ({"BC_STORE_HASH": "abc123"}, "BC_ACCESS_TOKEN"),
        ({"BC_ACCESS_TOKEN": "x"}, "BC_STORE_HASH"),
        ({"BC_STORE_HASH": "ab'; drop", "BC_ACCESS_TOKEN": "x"}, "BC_STORE_HASH"),
        ({"BC_API_PATH": "https://example.com/nope"}, "BC_API_PATH"),
        ({"BC_API_URL": "not a url"}, "BC_API_URL"),
        ({"BC_SYNC_CRON": "every five minutes"}, "BC_SYNC_CRON"),
        ({"BC_MAPPING_FILE": "/nonexistent/mapping.yaml"}, "BC_MAPPING_FILE"),
    ],
)
def test_invalid_values_name_the_variable(env, named):
    with pytest.raises(ConfigError) as exc:
        load(**env)
    assert named in str(exc.value)


def test_future_start_date_says_future():
    with pytest.raises(ConfigError, match="in the future"):
        load(BC_START_DATE="2030-01-01")


def test_secret_never_in_config_errors():
    with pytest.raises(ConfigError) as exc:
        load(BC_ACCESS_TOKEN="supersecret-token-value", BC_TIMEZONE="Nope/Nope")
    assert "supersecret" not in str(exc.value)


def test_database_path_that_is_a_directory(tmp_path):
    with pytest.raises(ConfigError, match="BC_DUCKDB_PATH"):
        load(BC_DUCKDB_PATH=str(tmp_path))


def test_database_path_under_a_file(tmp_path):
    (tmp_path / "a_file").write_text("not a folder")
    with pytest.raises(ConfigError, match="BC_DUCKDB_PATH: .* cannot be created: .*a_file' is a file"):
        load(BC_DUCKDB_PATH=str(tmp_path / "a_file" / "bc.duckdb"))


def test_start_date_is_compared_with_the_stores_today_not_the_servers():
    """The server in Pago Pago (UTC-11), the store in Kiritimati (UTC+14): the store's today is always at
    least one day after the server's. The store's today is accepted, the store's tomorrow refused."""
    import subprocess
    import sys
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    def load_in_pago_pago(start: date) -> subprocess.CompletedProcess:
        code = "from bc_pipeline.config import load_settings; print(load_settings().start_date)"
        env = {"TZ": "Pacific/Pago_Pago", "BC_TIMEZONE": "Pacific/Kiritimati", "BC_START_DATE": start.isoformat(),
               "PATH": "/usr/bin:/bin"}
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)

    store_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    accepted = load_in_pago_pago(store_today)
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.strip() == store_today.isoformat()
    refused = load_in_pago_pago(store_today + timedelta(days=1))
    assert refused.returncode == 1
    assert "is in the future" in refused.stderr


def test_every_variable_has_one_field_and_the_doc_is_generated_from_them():
    from pathlib import Path

    from bc_pipeline.config import VARIABLES, Settings
    from bc_pipeline.config_docs import configuration_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert doc.read_text(encoding="utf-8") == configuration_markdown(), (
        "docs/configuration.md is stale: run `python -m bc_pipeline.config_docs docs/configuration.md`")
    assert all(name.startswith("BC_") for name in VARIABLES)
    assert all(field.description for field in Settings.model_fields.values())
    for folded in ("BC_CHECKPOINT_RECORDS", "BC_WEBHOOK_SECRET", "BC_LAKE_CATALOG_URI", "BC_SYNC_PARALLEL"):
        assert folded in VARIABLES


def test_folded_settings_are_validated_like_the_others():
    s = load(BC_CHECKPOINT_RECORDS="300", BC_SYNC_PARALLEL="2", BC_LAKE_WAREHOUSE="s3://bucket/lake")
    assert (s.checkpoint_records, s.sync_parallel, s.lake_warehouse) == (300, 2, "s3://bucket/lake")
    with pytest.raises(ConfigError) as exc:
        load(BC_CHECKPOINT_RECORDS="lots", BC_SYNC_PARALLEL="0", BC_LAKE_PUBLISH="maybe")
    for name in ("BC_CHECKPOINT_RECORDS", "BC_SYNC_PARALLEL", "BC_LAKE_PUBLISH"):
        assert name in str(exc.value)


def test_the_lake_publishes_by_default_with_a_stores_file_only(tmp_path):
    stores = tmp_path / "stores.yaml"
    stores.write_text("stores: []\n")
    assert load().publishes_to_lake is False
    assert load(BC_STORES_FILE=str(stores)).publishes_to_lake is True
    assert load(BC_STORES_FILE=str(stores), BC_LAKE_PUBLISH="false").publishes_to_lake is False


def test_importing_the_definitions_reads_no_setting():
    """Importing every module of bc_pipeline.defs reads nothing: an invalid variable fails only when the
    definitions load, and nothing store-specific (api_url, the token) is fixed at import."""
    import subprocess
    import sys

    code = ("import importlib, pkgutil, bc_pipeline.defs as d\n"
            "for m in pkgutil.iter_modules(d.__path__): importlib.import_module(f'bc_pipeline.defs.{m.name}')\n"
            "import bc_pipeline.sync.chunks\n"
            "from bc_pipeline.definitions import defs\n"
            "import traceback\n"
            "try:\n    defs()\nexcept Exception as exc:\n"
            "    print('LOAD FAILED', 'BC_TIMEZONE' in ''.join(traceback.format_exception(exc)))\n")
    env = {"BC_TIMEZONE": "Mars/Olympus", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "LOAD FAILED True" in result.stdout
