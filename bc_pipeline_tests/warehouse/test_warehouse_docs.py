"""docs/schema.md is generated from schema.py and must match it."""

from pathlib import Path

from bc_pipeline.warehouse.docs import schema_markdown
from bc_pipeline.warehouse.schema import TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"


def test_schema_doc_matches_the_contract():
    assert DOC.read_text(encoding="utf-8") == schema_markdown(), (
        "docs/schema.md is stale: run `python -m bc_pipeline.structure` (it regenerates every generated doc)"
    )


def test_every_table_and_column_is_described():
    for t in TABLES.values():
        assert t.description.startswith("One row per"), t.name
        for c in t.columns:
            assert c.description.strip().endswith("."), (t.name, c.name)
            assert f"| `{c.name}` | `{c.type}` |" in schema_markdown()
