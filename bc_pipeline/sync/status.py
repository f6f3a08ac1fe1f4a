"""Per-stream status, decided from the warehouse's sync state: last success, high-water mark, how far behind,
rows, and the last error only when it is newer than the last success (an error a later success superseded is
not shown, see warehouse/state.py). The warehouse reads (warehouse/state.py, warehouse/reads.py); the text
`bc-pipeline status` prints is cli/status_text.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bc_pipeline.warehouse import reads, state
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.schema import table as contract_table


@dataclass(frozen=True)
class StreamStatus:
    stream: str  # the stream, or what else the sync state keeps a line for (the daily full variants listing)
    last_success_at: datetime | None
    high_water_mark: datetime | None
    last_error: str | None  # only while no success came after it
    last_error_at: datetime | None

    def behind(self, now: datetime) -> timedelta | None:
        """How far the stream's data lags `now` (None before its first mark)."""
        return now - self.high_water_mark if self.high_water_mark else None


@dataclass(frozen=True)
class Status:
    streams: list[StreamStatus]
    rows: dict[str, tuple[int, int]]  # qualified table name -> (rows, rows marked deleted)


_LABELS = {state.FULL_VARIANTS_KEY: state.FULL_VARIANTS_LABEL}


def read_status(db_path: Path) -> Status:
    """Every stream's status and every raw table's row counts, from a read-only connection."""
    with warehouse_connection(db_path, read_only=True) as conn:
        states = state.read_states(conn)
        counts = reads.all_row_counts(conn)
    streams = [StreamStatus(_LABELS.get(s.stream, s.stream), s.last_success_at, s.high_water_mark,
                            s.current_error, s.last_error_at)
               for s in states.values()]
    return Status(streams, {contract_table(t).qualified: c for t, c in counts.items()})
