"""Only bc_pipeline/warehouse/ talks to DuckDB: no other module of the product imports duckdb, calls
`.execute(...)`/`.executemany(...)`/`.sql(...)`, or borrows the warehouse's statement runner
(`bc_pipeline.warehouse.sql`). They call the warehouse's functions, and use `warehouse.errors` for the
connection type and the database's exceptions. The emulator (its own program), the benchmarks and the tests
are not the product and are not checked."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "bc_pipeline"
EXEMPT = ("warehouse", "emulator")
SQL_CALLS = {"execute", "executemany", "sql"}
RUNNER = "bc_pipeline.warehouse.sql"
# Modules that may still talk to DuckDB outside warehouse/, each with the reason it must (none today: the
# mapping compiles SQL text and warehouse/mapped.py runs it; the lake's reads are warehouse/lake_*.py).
ALLOWED: dict[str, str] = {
    # SQLite, not DuckDB: a PRAGMA on the connections of the Dagster instance's own event log.
    "instance/sqlite_event_log.py": "SQLite PRAGMA on Dagster's event-log connections",
    # SQLite, not DuckDB: creating the Dagster instance's own databases in one transaction.
    "instance/sqlite_schema.py": "SQLite DDL of the Dagster instance's databases",
}


def talks_to_duckdb(source: str) -> list[str]:
    """What in this module's code talks to DuckDB (imports, SQL calls), with line numbers."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] == "duckdb" or a.name == RUNNER]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] == "duckdb" or node.module == RUNNER:
                found.append(f"{node.lineno}: from {node.module} import ...")
            elif node.module == "bc_pipeline.warehouse" and "sql" in {a.name for a in node.names}:
                found.append(f"{node.lineno}: from bc_pipeline.warehouse import sql")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            found.append(f"{node.lineno}: .{node.func.attr}(...)")
    return found


def product_modules() -> dict[str, str]:
    return {
        str(p.relative_to(PACKAGE)): p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.relative_to(PACKAGE).parts[0] not in EXEMPT
    }


def test_only_the_warehouse_talks_to_duckdb():
    offenders = {name: hits for name, source in product_modules().items()
                 if name not in ALLOWED and (hits := talks_to_duckdb(source))}
    assert offenders == {}, "move these behind a function of bc_pipeline/warehouse/: " + repr(offenders)


def test_every_allowed_module_still_needs_its_exception():
    stale = [name for name in ALLOWED if not talks_to_duckdb((PACKAGE / name).read_text(encoding="utf-8"))]
    assert stale == [], f"no longer talk to DuckDB, remove from ALLOWED: {stale}"


@pytest.mark.parametrize("source", [
    "import duckdb\n",
    "from duckdb import connect\n",
    "conn.execute('SELECT 1')\n",
    "con.sql('SELECT 1').fetchall()\n",
    "from bc_pipeline.warehouse.sql import run\n",
    "from bc_pipeline.warehouse import sql\n",
    "import bc_pipeline.warehouse.sql\n",
])
def test_the_check_sees_each_way_of_talking_to_duckdb(source):
    assert talks_to_duckdb(source)
