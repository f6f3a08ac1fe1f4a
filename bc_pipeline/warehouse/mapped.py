"""The mapped schema in the warehouse file: the mapping compiles each mapped table's SQL (mapping/compile.py)
and decides when to rebuild or refresh it (mapping/rebuild.py, mapping/refresh.py); this module runs that
SQL, keeps the refresh watermarks (`mapped._refresh_state`) and reads what the mapping's checks, `mapping suggest`
and the lookups (lookups.py) need. Entity names reach it validated (mapping/validate.py) and are quoted once more here."""

from __future__ import annotations

from collections.abc import Callable

from bc_pipeline.warehouse.contract import MAPPED_SCHEMA, SCHEMA
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.sql import run
from bc_pipeline.warehouse.sql_text import ident, literal

# Where customer attribute names live, if the warehouse keeps the definitions (GET /v3/customers/attributes).
ATTRIBUTE_DEFINITIONS = "customer_attributes"
REFRESH_STATE = f"{MAPPED_SCHEMA}._refresh_state"
_CHANGED = "_refresh_changed_ids"
_PARENTS = "_refresh_parents"
_CREATE_REFRESH_STATE = f"""CREATE TABLE IF NOT EXISTS {REFRESH_STATE} (
    entity VARCHAR PRIMARY KEY,
    version VARCHAR NOT NULL,
    synced_to TIMESTAMPTZ,
    parent_synced_to TIMESTAMPTZ,
    refreshed_at TIMESTAMPTZ NOT NULL,
    how VARCHAR NOT NULL
)"""


def mapped_table(entity: str) -> str:
    return f"{MAPPED_SCHEMA}.{ident(entity)}"


def raw_table(entity: str) -> str:
    return f"{SCHEMA}.{ident(entity)}"


def database_columns(conn: Connection, schema: str = SCHEMA) -> dict[str, dict[str, str]]:
    """{table: {column: type}} of a schema as it is in this DuckDB file, in column order."""
    rows = run(conn,
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? ORDER BY table_name, ordinal_position",
        [schema],
    )
    out: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        out.setdefault(table, {})[column] = str(data_type).upper()
    return out


def attribute_ids(conn: Connection, raw: dict[str, dict[str, str]]) -> dict[str, int]:
    """{attribute name: attribute id} from the store's attribute definitions, when the warehouse has them."""
    table = raw.get(ATTRIBUTE_DEFINITIONS, {})
    if "id" not in table or "name" not in table:
        return {}
    deleted = " WHERE _deleted_at IS NULL" if "_deleted_at" in table else ""
    return {str(name): int(id_) for name, id_ in run(conn, f"SELECT name, id FROM {raw_table(ATTRIBUTE_DEFINITIONS)}{deleted}")}


def replace_table(conn: Connection, entity: str, create_sql: str, comment: str, column_comments: dict[str, str]
                  ) -> None:
    """Run a full rebuild's CREATE OR REPLACE and comment the table and its columns (the caller holds the
    transaction)."""
    run(conn, f"CREATE SCHEMA IF NOT EXISTS {MAPPED_SCHEMA}")
    run(conn, create_sql)
    run(conn, f"COMMENT ON TABLE {mapped_table(entity)} IS {literal(comment)}")
    for column, text in column_comments.items():
        run(conn, f"COMMENT ON COLUMN {mapped_table(entity)}.{ident(column)} IS {literal(text)}")


def table_facts(conn: Connection, entity: str) -> tuple[int, list[tuple[str, str]]]:
    """(row count, [(column, type)]) of a mapped table."""
    count = run(conn, f"SELECT count(*) FROM {mapped_table(entity)}")
    return int(count[0][0]) if count else 0, list(database_columns(conn, MAPPED_SCHEMA)[entity].items())


def ensure_refresh_state(conn: Connection) -> None:
    run(conn, f"CREATE SCHEMA IF NOT EXISTS {MAPPED_SCHEMA}")
    run(conn, _CREATE_REFRESH_STATE)


def refresh_version(conn: Connection, entity: str) -> str | None:
    """The version of the SQL the mapped table was last refreshed with, if it and its state exist."""
    if entity not in database_columns(conn, MAPPED_SCHEMA):
        return None
    row = run(conn, f"SELECT version FROM {REFRESH_STATE} WHERE entity = ?", [entity])
    return row[0][0] if row else None


def _since(column: str, entity: str) -> str:
    """Raw rows written after the recorded watermark (all of them when none is recorded)."""
    return (f"_synced_at > coalesce((SELECT {column} FROM {REFRESH_STATE} WHERE entity = {literal(entity)}), "
            "'-infinity'::TIMESTAMPTZ)")


