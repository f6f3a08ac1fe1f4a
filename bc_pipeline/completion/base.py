"""What a stream's completion is: which records need it, how a batch of them is completed, what it reads."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.listing import Listing

Record = dict[str, Any]


class Completion(ABC):
    batch: int  # records completed together (the completer holds this many before it asks)
    # True when completing costs the same requests however the records are batched (one listing per record):
    # then the completer starts whatever it holds as soon as one of its workers is idle, instead of letting
    # the last partial batch wait for the end of the listing (a round of the API's latency at the end).
    per_record: bool = False

    @abstractmethod
    def needs(self, record: Record) -> bool:
        """Whether the record came with a capped list that must be completed before it is flattened (the one
        place that decides it: the completer holds exactly these records)."""

    @abstractmethod
    def complete(self, client: ApiClient, records: list[Record]) -> list[Record]:
        """Complete the records that need it (in place); raise rather than hand over a partial record."""

    @abstractmethod
    def listings(self) -> tuple[Listing, ...]:
        """The listings it reads (`bc-pipeline check` asks each)."""
