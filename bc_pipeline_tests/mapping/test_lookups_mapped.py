"""Lookups answer from the mapped tables of an emulated store, through the Python API and the
`bc-pipeline lookup ...` commands (JSON on stdout, read-only connection)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from bc_pipeline import lookups
from bc_pipeline.cli import main
from bc_pipeline.mapping.load import load_mapping
from bc_pipeline.mapping.rebuild import rebuild_all
from bc_pipeline_tests.mapping_support import emulator_warehouse


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("lookups") / "store.duckdb"
    emu = emulator_warehouse(path)
    conn = duckdb.connect(str(path))
    rebuild_all(conn, load_mapping())
    conn.close()
    return path, emu


@pytest.fixture
def conn(store: tuple[Path, object]):
    c = duckdb.connect(str(store[0]), read_only=True)
    yield c
    c.close()


def test_customer_by_email_ignores_case(store, conn) -> None:
    customer = store[1].store.records("customers")[5]
    found = lookups.customer_by_email(conn, load_mapping(), "  " + customer["email"].upper())
    assert [c["id"] for c in found] == [customer["id"]]
    assert found[0]["date_created"].endswith("+00:00")
    assert lookups.customer_by_email(conn, load_mapping(), "nobody@nowhere.invalid") == []


def test_customer_orders_are_that_customers_orders_newest_first(store, conn) -> None:
    orders = [o for o in store[1].store.records("orders") if o["customer_id"]]
    customer_id = orders[0]["customer_id"]
    expected = sorted((o["id"] for o in orders if o["customer_id"] == customer_id), reverse=True)
    found = lookups.customer_orders(conn, load_mapping(), customer_id)
    assert [o["id"] for o in found] == expected
    assert all(o["mapped_status"] for o in found)
    assert isinstance(found[0]["total_inc_tax"], str)  # money as an exact decimal string


def test_categories_and_their_products(store, conn) -> None:
    emu = store[1]
    categories = lookups.categories(conn)
    assert [c["id"] for c in categories] == [c["id"] for c in emu.store.records("categories")]
    category = next(c for c in categories if c["product_count"] > 0)
    expected = [p["id"] for p in emu.store.records("products") if category["id"] in p["categories"]]
    found = lookups.category_products(conn, load_mapping(), category["id"])
    assert [p["id"] for p in found] == expected and len(expected) == category["product_count"]


def test_products_by_name_and_by_id(store, conn) -> None:
    product = store[1].store.records("products")[3]
    word = product["name"].split()[-1].lower()
    found = lookups.products_by_name(conn, load_mapping(), word)
    assert product["id"] in [p["id"] for p in found]
    assert all(word in p["name"].lower() for p in found)
    one = lookups.product(conn, load_mapping(), product["id"])
    assert one is not None and one["name"] == product["name"]
    assert sorted(v["id"] for v in one["variants"]) == sorted(v["id"] for v in product["variants"])
    assert lookups.product(conn, load_mapping(), 10**9) is None


def test_a_lookup_needing_an_unmapped_column_says_what_to_add(store, conn, tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("entities:\n  customers:\n    columns:\n      id: id\n", encoding="utf-8")
    with pytest.raises(lookups.LookupUnavailable, match="no column mapped from 'email'"):
        lookups.customer_by_email(conn, load_mapping(path), "a@b.c")


def test_lookup_commands_print_json(store) -> None:
    path, emu = store
    product = emu.store.records("products")[0]
    runner = CliRunner()
    result = runner.invoke(main, ["lookup", "product", str(product["id"]), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == product["id"]
    result = runner.invoke(main, ["lookup", "categories", "--db", str(path)])
    assert len(json.loads(result.output)) == len(emu.store.records("categories"))
    customer = emu.store.records("customers")[0]
    result = runner.invoke(main, ["lookup", "customer-by-email", customer["email"], "--db", str(path)])
    assert json.loads(result.output)[0]["id"] == customer["id"]
    result = runner.invoke(main, ["lookup", "customer-orders", str(customer["id"]), "--db", str(path)])
    assert isinstance(json.loads(result.output), list)
    result = runner.invoke(main, ["lookup", "products-by-name", "zzzz-no-such", "--db", str(path)])
    assert json.loads(result.output) == []
