"""Compiled mappings run in DuckDB over hand-made raw rows: the default mapping produces its documented
columns; a custom file renames, casts, flattens form fields, attributes, custom fields and variant options,
keeps unmapped fields in JSON, and leaves deleted rows (and children of deleted parents) out."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from bc_pipeline.mapping.errors import MappingError
from bc_pipeline.mapping.load import DEFAULT_MAPPING_PATH, load_mapping
from bc_pipeline.mapping.rebuild import rebuild_all, rebuild_entity
from bc_pipeline.mapping.statuses import DEFAULT_BY_ID, DEFAULT_CANONICAL
from bc_pipeline_tests.mapping_support import STATUS_LINES, insert, raw_database, write_mapping

NOW = "2024-05-01 10:00:00+00"


@pytest.fixture
def conn(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = raw_database(tmp_path / "w.duckdb")
    insert(c, "customers", [
        {"id": 1, "email": "Ann@Example.com", "first_name": "Ann", "customer_group_id": 2, "date_created": NOW,
         "form_fields": [{"name": "Favourite colour", "value": "Teal"}, {"name": "Interests", "value": ["Tea", "Books"]}],
         "attributes": [{"attribute_id": 2, "attribute_value": "Gold"}], "_extra": {"surprise": 7}},
        {"id": 2, "email": "bob@example.com", "first_name": "Bob", "form_fields": [], "attributes": None},
        {"id": 3, "email": "gone@example.com", "_deleted_at": NOW},
    ])  # fmt: skip
    insert(c, "orders", [
        {"id": 10, "customer_id": 1, "status_id": 11, "status": "Awaiting Fulfillment", "custom_status": "Ready to Pack",
         "total_inc_tax": Decimal("12.3400"), "billing_address": {"email": "ann@example.com", "first_name": "Ann"}},
        {"id": 11, "customer_id": 1, "status_id": 2, "status": "Shipped", "custom_status": "Shipped",
         "total_inc_tax": Decimal("5.0000"), "billing_address": {"email": "ann@example.com"}},
        {"id": 12, "customer_id": 2, "status_id": 0, "status": "Incomplete", "custom_status": "",
         "total_inc_tax": Decimal("1.0000"), "_deleted_at": NOW},
    ])  # fmt: skip
    insert(c, "order_line_items", [
        {"id": 100, "order_id": 10, "product_id": 7, "quantity": 2},
        {"id": 101, "order_id": 12, "product_id": 7, "quantity": 1},
    ])  # fmt: skip
    insert(c, "products", [
        {"id": 7, "name": "Oak Tray", "price": Decimal("19.9900"), "categories": [3],
         "custom_fields": [{"id": 1, "name": "Material", "value": "Oak"}]},
        {"id": 8, "name": "Gone", "_deleted_at": NOW},
    ])  # fmt: skip
    insert(c, "variants", [
        {"id": 70, "product_id": 7, "sku": "T-S", "option_values": [
            {"id": 1, "label": "Small", "option_id": 5, "option_display_name": "Size"},
            {"id": 2, "label": "Oak", "option_id": 6, "option_display_name": "Wood"}]},
        {"id": 80, "product_id": 8, "sku": "G", "option_values": []},
    ])  # fmt: skip
    insert(c, "subscribers", [{"id": 1, "email": "sub@example.com", "consents": ["marketing_newsletter"]}])
    return c


def columns_of(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in conn.execute(f"DESCRIBE mapped.{table}").fetchall()]


def test_default_mapping_produces_the_documented_columns(conn: duckdb.DuckDBPyConnection) -> None:
    mapping = load_mapping()
    results = rebuild_all(conn, mapping)
    documented = yaml.safe_load(DEFAULT_MAPPING_PATH.read_text())["entities"]
    for entity, spec in documented.items():
        expected = list(spec["columns"]) + (["status_id", "status", "mapped_status"] if entity == "orders" else [])
        expected += ["consents", "abandoned_cart_consent"] if entity == "abandoned_carts" else []
        assert columns_of(conn, entity) == expected
    counts = {e: r.row_count for e, r in results.items()}
    assert counts == {"customers": 2, "subscribers": 1, "orders": 2, "order_line_items": 1, "products": 1, "variants": 1,
                      "abandoned_carts": 0}
    assert conn.execute("SELECT id, email, total_inc_tax FROM mapped.orders ORDER BY id").fetchall() == [
        (10, "ann@example.com", Decimal("12.3400")),
        (11, "ann@example.com", Decimal("5.0000")),
    ]
    # Money stays exact DECIMAL(18,4) through the default mapping.
    types = {r[0]: r[1] for r in conn.execute("DESCRIBE mapped.orders").fetchall()}
    assert types["id"] == "BIGINT" and types["total_inc_tax"] == "DECIMAL(18,4)"


def test_statuses_and_custom_labels_map(conn: duckdb.DuckDBPyConnection) -> None:
    rebuild_entity(conn, load_mapping(), "orders")
    rows = conn.execute("SELECT id, status_id, status, mapped_status FROM mapped.orders ORDER BY id").fetchall()
    assert rows == [(10, 11, "Ready to Pack", "paid"), (11, 2, "Shipped", "shipped")]


CUSTOM = f"""
entities:
  customers:
    keep_unmapped: leftovers
    columns:
      customer_key: id
      email_address: email
      group_code:
        source: customer_group_id
        type: VARCHAR
        default: none
      favourite_colour: form_fields["Favourite colour"]
      interests:
        source: form_fields["Interests"]
        type: JSON
      loyalty_tier: attributes[2]
      signup: {{source: date_created, type: DATE}}
  orders:
    columns:
      id: id
      billing_email: billing_address.email
      billing_first: billing_address.first_name
      total: {{source: total_inc_tax, type: "DECIMAL(18,2)"}}
  products:
    columns:
      id: id
      material: custom_fields["Material"]
      finish: {{source: 'custom_fields["Finish"]', default: unfinished}}
  variants:
    columns:
      id: id
      size: options["Size"]
      wood: options['Wood']
