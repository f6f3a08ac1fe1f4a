"""docs/schema.md, generated from schema.py so the documented contract and the code never drift.

Regenerate it, with every generated document, by `python -m bc_pipeline.structure` (this module alone:
`python -m bc_pipeline.warehouse.docs docs/schema.md`); a test fails when the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bc_pipeline.warehouse.contract import SCHEMA, Table
from bc_pipeline.warehouse.schema import TABLES

HEADER = f"""# The DuckDB contract: schema `{SCHEMA}`

Generated from `bc_pipeline/warehouse/schema.py` by `python -m bc_pipeline.structure`; do not edit by
hand. The same descriptions are the Dagster UI's column schemas.

Conventions:
* Columns are the API record's top-level field names, unchanged; nested objects and arrays are `JSON`.
* Ids `BIGINT`; instants `TIMESTAMPTZ` in UTC (v2 RFC 2822 dates converted, `""` stored as NULL); money
  `DECIMAL(18,4)` taken exactly from the API's text (v2 strings, v3 JSON numbers); exchange rates
  `DECIMAL(20,10)`; booleans `BOOLEAN`.
* `_extra` keeps every top-level field the API returned that this contract does not name, and any value that
  did not fit its column's type (the column is then NULL); nothing is dropped.
* `_synced_at` is when bc_pipeline last wrote the row; `_deleted_at` is set when the record was deleted or
  archived upstream (rows are never removed; a record that comes back clears it).
* A row is only replaced by a copy whose `date_modified` is not older. Child tables (line items, shipping
  addresses, customer addresses, variants) are replaced as a set whenever their parent row is written.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table_markdown(t: Table) -> str:
    facts = [f"key `{', '.join(t.key)}`"]
    facts.append(f"version `{t.version}`" if t.version else "no version column (the newest fetch wins)")
    if t.parent:
        facts.append(f"child of `{t.parent[0]}` via `{t.parent[1]}`")
    lines = [f"## `{SCHEMA}.{t.name}`", "", t.description, "", "; ".join(facts).capitalize() + ".", ""]
    lines += ["| Column | Type | Description |", "|---|---|---|"]
    lines += [f"| `{c.name}` | `{c.type}` | {_cell(c.description)} |" for c in t.columns]
    return "\n".join(lines) + "\n"


def schema_markdown() -> str:
    """The full text of docs/schema.md."""
    tables = "\n".join(_table_markdown(t) for t in TABLES.values())
    return f"{HEADER}\n{tables}"


def main(argv: list[str]) -> int:
    text = schema_markdown()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
