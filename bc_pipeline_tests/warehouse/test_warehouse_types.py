"""The documented example payloads land typed as contracted: exact money, UTC instants, nothing dropped."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline_tests.warehouse_support import connect, load, order_with_consignments, table_rows

SYNCED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def conn(tmp_path):
    c = connect(tmp_path)
    ensure_schema(c)
    yield c
    c.close()


def test_every_table_has_the_contracted_types(conn):
    for t in TABLES.values():
        got = dict(conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'bigcommerce' AND table_name = ?", [t.name]).fetchall())
        want = {c.name: c.type.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE") for c in t.columns}
        assert got == want, t.name


def test_order_money_dates_and_children(conn):
    order = order_with_consignments(218)
    order["date_shipped"] = "Tue, 12 Mar 2019 23:30:00 -0400"
    counts = Warehouse(conn).merge(rows_for("orders", [order]), SYNCED)
    assert counts == {"orders": 1, "order_line_items": 2, "order_shipping_addresses": 1}
    (row,) = table_rows(conn, "orders")
    assert row["subtotal_ex_tax"] == Decimal("62.6793")
    assert row["currency_exchange_rate"] == Decimal("1.0000000000")
    assert row["date_created"] == datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)
    assert row["date_shipped"] == datetime(2019, 3, 13, 3, 30, 0, tzinfo=UTC)  # -0400 -> UTC
    assert row["is_tax_inclusive_pricing"] is False
    assert row["_synced_at"] == SYNCED and row["_deleted_at"] is None and row["_extra"] is None
    assert '"line_items":[21800,21801]' in row["consignments"]  # ids only, bodies are in order_line_items
    items = table_rows(conn, "order_line_items")
    assert [(i["id"], i["order_id"], i["order_address_id"]) for i in items] == [(21800, 218, 2180), (21801, 218, 2180)]
    assert items[0]["price_inc_tax"] == Decimal("65.2300") and items[0]["weight"] == Decimal("1.0000")
    (address,) = table_rows(conn, "order_shipping_addresses")
    assert address["order_id"] == 218 and address["cost_tax"] == Decimal("0.9900")


def test_empty_date_shipped_is_null(conn):
    Warehouse(conn).merge(rows_for("orders", [order_with_consignments()]), SYNCED)
    assert conn.execute("SELECT date_shipped FROM bigcommerce.orders").fetchone() == (None,)


def test_v3_numbers_are_exact(conn):
    products = load("09_products_v3_include_variants__api-specs_2021.json")["data"]
    products[0]["price"] = 10.5
    products[0]["sale_price"] = 19.99
    counts = Warehouse(conn).merge(rows_for("products", products), SYNCED)
    assert counts["products"] == 2 and counts["variants"] == sum(len(p["variants"]) for p in products)
    price, sale = conn.execute(
        "SELECT price, sale_price FROM bigcommerce.products WHERE id = ?", [products[0]["id"]]).fetchone()
    assert (price, sale) == (Decimal("10.5000"), Decimal("19.9900"))
    variant = products[0]["variants"][0]
    got = conn.execute("SELECT price, product_id FROM bigcommerce.variants WHERE id = ?", [variant["id"]]).fetchone()
    assert got == (Decimal(repr(variant["price"])), products[0]["id"])


def test_value_that_does_not_fit_its_type_goes_to_extra(conn):
    variants = load("11_product_variants_v3.json")["data"]  # the example has "map_price": {}
    Warehouse(conn).merge(rows_for("variants", variants), SYNCED)
    row = table_rows(conn, "variants")[0]
    assert row["map_price"] is None
    assert row["_extra"] == '{"map_price":{}}'
    assert row["price"] == Decimal("10.0000")


def test_customers_with_addresses_and_iso_dates(conn):
    customers = load("02_customers_v3_with_include__api-specs_2021.json")["data"]
    counts = Warehouse(conn).merge(rows_for("customers", customers), SYNCED)
    assert counts["customers"] == len(customers)
    assert counts["customer_addresses"] == sum(len(c["addresses"]) for c in customers)
    row = table_rows(conn, "customers")[0]
    assert row["date_modified"] == datetime(2019, 2, 21, 18, 3, 59, tzinfo=UTC)
    assert "addresses" not in row and row["attributes"].startswith("[{")
    assert row["accepts_product_review_abandoned_cart_emails"] is True


def test_unknown_fields_land_in_extra(conn):
    statuses = load("07_order_statuses_v2.json")
    statuses[0]["brand_new_field"] = {"a": [1, 2]}
    Warehouse(conn).merge(rows_for("order_statuses", statuses), SYNCED)
    rows = table_rows(conn, "order_statuses")
    assert len(rows) == len(statuses) and rows[0]["order"] == 0
    assert rows[0]["_extra"] == '{"brand_new_field":{"a":[1,2]}}'
    assert all(r["_extra"] is None for r in rows[1:])


def test_ensure_schema_is_idempotent_and_adds_new_contract_columns(tmp_path):
    conn = connect(tmp_path, "older.duckdb")
    conn.execute("CREATE SCHEMA bigcommerce")
    conn.execute("CREATE TABLE bigcommerce.brands (id BIGINT PRIMARY KEY, name VARCHAR)")
    conn.execute("INSERT INTO bigcommerce.brands VALUES (1, 'Kept')")
    ensure_schema(conn)
    ensure_schema(conn)
    cols = [r[0] for r in conn.execute("DESCRIBE bigcommerce.brands").fetchall()]
    assert cols[:2] == ["id", "name"] and set(cols) == {c.name for c in TABLES["brands"].columns}
    assert conn.execute("SELECT id, name, _extra FROM bigcommerce.brands").fetchall() == [(1, "Kept", None)]
