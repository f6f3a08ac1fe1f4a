"""The text of `bc-pipeline status` (and of the summary after `bc-pipeline sync`): one line per stream, then
one per raw table. What it says is decided in sync/status.py; this module only lays it out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bc_pipeline.sync.status import Status


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _ago(at: datetime | None, now: datetime) -> str:
    return "never" if at is None else f"{_span(now - at)} ago"


def format_status(status: Status, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    lines = [f"{'stream':<20} {'last success':<22} {'high-water mark':<27} {'behind':<12} last error"]
    for s in status.streams:
        success = s.last_success_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if s.last_success_at else "never"
        mark = s.high_water_mark.astimezone(UTC).isoformat(timespec="seconds") if s.high_water_mark else "-"
        behind = s.behind(now)
        error = f"{s.last_error} ({_ago(s.last_error_at, now)})" if s.last_error else ""
        lines.append(f"{s.stream:<20} {success:<22} {mark:<27} {_span(behind) if behind is not None else '-':<12} {error}")
    lines.append("")
    lines.append(f"{'table':<37} {'rows':>12} {'deleted':>9}")
    for table, (total, deleted) in status.rows.items():
        lines.append(f"{table:<37} {total:>12,} {deleted:>9,}")
    return "\n".join(lines)
