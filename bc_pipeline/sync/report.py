"""What one stream's sync did: the figures that become Dagster metadata and CLI progress lines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class StreamReport:
    stream: str
    since: datetime | None = None
    until: datetime | None = None
    records: int = 0
    pages: int = 0
    requests: int = 0
    batches: int = 0
    rows: Counter = field(default_factory=Counter)  # rows merged, per table
    deleted: int = 0
    missing_ids: list[int] = field(default_factory=list)
    started: float = 0.0
    seconds: float = 0.0
    error: str | None = None
    high_water_mark: datetime | None = None

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def progress_line(self) -> str:
        window = ""
        if self.since or self.until:
            since = self.since.isoformat(timespec="seconds") if self.since else "start"
            until = self.until.isoformat(timespec="seconds") if self.until else "now"
            window = f" [{since} .. {until}]"
        status = f" FAILED: {self.error}" if self.error else ""
        return (
            f"{self.stream:<24} {self.records:>9,} records {self.pages:>6,} pages {self.requests:>6,} requests "
            f"{self.rate:>9,.0f} rec/s{window}{status}"
        )
