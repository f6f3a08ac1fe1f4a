"""Sync state in the warehouse: per-stream high-water marks and crash-resume checkpoints.

State that describes data is written in the same transaction as the data (Warehouse.merge applies the
`StateWrite`s it is given before COMMIT), so a high-water mark is never ahead of what was committed and a
rolled-back batch leaves the state as it was. Errors are recorded on their own (record_error), also when a
run failed before its streams started (errors_recorded).

`last_success_at` is the incremental cursor's last success: it moves when a write advances the stream's
high-water mark, or for a listing without a date window (the undated streams, named ids). A window re-sync
that leaves the mark where it was (`bc-pipeline sync --from/--to` of past days) is recorded as the last
window, not as the stream's last success. A stream's error is current only when newer than its last success
(`StreamState.current_error`): a success after a failure clears it from view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from bc_pipeline.warehouse.contract import SCHEMA
from bc_pipeline.warehouse.sql import run, sql_text

STATE_TABLE = f"{SCHEMA}._sync_state"
PROGRESS_TABLE = f"{SCHEMA}._sync_progress"
MAX_ERROR_CHARS = 2000
# A line of the state that is not a stream: the daily full variants listing (sync/reference.py), whose success
# is also a variants success. `bc-pipeline status` shows it as FULL_VARIANTS_LABEL.
FULL_VARIANTS_KEY = "variants_full"
FULL_VARIANTS_LABEL = "variants (full)"


@dataclass(frozen=True)
class StateWrite:
    """One statement to run inside a merge transaction."""

    sql: str
    params: tuple[Any, ...]


@dataclass(frozen=True)
class StreamState:
    stream: str
    high_water_mark: datetime | None
    last_success_at: datetime | None
    last_window_start: datetime | None
    last_window_end: datetime | None
    last_run_id: str | None
    last_error: str | None
    last_error_at: datetime | None
    rows: int | None
    requests: int | None

    @property
    def current_error(self) -> str | None:
        """The last error, unless a success came after it."""
        return last_error_if_current(self.last_error, self.last_error_at, self.last_success_at)


def last_error_if_current(error: str | None, error_at: datetime | None, success_at: datetime | None) -> str | None:
    if error is None or (success_at is not None and error_at is not None and success_at >= error_at):
        return None
    return error


@dataclass(frozen=True)
class Checkpoint:
    """How far a window of a stream is committed: up to `resume_after` (an id, cursor or instant), or done."""

    window_start: datetime
    resume_after: str | None
    done: bool


def create_state_tables(conn: duckdb.DuckDBPyConnection) -> None:
    run(conn, sql_text("create_state_tables"))


def success_write(
    stream: str,
    *,
    high_water_mark: datetime | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    run_id: str | None = None,
    rows: int | None = None,
    requests: int | None = None,
    at: datetime | None = None,
) -> StateWrite:
    """A successful window: the mark only moves forward (a backfill of old days never moves it back); the
    last success moves with the mark, or for a listing without a window (see the module docstring); the last
    window, run, rows and requests are replaced; a None leaves the stored value."""
    at = at or datetime.now(UTC)
    advances = window_start is None or high_water_mark is not None  # the SQL compares with the stored mark
    return StateWrite(
        sql_text("state_success"),
        (stream, high_water_mark, at if advances else None, window_start, window_end, run_id, rows, requests),
    )


def progress_write(
    stream: str, window_start: datetime, window_end: datetime, shard: str, resume_after: str | None, done: bool
) -> StateWrite:
    """A checkpoint: shard of a window is committed up to `resume_after` (an id or cursor), or done."""
    return StateWrite(
        sql_text("progress_upsert"), (stream, window_start, window_end, str(shard), resume_after, bool(done))
    )


def clear_progress_write(stream: str, window_start: datetime, window_end: datetime) -> StateWrite:
    """Forget a window's checkpoints (once the whole window is committed)."""
    return StateWrite(
        f"DELETE FROM {PROGRESS_TABLE} WHERE stream = ? AND window_start = ? AND window_end = ?",
        (stream, window_start, window_end),
    )


def apply_writes(conn: duckdb.DuckDBPyConnection, writes: tuple[StateWrite, ...] | list[StateWrite]) -> None:
    """Run state writes on conn (the caller owns the transaction)."""
    for w in writes:
        if not isinstance(w, StateWrite):
            raise TypeError(f"state_writes must hold StateWrite objects, got {type(w).__name__}")
        run(conn, w.sql, list(w.params))


def record_error(conn: duckdb.DuckDBPyConnection, stream: str, message: str, at: datetime | None = None) -> None:
    """Record a stream's last error (own transaction; the high-water mark is untouched)."""
    text = (message or "")[:MAX_ERROR_CHARS]
    run(conn, sql_text("state_error"), [stream, text, at or datetime.now(UTC)])


@contextmanager
def errors_recorded(connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
                    streams: Iterable[str]) -> Iterator[None]:
    """Record an error raised before the streams started (e.g. on GET /v2/time) against each, and re-raise."""
    try:
        yield
    except Exception as exc:
        at = datetime.now(UTC)
        try:
            with connect() as conn:
                for stream in streams:
                    record_error(conn, stream, str(exc) or type(exc).__name__, at=at)
        except Exception:  # e.g. the file holds another store's data: the run still fails with its own error
            pass
        raise


def read_state(conn: duckdb.DuckDBPyConnection, stream: str) -> StreamState | None:
    found = run(conn, f"SELECT * FROM {STATE_TABLE} WHERE stream = ?", [stream])
    row = found[0] if found else None
    return StreamState(*row) if row else None


def read_states(conn: duckdb.DuckDBPyConnection) -> dict[str, StreamState]:
    rows = run(conn, f"SELECT * FROM {STATE_TABLE} ORDER BY stream")
    return {r[0]: StreamState(*r) for r in rows}


def high_water_mark(conn: duckdb.DuckDBPyConnection, stream: str) -> datetime | None:
    s = read_state(conn, stream)
    return s.high_water_mark if s else None


def last_success_at(conn: duckdb.DuckDBPyConnection, stream: str) -> datetime | None:
    s = read_state(conn, stream)
    return s.last_success_at if s else None


def last_checkpoint(conn: duckdb.DuckDBPyConnection, stream: str, shard: str) -> Checkpoint | None:
    """The checkpoint of the stream's latest window for this shard (a killed run's committed prefix), if any."""
    rows = run(conn,
        f"SELECT window_start, resume_after, done FROM {PROGRESS_TABLE} WHERE stream = ? AND shard = ? "
        "ORDER BY window_start DESC LIMIT 1",
        [stream, str(shard)],
    )
    return Checkpoint(rows[0][0], rows[0][1], bool(rows[0][2])) if rows else None
