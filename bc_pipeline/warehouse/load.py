"""Merging batches into the warehouse: stage, de-duplicate, upsert, replace children, all in one transaction.

Per table of a batch: the rows are staged as a typed temp table (staging.py, through Arrow); duplicate keys keep
the newest `date_modified` (then the last in the batch); a row is written only if no newer copy is stored. A
written row replaces its stored copy by DELETE then INSERT (cheaper in DuckDB than MERGE's update, and a
first load is a plain INSERT). For child tables (line items, shipping addresses, customer
addresses, variants) the children of every written parent whose winning record carried its complete set are
replaced, so a child removed upstream disappears; children listed on their own are upserted. What a merge
of a top-level table changes is logged in the change feed (changes.py) in the same transaction. State writes
(state.py) run in the same transaction, so a high-water mark never gets ahead of committed data, and so does
the row naming the file's store on its first merge (store.py). Any error rolls everything back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import duckdb

from bc_pipeline.warehouse import changes
from bc_pipeline.warehouse.contract import Table, check_identifier
from bc_pipeline.warehouse.schema import TABLES, table
from bc_pipeline.warehouse.sql import run, sql_text
from bc_pipeline.warehouse.staging import stage
from bc_pipeline.warehouse.state import StateWrite, apply_writes
from bc_pipeline.warehouse.store import pending_claim
from bc_pipeline.warehouse.transaction import transaction


def _q(name: str) -> str:
    return f'"{check_identifier(name)}"'


def _utc(at: datetime) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError("synced_at must be a datetime")
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _key(t: Table) -> str:
    return ", ".join(_q(k) for k in t.key)


def _order(t: Table) -> str:
    """Which copy of a key wins within a batch: the newest version, then the last in the batch."""
    return (f"{_q(t.version)} DESC NULLS LAST, " if t.version else "") + "_ord DESC"


def _columns(t: Table) -> str:
    return ", ".join(_q(c.name) for c in t.columns)


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def _newer(t: Table) -> str:
    if t.version is None:
        return "true"
    v = _q(t.version)
    return f"s.{v} >= t.{v} OR s.{v} IS NULL OR t.{v} IS NULL"


class Warehouse:
    """Writes to the `bigcommerce` schema of one DuckDB connection (whose session time zone it sets to UTC)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        run(conn, "SET TimeZone = 'UTC'")  # the tables are there: the connection was opened to write (ensure.py)

    def merge(
        self,
        rows_by_table: Mapping[str, Sequence[dict]],
        synced_at: datetime,
        state_writes: Iterable[StateWrite] = (),
    ) -> dict[str, int]:
        """Merge every table's rows and the state writes in one transaction; return rows written per table."""
        synced_at = _utc(synced_at)
        tables = [table(name) for name in rows_by_table]
        present = {t.name for t in tables if rows_by_table[t.name]}
        order = [t for t in tables if t.parent is None] + [t for t in tables if t.parent is not None]
        writes = [*state_writes, *pending_claim(self.conn)]  # a new file names its store with its first data
        counts: dict[str, int] = {t.name: 0 for t in tables}
        sources: dict[str, str] = {}
        temps: list[str] = []
        with transaction(self.conn):
            for t in order:
                rows = list(rows_by_table[t.name])
                if t.parent is None:
                    if rows:
                        children = tuple(c.name for c in tables if c.parent and c.parent[0] == t.name)
                        counts[t.name] = self._merge_parent(t, rows, synced_at, children, sources, temps)
                elif rows or t.parent[0] in present:
                    counts[t.name] = self._merge_children(t, rows, synced_at, sources, temps)
            apply_writes(self.conn, writes)
            if temps:
                run(self.conn, "; ".join(f"DROP TABLE IF EXISTS {name}" for name in temps))
        return counts

    def _stage(self, t: Table, rows: list[dict], synced_at: datetime, children: tuple[str, ...], temps: list[str]
               ) -> str:
        """Stage rows; return the table holding one row per key (the staged table itself when keys are unique)."""
        staged = stage(self.conn, t, rows, synced_at, f"_stage_{t.name}", children)
        temps.append(staged.name)
        if staged.unique_keys:
            return staged.name
        dedup = f"_dedup_{t.name}"
        temps.append(dedup)
        run(self.conn, sql_text("dedupe").format(dedup=dedup, source=staged.name, key=_key(t), order=_order(t)))
        return dedup

    def _merge_parent(self, t: Table, rows: list[dict], synced_at: datetime, children: tuple[str, ...],
                      sources: dict[str, str], temps: list[str]) -> int:
        source = sources[t.name] = self._stage(t, rows, synced_at, children, temps)
        written = f"_written_{t.name}"
        temps.append(written)
        (key,) = t.key
        fmt = {"target": t.qualified, "key": _q(key), "source": source, "written": written}
        run(self.conn, sql_text("written_ids").format(newer=_newer(t), **fmt))
        n_written, n_existed = run(self.conn, f"SELECT count(*), count(*) FILTER (WHERE existed) FROM {written}")[0]
        if n_written:
            changes.record_merge(self.conn, t, source, written, synced_at, any_existed=bool(n_existed))
            sql = sql_text("write_parents").format(
                columns=_columns(t),
                only_written="" if n_written == len(rows) else f"WHERE {_q(key)} IN (SELECT id FROM {written})",
                **fmt,
            )
            if not n_existed:  # nothing stored to replace: skip the DELETE
                sql = sql[sql.index("INSERT INTO"):]
            run(self.conn, sql)
        return n_written

    def _merge_children(self, t: Table, rows: list[dict], synced_at: datetime, sources: dict[str, str],
                        temps: list[str]) -> int:
        parent, pkey = t.parent
        staged = f"_stage_{t.name}"
        unique = True
        if rows:
            stage_result = stage(self.conn, t, rows, synced_at, staged)
            temps.append(staged)
            unique = stage_result.unique_keys
        (key,) = t.key
        delete_complete = ""
        if parent in sources:
            fmt = {"written": f"_written_{parent}", "parent_source": sources[parent]}
            delete_complete = sql_text("delete_replaced_children").format(
                target=t.qualified, pkey=_q(pkey), flag=f"_complete_{check_identifier(t.name)}", **fmt
            )
            keep = sql_text("keep_children").format(
                stage=staged, pkey=_q(pkey), parent_stage=f"_stage_{parent}", **fmt
            ) if rows else None
        else:
            keep = f"SELECT * FROM {staged}" if rows else None
        if keep is None:  # no rows of this table: only the replaced children go
            run(self.conn, delete_complete)
            return 0
        qualify = "" if unique else f"QUALIFY row_number() OVER (PARTITION BY {_key(t)} ORDER BY {_order(t)}) = 1"
        sql = sql_text("write_children").format(
            delete_complete=delete_complete, target=t.qualified, key=_q(key), keep=_strip_comments(keep),
            columns=_columns(t), qualify=qualify,
        )
        return run(self.conn, sql)[0][0]

    def mark_deleted(self, table_name: str, ids: Iterable[int], deleted_at: datetime) -> int:
        """Set `_deleted_at` on the rows with these ids and on their children (rows are never removed).
        Returns how many rows of `table_name` were newly marked."""
        t = table(table_name)
        ids = sorted({int(i) for i in ids})
        at, written_at = _utc(deleted_at), datetime.now(UTC)
        (key,) = t.key
        children = [c for c in TABLES.values() if c.parent and c.parent[0] == t.name]
        with transaction(self.conn):
            if t.parent is None:
                changes.record_deleted(self.conn, t, ids, at)
            marked = self._mark(t, key, ids, at, written_at)
            for child in children:
                self._mark(child, child.parent[1], ids, at, written_at)
        return marked

    def _mark(self, t: Table, column: str, ids: list[int], at: datetime, written_at: datetime) -> int:
        sql = sql_text("mark_deleted").format(target=t.qualified, column=_q(column))
        return int(run(self.conn, sql, [at, written_at, ids])[0][0])
