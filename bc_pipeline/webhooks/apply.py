"""Apply a batch of inbox files: validate, plan, refetch in bulk, mark deletes, then move the files.

The order is what makes a batch safe to fail and to repeat:
1. read each file; a file that is not a webhook moves to quarantine/ at once (with its reason) and the
   batch goes on without it; a file left in inbox/ by a move interrupted after the data was committed (its
   other link is already in processed/, see inbox.py) is not applied again: the move is finished;
2. plan: de-duplicate, and group the records named into id sets per stream (plan.py);
3. refetch each stream's ids in bulk through the sync engine (`apply_ids`: id:in / v2 id ranges, merged in
   transactions); ids the store no longer returns join the deletes;
4. mark deleted records' rows `_deleted_at` (Warehouse.mark_deleted: their child rows too, a deleted
   product's variants, a deleted customer's addresses), in one transaction, never dropping a row;
5. only then move the applied files to processed/<UTC date>/.
If step 3 or 4 fails, isolate.py decides: an outage raises WebhookApplyError and every file not yet applied
stays in inbox/ (the next run does it again, which is harmless: a refetch merges the store's current state
and marking is idempotent); any other failure bisects the batch, applies the halves that succeed and
quarantines the single files that still fail, with the failure as their reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.errors import BigCommerceError
from bc_pipeline.bigcommerce.streams import STREAMS
from bc_pipeline.sync.engine import Connect, apply_ids
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.webhooks.carts import CartReport, apply_cart_events
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.isolate import ApplyFailure, WebhookApplyError, apply_isolating, is_outage
from bc_pipeline.webhooks.plan import DEFAULT_MAX_BYTES, Event, Plan, RejectedFile, plan_events, read_events

log = logging.getLogger(__name__)
__all__ = ["ApplyReport", "WebhookApplyError", "apply_batch"]


@dataclass
class ApplyReport:
    files: int = 0
    applied: list[str] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)  # file -> reason
    gone: list[str] = field(default_factory=list)  # named but no longer in the inbox (another run took them)
    recovered: list[str] = field(default_factory=list)  # already applied; their interrupted move finished
    plan: Plan = field(default_factory=Plan)
    refetched: dict[str, int] = field(default_factory=dict)  # stream -> records the store returned
    requests: int = 0  # HTTP requests to the store, completion (addresses, line items...) included
    missing: dict[str, list[int]] = field(default_factory=dict)  # stream -> ids the store no longer has
    deleted_rows: dict[str, int] = field(default_factory=dict)  # table -> rows newly marked (children not counted)
    carts: CartReport = field(default_factory=CartReport)

    def summary(self) -> str:
        return (
            f"{len(self.applied)} files applied, {len(self.quarantined)} quarantined; {self.plan.events} events "
            f"({self.plan.duplicates} duplicates, {sum(self.plan.ignored_scopes.values())} ignored scopes); "
            f"refetched {sum(self.refetched.values())} records in {self.requests} requests; "
            f"{sum(self.deleted_rows.values())} rows marked deleted"
        )


def apply_batch(
    client: BigCommerceClient,
    connect: Connect,
    inbox: Inbox,
    names: Iterable[str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_files: int = 200,
    now: datetime | None = None,
    store_hash: str | None = None,
) -> ApplyReport:
    """Apply the named inbox files (default: the oldest `batch_files`). Raises WebhookApplyError on an outage.

    `connect()` opens the warehouse (e.g. WarehouseResource.get_connection); it is opened only to write.
    """
    inbox.ensure()
    wanted = [f.name for f in inbox.list(limit=batch_files)] if names is None else list(dict.fromkeys(names))
    present = inbox.present(wanted)
    still_there = set(present)
    report = ApplyReport(files=len(present), gone=[n for n in wanted if n not in still_there])
    events = _read(inbox, present, max_bytes, report, store_hash)
    report.plan = plan_events([e for file_events in events.values() for e in file_events])
    for scope, count in sorted(report.plan.ignored_scopes.items()):
        log.info("webhooks: %d event(s) of scope %s: not stored by this pipeline, no-op", count, scope)
    batch = _Batch(client, connect, inbox, report, events, now or datetime.now(UTC))
    try:
        apply_isolating(list(events), batch.apply, batch.quarantine, lambda f: is_outage(f, batch.store_answers))
    finally:
        log.info("webhooks: %s", report.summary())
    return report


@dataclass
class _Batch:
    client: BigCommerceClient
    connect: Connect
    inbox: Inbox
    report: ApplyReport
    events: dict[str, list[Event]]
    at: datetime

    def apply(self, names: Sequence[str]) -> None:
        """Refetch, mark deletes, move the files to processed/; raises ApplyFailure (nothing moved)."""
        plan = plan_events([e for name in names for e in self.events[name]])
        deletes = {stream: set(ids) for stream, ids in plan.delete.items()}
        requests_before = self.client.stats.requests
        try:
            for stream, ids in plan.refetch.items():
                result = apply_ids(self.client, self.connect, stream, ids)
                if result.error:
                    raise ApplyFailure(f"refetching {len(ids)} {stream} record(s) failed: {result.error}",
                                       result.failure)
                self.report.refetched[stream] = self.report.refetched.get(stream, 0) + result.records
                if result.missing_ids:
                    self.report.missing.setdefault(stream, []).extend(result.missing_ids)
                    deletes.setdefault(stream, set()).update(result.missing_ids)
            self._mark_deleted(deletes)
            if plan.carts:  # cart ids are UUIDs: their own path (webhooks/carts.py)
                self._apply_carts(plan.carts)
        finally:
            self.report.requests += self.client.stats.requests - requests_before  # completion included
        self._move(names)

    def _mark_deleted(self, deletes: dict[str, set[int]]) -> None:
        if not deletes:
            return
        try:
            with self.connect() as conn:
                warehouse = Warehouse(conn)
                for stream, ids in sorted(deletes.items()):
                    table = STREAMS[stream].tables[0]
                    marked = warehouse.mark_deleted(table, ids, self.at)
                    self.report.deleted_rows[table] = self.report.deleted_rows.get(table, 0) + marked
        except Exception as exc:  # the transaction rolled back
            raise ApplyFailure(f"marking {sum(map(len, deletes.values()))} deleted record(s) failed: {exc}",
                               exc) from None

    def _apply_carts(self, carts) -> None:
        try:
            done = apply_cart_events(self.client, self.connect, carts, self.at)
        except BigCommerceError as exc:
            raise ApplyFailure(f"fetching {len(carts)} abandoned cart event(s) failed: {exc}", exc) from None
        total = self.report.carts
        total.fetched += done.fetched
        total.converted += done.converted
        total.gone.extend(done.gone)

    def _move(self, names: Sequence[str]) -> None:
        for name in names:  # after the data is committed, never before
            try:
                self.inbox.mark_processed(name, self.at)
            except FileNotFoundError:  # a concurrent run (`webhooks apply` beside the sensor) moved it first
                self.report.gone.append(name)
                continue
            self.report.applied.append(name)

    def quarantine(self, name: str, reason: str) -> None:
        _quarantine(self.inbox, name, reason, self.report)

    def store_answers(self) -> bool:
        """Whether the store answers a plain request: if not, a failed refetch was an outage, not a file."""
        try:
            self.client.store_time()
        except BigCommerceError:
            return False
        return True


def _read(inbox: Inbox, names: list[str], max_bytes: int, report: ApplyReport,
          store_hash: str | None) -> dict[str, list[Event]]:
    """Each readable file's events, in the order given; quarantines the rest, skips interrupted moves."""
    events: dict[str, list[Event]] = {}
    for name in names:
        try:
            if inbox.finish_interrupted_move(name) is not None:
                report.recovered.append(name)
                log.warning("webhooks: %s was already applied (its move was interrupted): not applied again", name)
                continue
            events[name] = read_events(inbox.path(name), max_bytes, store_hash)
        except RejectedFile as exc:
            _quarantine(inbox, name, str(exc), report)
        except FileNotFoundError:  # moved by a concurrent run since it was listed
            report.gone.append(name)
    return events


def _quarantine(inbox: Inbox, name: str, reason: str, report: ApplyReport) -> None:
    try:
        inbox.quarantine(name, reason)
    except FileNotFoundError:
        report.gone.append(name)
        return
    report.quarantined[name] = reason
    log.warning("webhooks: quarantined %s: %s", name, reason)
