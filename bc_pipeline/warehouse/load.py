"""Merging batches into the warehouse: stage, de-duplicate, MERGE, replace children, all in one transaction.

Per table of a batch: the rows are staged as a typed temp table (staging.py); duplicate keys keep the newest
`date_modified`; MERGE on the key writes a row only if no newer copy is stored. For child tables (line items,
shipping addresses, customer addresses, variants) the children of every parent row that was written are
replaced when that parent record carried its complete set, so a child removed upstream disappears; children
listed on their own are upserted. State writes (state.py) run in the same transaction, so a high-water mark
never gets ahead of committed data. Any error rolls everything back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import duckdb

from bc_pipeline.warehouse.schema import SCHEMA, TABLES, Table, check_identifier, create_all, table
from bc_pipeline.warehouse.sql import run, sql_text
from bc_pipeline.warehouse.staging import stage
from bc_pipeline.warehouse.state import StateWrite, apply_writes


def _q(name: str) -> str:
    return f'"{check_identifier(name)}"'


def _utc(at: datetime) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError("synced_at must be a datetime")
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _newer(t: Table) -> str:
    if t.version is None:
        return "true"
    v = _q(t.version)
    return f"s.{v} >= t.{v} OR s.{v} IS NULL OR t.{v} IS NULL"


class Warehouse:
    """Writes to the `bigcommerce` schema of one DuckDB connection (whose session time zone it sets to UTC)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        run(conn, "SET TimeZone = 'UTC'")
        present = run(conn,
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema = ? AND table_name IN "
            f"({', '.join('?' * len(TABLES))})",
            [SCHEMA, *TABLES],
        )[0][0]
        if present < len(TABLES):
            create_all(conn)

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
        writes = list(state_writes)
        counts: dict[str, int] = {t.name: 0 for t in tables}
        temps: list[str] = []
        self._kinds: dict[str, str] = {}
        run(self.conn, "BEGIN TRANSACTION")
        try:
            for t in order:
                rows = list(rows_by_table[t.name])
                if t.parent is None:
                    if rows:
                        counts[t.name] = self._merge_parent(t, rows, synced_at, temps)
                elif rows or t.parent[0] in present:
                    counts[t.name] = self._merge_children(
                        t, rows, rows_by_table.get(t.parent[0], ()), t.parent[0] in present, synced_at, temps
                    )
            apply_writes(self.conn, writes)
            for name in reversed(temps):
                run(self.conn, f"DROP {self._kinds.get(name, 'TABLE')} IF EXISTS {name}")
            run(self.conn, "COMMIT")
        except BaseException:
            run(self.conn, "ROLLBACK")
            raise
        return counts

    def _merge_parent(self, t: Table, rows: list[dict], synced_at: datetime, temps: list[str]) -> int:
        st, dd, wr = f"_stage_{t.name}", f"_dedup_{t.name}", f"_written_{t.name}"
        temps += [st, dd, wr]
        stage(self.conn, t, rows, synced_at, st)
        self._dedupe(t, st, dd, rows)
        (key,) = t.key
        run(self.conn,
            sql_text("written_ids").format(written=wr, key=_q(key), dedup=dd, target=t.qualified, newer=_newer(t))
        )
        self._merge(t, dd, _newer(t))
        return run(self.conn, f"SELECT count(*) FROM {wr}")[0][0]

    def _merge_children(
        self, t: Table, rows: list[dict], parent_rows: Sequence[dict], parent_present: bool,
        synced_at: datetime, temps: list[str],
    ) -> int:
        parent, pkey = t.parent
        st, keep, dd, complete = (f"_stage_{t.name}", f"_keep_{t.name}", f"_dedup_{t.name}", f"_complete_{t.name}")
        temps += [st, keep, dd, complete]
        stage(self.conn, t, rows, synced_at, st)
        if parent_present:
            run(self.conn,
                sql_text("keep_children").format(
                    keep=keep, stage=st, pkey=_q(pkey), parent_stage=f"_stage_{parent}",
                    parent_dedup=f"_dedup_{parent}", written=f"_written_{parent}",
                )
            )
            ids = [r.get("id") for r in parent_rows if t.name in (r.get("_children") or ())]
            run(self.conn, f"CREATE OR REPLACE TEMP TABLE {complete} AS SELECT unnest(CAST(? AS BIGINT[])) AS id", [ids])
            run(self.conn,
                f"DELETE FROM {t.qualified} WHERE {_q(pkey)} IN (SELECT id FROM _written_{parent}) "
                f"AND {_q(pkey)} IN (SELECT id FROM {complete})"
            )
        else:
            run(self.conn, f"CREATE OR REPLACE TEMP TABLE {keep} AS SELECT * FROM {st}")
        self._dedupe(t, keep, dd, rows)
        self._merge(t, dd, "true")
        return run(self.conn, f"SELECT count(*) FROM {dd}")[0][0]

    def _dedupe(self, t: Table, source: str, dedup: str, rows: Sequence[dict]) -> None:
        keys = [tuple(r.get(k) for k in t.key) for r in rows]
        if len(set(keys)) == len(keys):  # the usual batch: nothing to de-duplicate, no copy needed
            run(self.conn, f"DROP TABLE IF EXISTS {dedup}")
            run(self.conn, f"CREATE OR REPLACE TEMP VIEW {dedup} AS SELECT * FROM {source}")
            self._kinds[dedup] = "VIEW"
            return
        run(self.conn, f"DROP VIEW IF EXISTS {dedup}")
        self._kinds[dedup] = "TABLE"
        order = (f"{_q(t.version)} DESC NULLS LAST, " if t.version else "") + "_ord DESC"
        key = ", ".join(_q(k) for k in t.key)
        run(self.conn, sql_text("dedupe").format(dedup=dedup, source=source, key=key, order=order))

    def _merge(self, t: Table, source: str, newer: str) -> None:
        cols = [_q(c.name) for c in t.columns]
        run(self.conn,
            sql_text("merge").format(
                target=t.qualified,
                source=source,
                on=" AND ".join(f"t.{_q(k)} = s.{_q(k)}" for k in t.key),
                newer=newer,
                update_set=", ".join(f"{c} = s.{c}" for c in cols if c.strip('"') not in t.key),
                columns=", ".join(cols),
                values=", ".join(f"s.{c}" for c in cols),
            )
        )

    def mark_deleted(self, table_name: str, ids: Iterable[int], deleted_at: datetime) -> int:
        """Set `_deleted_at` on the rows with these ids and on their children (rows are never removed).
        Returns how many rows of `table_name` were newly marked."""
        t = table(table_name)
        ids = sorted({int(i) for i in ids})
        at = _utc(deleted_at)
        (key,) = t.key
        children = [c for c in TABLES.values() if c.parent and c.parent[0] == t.name]
        run(self.conn, "BEGIN TRANSACTION")
        try:
            marked = self._mark(t, key, ids, at)
            for child in children:
                self._mark(child, child.parent[1], ids, at)
            run(self.conn, "COMMIT")
        except BaseException:
            run(self.conn, "ROLLBACK")
            raise
        return marked

    def _mark(self, t: Table, column: str, ids: list[int], at: datetime) -> int:
        sql = sql_text("mark_deleted").format(target=t.qualified, column=_q(column))
        return int(run(self.conn, sql, [at, ids])[0][0])
