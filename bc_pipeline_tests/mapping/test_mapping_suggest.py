"""`mapping suggest` on an emulated store (its records merged through the real warehouse code) prints a file
that `mapping check` accepts, that lists the store's form fields, attributes, custom fields and variant
options, and that maps every status and custom label the store's orders have."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from bc_pipeline.cli import main
from bc_pipeline.mapping.load import load_mapping
from bc_pipeline.mapping.rebuild import rebuild_all
from bc_pipeline_tests.mapping_support import emulator_warehouse


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("suggest") / "store.duckdb"
    emulator_warehouse(path)
    return path


def test_suggest_then_check_then_map_every_status(store_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    suggested = runner.invoke(main, ["mapping", "suggest", "--db", str(store_db)])
    assert suggested.exit_code == 0, suggested.output
    text = suggested.output
    for expected in (
        "form_favourite_colour: 'form_fields[\"Favourite colour\"]'",
        "attr_1: 'attributes[1]'",
        "custom_material: 'custom_fields[\"Material\"]'",
        "option_color: 'options[\"Color\"]'",
        "billing_address_email: billing_address.email",
        '"Ready to Pack": paid',
        '"Completed - Testing": fulfilled',
    ):
        assert expected in text
    path = tmp_path / "suggested.yaml"
    path.write_text(text, encoding="utf-8")
    checked = runner.invoke(main, ["mapping", "check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "ok" in checked.output

    conn = duckdb.connect(str(store_db))
    try:
        results = rebuild_all(conn, load_mapping(path))
        assert results["orders"].row_count == conn.execute(
            "SELECT count(*) FROM bigcommerce.orders WHERE _deleted_at IS NULL"
        ).fetchone()[0]
        unmapped = conn.execute("SELECT count(*) FROM mapped.orders WHERE mapped_status IS NULL").fetchone()
        assert unmapped == (0,)  # the suggested file says unlisted_labels: unmapped, so every label is listed
        labels = {r[0] for r in conn.execute("SELECT DISTINCT status FROM mapped.orders").fetchall()}
        assert "Ready to Pack" in labels
        picked = conn.execute(
            "SELECT count(*) FILTER (WHERE form_favourite_colour IS NOT NULL), count(*) FROM mapped.customers"
        ).fetchone()
        assert picked[0] == picked[1] > 0
        colours = conn.execute("SELECT count(option_color) FROM mapped.variants").fetchone()
        assert colours[0] > 0
    finally:
        conn.close()


def test_check_refuses_a_bad_file_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("entities:\n  customers:\n    columns:\n      id: id\n      mail: emial\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["mapping", "check", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1, result.output
    assert str(path) in result.output and "nearest valid name: 'email'" in result.output


def test_suggest_without_a_database_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["mapping", "suggest", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no DuckDB file" in result.output
