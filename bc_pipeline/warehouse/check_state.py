"""What the checks have covered, so that a check whose query grows with its table reads only what changed.

A narrowed check (the raw tables' `ids_unique` and `parents_present`, the mapped tables' `ids_unique_not_null`
and `row_count_matches_raw`) is evaluated on every row only when one of these holds, and otherwise on the rows
written since it last passed:

* the table has never been checked in full in this file, or its last full evaluation is older than
  FULL_CHECKS_EVERY (a daily full evaluation catches what no run wrote: a row changed by hand);
* its previous evaluation failed (a failure is re-evaluated in full until it passes, so it never passes by
  being out of scope);
* the caller forces it (a full sync, a full rebuild of a mapped table).

`bigcommerce._check_state` keeps, per table and check, `checked_to` (the newest `_synced_at` of the table
when the check last passed: the rows after it are the ones to check) and `full_at` (when it last passed in
full; NULL after a failure). It is state about this file's rows, so `--reset-store` empties it with them.
Like the mapped tables' refresh (mapping/refresh.py), it relies on `_synced_at` stamps growing from one run to
the next (a run's stamp is its start; a store's runs are one at a time); the daily full evaluation is the
backstop for a row stamped out of order, or written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bc_pipeline.warehouse.contract import SCHEMA
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.sql import run

CHECK_STATE = f"{SCHEMA}._check_state"
FULL_CHECKS_EVERY = timedelta(hours=24)
_EMPTY = datetime.min.replace(tzinfo=UTC)  # the mark of a table that was empty when it last passed


@dataclass(frozen=True)
class Scope:
    """Which rows one evaluation reads: every row (`since` None), or those written after `since`; `stored`:
    the `checked_to` recorded before it."""

    since: datetime | None
    stored: datetime | None = None

    @property
    def full(self) -> bool:
        return self.since is None

    def describe(self) -> str:
        if self.since is None:
            return "every row"
        return "rows written since it was empty" if self.since == _EMPTY else f"rows written after {self.since.isoformat()}"


EVERY_ROW = Scope(None)


def scope_of(conn: Connection, table: str, check: str, *, now: datetime, force_full: bool = False) -> Scope:
    """The rows this evaluation of `check` on `table` (a qualified name) must read (see the module docstring)."""
    if force_full:
        return EVERY_ROW
    found = run(conn, f"SELECT checked_to, full_at FROM {CHECK_STATE} WHERE table_name = ? AND check_name = ?",
                [table, check])
    if not found:
        return EVERY_ROW
    checked_to, full_at = found[0]
    if full_at is None or now - full_at >= FULL_CHECKS_EVERY:
        return EVERY_ROW
    return Scope(checked_to or _EMPTY, checked_to)


def record(conn: Connection, table: str, check: str, scope: Scope, *, passed: bool,
           checked_to: datetime | None, now: datetime) -> None:
    """After an evaluation: a pass moves `checked_to` (and `full_at` when it read every row; nothing to write
    when it read only new rows and there were none); a failure clears `full_at`, so the next evaluation reads
    every row."""
    if passed and not scope.full and checked_to == scope.stored:
        return
    if not passed:
        run(conn, f"UPDATE {CHECK_STATE} SET full_at = NULL WHERE table_name = ? AND check_name = ?", [table, check])
        return
    run(conn,
        f"INSERT INTO {CHECK_STATE} (table_name, check_name, checked_to, full_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (table_name, check_name) DO UPDATE SET checked_to = excluded.checked_to, "
        "full_at = coalesce(excluded.full_at, full_at)",
        [table, check, checked_to, now if scope.full else None])
