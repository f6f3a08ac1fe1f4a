"""Per-stream status from the warehouse: last success, high-water mark, lag, rows, and the last error when
it is newer than the last success (warehouse/state.py: an error a later success superseded is not shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.state import read_states


@dataclass(frozen=True)
class StreamStatus:
    stream: str
    last_success_at: datetime | None
    high_water_mark: datetime | None
    last_error: str | None
    last_error_at: datetime | None


def read_status(db_path: Path) -> tuple[list[StreamStatus], dict[str, tuple[int, int]]]:
    """Stream states and (rows, rows marked deleted) per table, from a read-only connection."""
    with warehouse_connection(db_path, read_only=True) as conn:
        states = [
            StreamStatus(s.stream, s.last_success_at, s.high_water_mark, s.current_error, s.last_error_at)
            for s in read_states(conn).values()
        ]
        counts = {}
        for table in TABLES:
            total, deleted = conn.execute(
                f'SELECT count(*), count(_deleted_at) FROM bigcommerce."{table}"'
            ).fetchone()
            counts[table] = (int(total), int(deleted))
    return states, counts


def _ago(at: datetime | None, now: datetime) -> str:
    if at is None:
        return "never"
    seconds = int((now - at).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def format_status(status: tuple[list[StreamStatus], dict[str, tuple[int, int]]]) -> str:
    states, counts = status
    now = datetime.now(UTC)
    lines = [f"{'stream':<20} {'last success':<22} {'high-water mark':<27} {'behind':<12} last error"]
    for s in states:
        success = s.last_success_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if s.last_success_at else "never"
        mark = s.high_water_mark.astimezone(UTC).isoformat(timespec="seconds") if s.high_water_mark else "-"
        behind = _ago(s.high_water_mark, now).replace(" ago", "") if s.high_water_mark else "-"
        error = f"{s.last_error} ({_ago(s.last_error_at, now)})" if s.last_error else ""
        lines.append(f"{s.stream:<20} {success:<22} {mark:<27} {behind:<12} {error}")
    lines.append("")
    lines.append(f"{'table':<37} {'rows':>12} {'deleted':>9}")
    for table, (total, deleted) in counts.items():
        lines.append(f"{'bigcommerce.' + table:<37} {total:>12,} {deleted:>9,}")
    return "\n".join(lines)