def remap_written(conn: Connection, entity: str, key: str, parent: tuple[str, str] | None,
                  by_parent: str | None, insert_select: Callable[[str], str]) -> int:
    """Re-map the raw rows written since the watermark (and the children of parents written since); returns
    how many ids were re-mapped. `key`: the mapped column holding the raw id; `by_parent`: the mapped column
    holding the parent key, if kept; `insert_select(only)`: the mapping's SELECT restricted by `only`."""
    table, raw = mapped_table(entity), raw_table(entity)
    wanted = f"SELECT id FROM {raw} WHERE {_since('synced_to', entity)}"
    parents_written = 0
    if parent is not None:
        parents = f"SELECT id FROM {raw_table(parent[0])} WHERE {_since('parent_synced_to', entity)}"
        run(conn, f"CREATE OR REPLACE TEMP TABLE {_PARENTS} AS {parents}")
        parents_written = run(conn, f"SELECT count(*) FROM {_PARENTS}")[0][0]
        if parents_written:
            wanted += f" UNION SELECT id FROM {raw} WHERE {ident(parent[1])} IN (SELECT id FROM {_PARENTS})"
    run(conn, f"CREATE OR REPLACE TEMP TABLE {_CHANGED} AS {wanted}")
    count = int(run(conn, f"SELECT count(*) FROM {_CHANGED}")[0][0])
    if parents_written:  # children a rewritten parent no longer lists are gone from the raw table
        gone = f"NOT EXISTS (SELECT 1 FROM {raw} r WHERE r.id = m.{ident(key)})"
        if by_parent is not None:  # only the rewritten parents' children can be gone
            gone += f" AND m.{ident(by_parent)} IN (SELECT id FROM {_PARENTS})"
        run(conn, f"DELETE FROM {table} m WHERE {gone}")
    if count:
        run(conn, f"DELETE FROM {table} WHERE {ident(key)} IN (SELECT id FROM {_CHANGED})")
        run(conn, f"INSERT INTO {table} " + insert_select(f"r.id IN (SELECT id FROM {_CHANGED})"))
    run(conn, f"DROP TABLE IF EXISTS {_CHANGED}; DROP TABLE IF EXISTS {_PARENTS}")
    return count


def write_refresh_state(conn: Connection, entity: str, version: str, parent: tuple[str, str] | None,
                        how: str) -> None:
    """The new watermark, read in the caller's transaction (so never ahead of the mapped rows)."""
    parent_max = f"(SELECT max(_synced_at) FROM {raw_table(parent[0])})" if parent else "NULL"
    run(conn,
        f"INSERT OR REPLACE INTO {REFRESH_STATE} SELECT ?, ?, "
        f"(SELECT max(_synced_at) FROM {raw_table(entity)}), {parent_max}, now(), ?",
        [entity, version, how],
    )


def unmapped_statuses(conn: Connection) -> list[tuple[int, str, int]]:
    """(status id, status, orders) of the mapped orders whose mapped_status is NULL."""
    return run(conn,
        f"SELECT status_id, status, count(*) FROM {mapped_table('orders')} WHERE mapped_status IS NULL "
        "GROUP BY ALL ORDER BY status_id, status"
    )


_WRITTEN_IDS = "_check_written_ids"


def stage_written_ids(conn: Connection, entity: str, parent: tuple[str, str] | None, since: object) -> str:
    """The raw ids whose mapped rows a refresh after `since` re-made (remap_written's choice: the raw rows
    written after it, and the children of parents written after it), in a temporary table; returns its name.
    A table, not a subquery: DuckDB then joins it first (a subquery came after the live-row anti-join over
    the whole raw table, which is what a narrowed check must not read)."""
    raw = raw_table(entity)
    sql, params = f"SELECT id FROM {raw} WHERE _synced_at > ?", [since]
    if parent is not None:
        sql += (f" UNION SELECT id FROM {raw} WHERE {ident(parent[1])} IN "
                f"(SELECT id FROM {raw_table(parent[0])} WHERE _synced_at > ?)")
        params.append(since)
    run(conn, f"CREATE OR REPLACE TEMP TABLE {_WRITTEN_IDS} AS {sql}", params)
    return f"temp.{_WRITTEN_IDS}"


def _among(column: str, key_type: str | None, ids: str | None) -> str:
    """WHERE clause keeping the mapped rows whose `column` is one of the ids in table `ids` (every row: None)."""
    if ids is None:
        return ""
    raw_id = f"TRY_CAST(id AS {key_type})" if key_type else "id"
    return f" WHERE {ident(column)} IN (SELECT {raw_id} FROM {ids})"


def null_and_duplicate_ids(conn: Connection, entity: str, column: str, *, key_type: str | None = None,
                           among: str | None = None) -> tuple[int, int]:
    """(rows whose `column` is NULL, values of `column` that repeat) in a mapped table; the repeats only among
    the rows whose `column` is one of the raw ids in table `among` (stage_written_ids) when given, the NULLs always over every
    row (DuckDB answers that from each row group's statistics)."""
    c = ident(column)
    nulls = run(conn, f"SELECT count(*) FROM {mapped_table(entity)} WHERE {c} IS NULL")
    where = _among(column, key_type, among)
    repeats = run(conn, f"SELECT count({c}) - count(DISTINCT {c}) FROM {mapped_table(entity)}{where}")
    return int(nulls[0][0]), int(repeats[0][0])


def mapped_row_count(conn: Connection, entity: str, column: str, *, key_type: str | None = None,
                     among: str | None = None) -> int:
    """Rows of a mapped table (only those whose `column` is one of the raw ids in table `among`, when given)."""
    return int(run(conn, f"SELECT count(*) FROM {mapped_table(entity)}{_among(column, key_type, among)}")[0][0])


