"""Benchmark: map N synthetic raw orders (default 1,000,000) into mapped.orders and report the time.

The raw rows are made in DuckDB with SQL (every contract column of bigcommerce.orders; the usual ones filled,
billing_address as JSON with form fields, statuses 0..14 with custom labels, 1% deleted), then
`rebuild_entity` runs three times: with the shipped default mapping, with one that reads JSON paths, a form
field by name, casts and custom labels, and with that one plus `keep_unmapped`. Then `refresh_entity` (the
incremental refresh the mapped assets run) with the default mapping: the first run builds in full, then with
nothing written since, and after 1% of the orders were written again (and 0.1% marked deleted). Not a timed
test; it prints the figures.

    python bench/mapping_bench.py [--orders 1000000] [--db /tmp/mapping_bench.duckdb]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from bc_pipeline.mapping.load import load_mapping, parse_mapping
from bc_pipeline.mapping.rebuild import rebuild_entity
from bc_pipeline.mapping.refresh import refresh_entity
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.sql_text import ident

FILLED = {
    "id": "i",
    "customer_id": "i % 50000",
    "date_created": "TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 30)",
    "date_modified": "TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 31)",
    "status_id": "i % 15",
    "status": "'Status ' || (i % 15)",
    "custom_status": "CASE WHEN i % 15 = 11 THEN 'Ready to Pack' ELSE '' END",
    "subtotal_ex_tax": "CAST((i % 10000) / 100 AS DECIMAL(18,4))",
    "total_inc_tax": "CAST((i % 10000) / 100 * 1.1 AS DECIMAL(18,4))",
    "total_ex_tax": "CAST((i % 10000) / 100 AS DECIMAL(18,4))",
    "currency_code": "'USD'",
    "payment_method": "'Credit Card'",
    "billing_address": """json_object('email', 'c' || (i % 50000) || '@example.com', 'first_name', 'Ann',
        'last_name', 'Lee', 'country_iso2', 'US',
        'form_fields', json_array(json_object('name', 'Delivery Instructions', 'value', 'Ring twice')))""",
    "is_deleted": "false",
    "_synced_at": "now()",
    "_deleted_at": "CASE WHEN i % 100 = 0 THEN now() END",
}

HEAVY = """
entities:
  orders:
    keep_unmapped: extra
    columns:
      order_key: id
      customer_key: customer_id
      email: billing_address.email
      country: {source: billing_address.country_iso2, default: "??"}
      delivery_note: billing_address.form_fields["Delivery Instructions"]
      total: {source: total_inc_tax, type: "DECIMAL(18,2)"}
      created_day: {source: date_created, type: DATE}
order_statuses:
  by_id: {0: a, 1: a, 2: b, 3: b, 4: c, 5: c, 6: c, 7: a, 8: d, 9: d, 10: e, 11: d, 12: a, 13: c, 14: c}
  by_label: {"Ready to Pack": d}
  unlisted_labels: unmapped
"""


def make_orders(conn: duckdb.DuckDBPyConnection, n: int) -> float:
    started = time.perf_counter()
    conn.execute("CREATE SCHEMA IF NOT EXISTS bigcommerce")
    cols = TABLES["orders"].columns
    conn.execute("DROP TABLE IF EXISTS bigcommerce.orders")
    conn.execute(
        "CREATE TABLE bigcommerce.orders (" + ", ".join(f"{ident(c.name)} {c.type}" for c in cols) + ")"
    )
    select = ", ".join(f"CAST({FILLED.get(c.name, 'NULL')} AS {c.type})" for c in cols)
    conn.execute(f"INSERT INTO bigcommerce.orders SELECT {select} FROM range(1, {n + 1}) t(i)")
    return time.perf_counter() - started


def incremental(conn: duckdb.DuckDBPyConnection) -> None:
    """The incremental refresh: a full first build, then no change, then 1% written and 0.1% deleted."""
    mapping = load_mapping()
    steps = (
        ("first refresh (full build)", None),
        ("refresh with nothing written since", None),
        ("refresh after 1% written again and 0.1% marked deleted",
         "UPDATE bigcommerce.orders SET _synced_at = now() + INTERVAL 1 SECOND, "
         "_deleted_at = CASE WHEN id % 1000 = 7 THEN now() ELSE _deleted_at END WHERE id % 100 = 7"),
    )
    for label, change in steps:
        if change:
            conn.execute(change)
        started = time.perf_counter()
        result = refresh_entity(conn, mapping, "orders")
        took = time.perf_counter() - started
        print(f"{label}: {result.refreshed}, {result.changed_ids or 0:,} ids re-mapped, "
              f"{result.row_count:,} rows in {took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "mapping_bench.duckdb"
    conn = duckdb.connect(str(db))
    made = make_orders(conn, args.orders)
    print(f"made {args.orders:,} raw orders in {made:.1f} s ({db})")
    picks_only = HEAVY.replace("    keep_unmapped: extra\n", "")
    for label, mapping in (
        ("default mapping", load_mapping()),
        (
            "JSON paths, a form field by name, casts, defaults, custom labels",
            parse_mapping(picks_only, Path("picks.yaml")),
        ),
        (
            "the same + keep_unmapped (~70 columns as one JSON object per row)",
            parse_mapping(HEAVY, Path("heavy.yaml")),
        ),
    ):
        started = time.perf_counter()
        result = rebuild_entity(conn, mapping, "orders")
        took = time.perf_counter() - started
        print(f"{label}: mapped.orders rebuilt, {result.row_count:,} rows in {took:.2f} s")
    incremental(conn)
    conn.close()
    if args.db is None:  # a temporary file: remove it (a 1M-order database is several hundred MB)
        for leftover in (db, db.with_name(db.name + ".wal")):
            leftover.unlink(missing_ok=True)
        db.parent.rmdir()


if __name__ == "__main__":
    main()
