"""What one stream's sync did: the figures that become Dagster metadata and CLI progress lines."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

# Progress lines of a sync: Dagster's log gets them too; `bc-pipeline sync` prints this logger as they come.
progress_log = logging.getLogger("bc_pipeline.progress")


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
    failure: BaseException | None = field(default=None, repr=False, compare=False)  # the exception behind `error`
    high_water_mark: datetime | None = None
    note: str | None = None  # why a stream made no request, when it had reason not to (e.g. variants)
    # where the time went, in seconds summed over the threads that spent it (fetch and parse run on several
    # concurrent threads, so they can exceed the stream's wall time `seconds`): HTTP, JSON decoding,
    # flattening to rows (writer thread), DuckDB merges (writer thread)
    fetch_seconds: float = 0.0
    parse_seconds: float = 0.0
    transform_seconds: float = 0.0
    write_seconds: float = 0.0
    # wall seconds of `seconds` during which the stream waited for the API quota (its requests were held back
    # until the quota's window reset): the part of a slow sync that is the store's plan, not the pipeline
    quota_wait_seconds: float = 0.0

    def phase_seconds(self) -> dict[str, float]:
        return {"fetch": self.fetch_seconds, "parse": self.parse_seconds,
                "transform": self.transform_seconds, "write": self.write_seconds}

    def time_shares(self) -> dict[str, float]:
        """Each phase's share of the summed phase seconds; none for a stream that fetched nothing (its few
        milliseconds of bookkeeping would read as "write 100%")."""
        parts = self.phase_seconds()
        total = sum(parts.values())
        if total <= 0 or not (self.requests or self.records):
            return {}
        return {k: round(v / total, 3) for k, v in parts.items()}

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
        if self.quota_wait_seconds >= 0.05:
            status += f" (waited {self.quota_wait_seconds:.1f}s of it for the API quota)"
        if self.note:
            status += f" ({self.note})"
        shares = self.time_shares()
        if shares and self.write_seconds:  # fetch and parse run on several threads: their sum exceeds the wall
            seconds = self.phase_seconds()
            status += (" (summed over threads: "
                       + ", ".join(f"{k} {v:.0%} {seconds[k]:.1f}s" for k, v in shares.items()) + ")")
        return (
            f"{self.stream:<24} {self.records:>9,} records {self.pages:>6,} pages {self.requests:>6,} requests "
            f"{self.rate:>9,.0f} rec/s over {self.seconds:.1f}s{window}{status}"
        )