def raw_row_count(conn: Connection, entity: str, where: str, among: str | None = None) -> int:
    """Rows of a raw table that meet `where` (the mapping's condition for a live row, alias r), only those
    whose id is in table `among` (stage_written_ids) when given."""
    only = "" if among is None else f"r.id IN (SELECT id FROM {among}) AND "
    found = run(conn, f"SELECT count(*) FROM {raw_table(entity)} r WHERE {only}{where}")
    return int(found[0][0]) if found else 0


def newest_write(conn: Connection, entity: str, parent: tuple[str, str] | None) -> object:
    """The newest `_synced_at` of a raw table and its parent table (what a mapped check passing now covers)."""
    tables = [raw_table(entity)] + ([raw_table(parent[0])] if parent else [])
    union = " UNION ALL ".join(f"SELECT max(_synced_at) AS newest FROM {t}" for t in tables)
    return run(conn, f"SELECT max(newest) FROM ({union})")[0][0]


def list_field_values(conn: Connection, entity: str, column: str, key: str, where: str,
                      path: str | None = None) -> list[object]:
    """The distinct `key` of the objects in a raw JSON list column (or in the list at `path` inside it), over
    the rows meeting `where` (alias r): the names `mapping suggest` offers as picks."""
    source = f"json_extract(r.{ident(column)}, {literal(path)})" if path else f"r.{ident(column)}"
    return [row[0] for row in run(conn,
        f"SELECT DISTINCT f->>{literal(key)} FROM (SELECT unnest(CAST({source} AS JSON[])) AS f "
        f"FROM {raw_table(entity)} r WHERE {where})"
    )]


def object_keys(conn: Connection, entity: str, column: str, where: str) -> list[object]:
    """The distinct keys of a raw JSON object column, over the rows meeting `where` (alias r)."""
    return [row[0] for row in run(conn,
        f"SELECT DISTINCT unnest(json_keys(r.{ident(column)})) FROM {raw_table(entity)} r "
        f"WHERE {where} AND json_type(r.{ident(column)}) = 'OBJECT'"
    )]


def distinct_rows(conn: Connection, entity: str, expressions: list[str], where: str) -> list[tuple]:
    """The distinct values of the mapping's `expressions` (alias r) over the raw rows meeting `where`."""
    return run(conn, f"SELECT DISTINCT {', '.join(expressions)} FROM {raw_table(entity)} r WHERE {where}")


# Lookups (lookups.py): rows of a mapped table by one column, answered with their column types.
Rows = tuple[list[tuple[str, str]], list[tuple]]  # ([(column, type)], rows)
MATCHES = {
    "is": "{c} = ?",
    "is_ignoring_case": "lower({c}) = lower(trim(?))",
    "contains_ignoring_case": "contains(lower({c}), lower(?))",
}


def _rows(conn: Connection, sql: str, params: list) -> Rows:
    result = conn.execute(sql, params)
    return [(d[0], str(d[1]).upper()) for d in result.description or []], result.fetchall()


def rows_where(conn: Connection, entity: str, column: str, match: str, value: object, *,
               order_by: str | int | None = None, descending: bool = False, limit: int | None = None) -> Rows:
    """The rows of mapped.<entity> whose `column` matches `value` (MATCHES), ordered by a column (or a
    position), at most `limit`."""
    sql = f"SELECT * FROM {mapped_table(entity)} WHERE {MATCHES[match].format(c=ident(column))}"
    if order_by is not None:
        key = str(int(order_by)) if isinstance(order_by, int) else ident(order_by)
        sql += f" ORDER BY {key}{' DESC' if descending else ''}"
    params = [value]
    if limit is not None:
        sql, params = sql + " LIMIT ?", [value, max(1, int(limit))]
    return _rows(conn, sql, params)


def products_in_category(conn: Connection, id_column: str, category_id: int, live: str) -> Rows:
    """Mapped products whose raw row (alias r, live by the mapping's condition) lists the category."""
    key = ident(id_column)
    return _rows(conn,
        f"SELECT m.* FROM {mapped_table('products')} m WHERE m.{key} IN (SELECT r.id FROM {raw_table('products')} r "
        f"WHERE {live} AND list_contains(CAST(r.categories AS BIGINT[]), ?)) ORDER BY m.{key}",
        [category_id],
    )


def categories(conn: Connection, columns: list[str], live: str, live_products: str | None) -> Rows:
    """The raw categories' `columns` (alias r, live by the mapping's condition), with `product_count` (the
    live products, alias p, that list each) when `live_products` is given."""
    counts = (f", (SELECT count(*) FROM {raw_table('products')} p WHERE {live_products} "
              "AND list_contains(CAST(p.categories AS BIGINT[]), r.id)) AS product_count") if live_products else ""
    listed = ", ".join(f"r.{ident(c)}" for c in columns)
    return _rows(conn, f"SELECT {listed}{counts} FROM {raw_table('categories')} r WHERE {live} ORDER BY r.id", [])