order_statuses:
  by_id:
{STATUS_LINES}
  by_label:
    "Ready to Pack": packing
    "It's here": s2
  unlisted_labels: unmapped
"""


def test_a_custom_file_renames_casts_and_flattens(conn: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    mapping = load_mapping(write_mapping(tmp_path, CUSTOM))
    rebuild_all(conn, mapping)
    rows = conn.execute(
        "SELECT customer_key, email_address, group_code, favourite_colour, interests, loyalty_tier, signup, leftovers "
        "FROM mapped.customers ORDER BY customer_key"
    ).fetchall()
    first, second = rows
    assert first[:4] == (1, "Ann@Example.com", "2", "Teal")
    assert json.loads(first[4]) == ["Tea", "Books"]
    assert first[5] == "Gold" and str(first[6]) == "2024-05-01"
    leftovers = json.loads(first[7])
    assert leftovers["first_name"] == "Ann" and leftovers["surprise"] == 7  # _extra merged in
    assert "email" not in leftovers and "form_fields" not in leftovers and "_synced_at" not in leftovers
    assert second[:6] == (2, "bob@example.com", "none", None, None, None)
    types = {r[0]: r[1] for r in conn.execute("DESCRIBE mapped.orders").fetchall()}
    assert types["total"] == "DECIMAL(18,2)"
    assert conn.execute("SELECT billing_email, billing_first, total FROM mapped.orders WHERE id = 10").fetchone() == (
        "ann@example.com", "Ann", Decimal("12.34"),
    )  # fmt: skip
    assert conn.execute("SELECT id, material, finish FROM mapped.products").fetchall() == [(7, "Oak", "unfinished")]
    assert conn.execute("SELECT id, size, wood FROM mapped.variants").fetchall() == [(70, "Small", "Oak")]
    statuses = conn.execute("SELECT id, status, mapped_status FROM mapped.orders ORDER BY id").fetchall()
    assert statuses == [(10, "Ready to Pack", "packing"), (11, "Shipped", "s2")]


def test_an_unlisted_custom_label_is_left_unmapped_when_the_file_says_so(
    conn: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    conn.execute("UPDATE bigcommerce.orders SET custom_status = 'Sent by pigeon' WHERE id = 11")
    rebuild_entity(conn, load_mapping(write_mapping(tmp_path, CUSTOM)), "orders")
    assert conn.execute("SELECT mapped_status FROM mapped.orders WHERE id = 11").fetchone() == (None,)
    # With the default (unlisted_labels: by_id) the same order maps by its id.
    rebuild_entity(conn, load_mapping(), "orders")
    assert conn.execute("SELECT status, mapped_status FROM mapped.orders WHERE id = 11").fetchone() == (
        "Sent by pigeon", "shipped",
    )  # fmt: skip


def test_labels_with_quotes_reach_sql_as_literals(conn: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    conn.execute("UPDATE bigcommerce.orders SET custom_status = 'It''s here' WHERE id = 11")
    evil = CUSTOM.replace("\"Ready to Pack\": packing", "\"x' OR 1=1; DROP TABLE bigcommerce.orders; --\": packing")
    rebuild_entity(conn, load_mapping(write_mapping(tmp_path, evil)), "orders")
    assert conn.execute("SELECT mapped_status FROM mapped.orders ORDER BY id").fetchall() == [(None,), ("s2",)]
    assert conn.execute("SELECT count(*) FROM bigcommerce.orders").fetchone() == (3,)


def test_a_failed_rebuild_leaves_the_previous_table(conn: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rebuild_entity(conn, load_mapping(), "customers")
    bad = "entities:\n  customers:\n    columns:\n      id: id\n      n: {source: email, type: BIGINT}\n"
    with pytest.raises(duckdb.ConversionException):
        rebuild_entity(conn, load_mapping(write_mapping(tmp_path, bad)), "customers")
    assert "email" in columns_of(conn, "customers")
    assert conn.execute("SELECT count(*) FROM mapped.customers").fetchone() == (2,)


def test_attributes_by_name_need_the_definitions(conn: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = "entities:\n  customers:\n    columns:\n      id: id\n      tier: attributes[\"Loyalty tier\"]\n"
    mapping = load_mapping(write_mapping(tmp_path, text))
    with pytest.raises(MappingError, match="customers.columns.tier: customer attribute 'Loyalty tier' is not defined"):
        rebuild_entity(conn, mapping, "customers")
    conn.execute("CREATE TABLE IF NOT EXISTS bigcommerce.customer_attributes (id BIGINT, name VARCHAR, _deleted_at TIMESTAMPTZ)")
    conn.execute("INSERT INTO bigcommerce.customer_attributes (id, name) VALUES (2, 'Loyalty tier')")
    rebuild_entity(conn, mapping, "customers")
    assert conn.execute("SELECT id, tier FROM mapped.customers ORDER BY id").fetchall() == [(1, "Gold"), (2, None)]


def test_the_default_file_and_suggest_share_the_default_lifecycle() -> None:
    statuses = load_mapping().file.order_statuses
    assert statuses is not None
    assert statuses.by_id == DEFAULT_BY_ID and statuses.canonical == list(DEFAULT_CANONICAL)
