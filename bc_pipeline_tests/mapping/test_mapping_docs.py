"""docs/mapping.md stays true: its example file passes `mapping check`, and the `mapped` schema it documents
is what the default mapping produces (column names and types, in order)."""

from __future__ import annotations

import re
from pathlib import Path

from bc_pipeline.mapping.load import load_mapping
from bc_pipeline.mapping.rebuild import rebuild_all
from bc_pipeline_tests.mapping_support import raw_database

DOC = Path(__file__).parents[2] / "docs" / "mapping.md"


def test_the_documented_example_is_a_valid_mapping(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert example is not None
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.file.entities["variants"].columns["size"].source == 'options["Size"]'


def test_the_documented_mapped_schema_is_what_the_default_mapping_produces(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    documented: dict[str, list[tuple[str, str]]] = {}
    for entity, table in re.findall(r"### mapped\.(\w+)\n\n\| column.*?\n\|---.*?\n((?:\|.*\n)+)", text):
        cells = [[c.strip().strip("`") for c in row.split("|")[1:3]] for row in table.splitlines()]
        documented[entity] = [(name, type_) for name, type_ in cells]
    conn = raw_database(tmp_path / "w.duckdb")
    rebuild_all(conn, load_mapping())
    produced = {e: [(r[0], r[1]) for r in conn.execute(f"DESCRIBE mapped.{e}").fetchall()] for e in documented}
    assert set(documented) == {"customers", "subscribers", "orders", "order_line_items", "products", "variants"}
    assert documented == produced
