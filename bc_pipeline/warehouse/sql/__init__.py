"""SQL text of the warehouse, kept in .sql files next to this module (package data)."""

from functools import cache
from importlib.resources import files


@cache
def sql_text(name: str) -> str:
    """The text of sql/<name>.sql."""
    return files(__name__).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def run(conn, sql: str, params: list | tuple | None = None) -> list[tuple]:
    """Execute one statement and consume its result (DuckDB 2 refuses new work while a result is unread)."""
    cur = conn.execute(sql, list(params) if params is not None else None)
    try:
        return cur.fetchall()
    except Exception:  # statements without a result set
        return []
