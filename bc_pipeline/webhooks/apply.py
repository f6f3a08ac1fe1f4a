"""Apply a batch of inbox files: validate, plan, refetch in bulk, mark deletes, then move the files.

The order is what makes a batch safe to fail and to repeat:
1. read each file; a file that is not a webhook moves to quarantine/ at once (with its reason) and the
   batch goes on without it;
2. plan: de-duplicate, and group the records named into id sets per stream (plan.py);
3. refetch each stream's ids in bulk through the sync engine (`apply_ids`: id:in / v2 id ranges, merged in
   transactions); ids the store no longer returns join the deletes;
4. mark deleted records' rows `_deleted_at` (Warehouse.mark_deleted: their child rows too, a deleted
   product's variants, a deleted customer's addresses), in one transaction, never dropping a row;
5. only then move the applied files to processed/<UTC date>/.
If step 3 or 4 fails, the run raises and every applied file is still in inbox/: the next run does it all
again, which is harmless because a refetch merges the store's current state and marking is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.errors import BigCommerceError
from bc_pipeline.bigcommerce.streams import STREAMS
from bc_pipeline.sync.engine import Connect, apply_ids
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.webhooks.carts import CartReport, apply_cart_events
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.plan import DEFAULT_MAX_BYTES, Event, Plan, RejectedFile, plan_events, read_events

log = logging.getLogger(__name__)

class WebhookApplyError(RuntimeError):
    """Refetching failed; the batch's files stay in the inbox for the next run."""


@dataclass
class ApplyReport:
    files: int = 0
    applied: list[str] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)  # file -> reason
    gone: list[str] = field(default_factory=list)  # named but no longer in the inbox (another run took them)
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
) -> ApplyReport:
    """Apply the named inbox files (default: the oldest `batch_files`). Raises WebhookApplyError.

    `connect()` opens the warehouse (e.g. WarehouseResource.get_connection); it is opened only to write.
    """
    inbox.ensure()
    wanted = [f.name for f in inbox.list(limit=batch_files)] if names is None else list(dict.fromkeys(names))
    present = inbox.present(wanted)
    still_there = set(present)
    report = ApplyReport(files=len(present), gone=[n for n in wanted if n not in still_there])
    events, readable = _read(inbox, present, max_bytes, report)
    report.plan = plan = plan_events(events)
    for scope, count in sorted(plan.ignored_scopes.items()):
        log.info("webhooks: %d event(s) of scope %s: not stored by this pipeline, no-op", count, scope)
    at = now or datetime.now(UTC)
    deletes = {stream: set(ids) for stream, ids in plan.delete.items()}
    requests_before = client.stats.requests
    for stream, ids in plan.refetch.items():
        result = apply_ids(client, connect, stream, ids)
        if result.error:
            raise WebhookApplyError(f"refetching {len(ids)} {stream} record(s) failed: {result.error}")
        report.refetched[stream] = result.records
        report.requests = client.stats.requests - requests_before  # completion requests included
        if result.missing_ids:
            report.missing[stream] = list(result.missing_ids)
            deletes.setdefault(stream, set()).update(result.missing_ids)
    if deletes:
        with connect() as conn:
            warehouse = Warehouse(conn)
            for stream, ids in sorted(deletes.items()):
                table = STREAMS[stream].tables[0]
                report.deleted_rows[table] = warehouse.mark_deleted(table, ids, at)
    if plan.carts:  # cart ids are UUIDs: their own path (webhooks/carts.py)
        try:
            report.carts = apply_cart_events(client, connect, plan.carts, at)
        except BigCommerceError as exc:
            raise WebhookApplyError(f"fetching {len(plan.carts)} abandoned cart event(s) failed: {exc}") from None
    for name in readable:  # after the data is committed, never before
        try:
            inbox.mark_processed(name, at)
        except FileNotFoundError:  # a concurrent run (`webhooks apply` beside the sensor) moved it first
            report.gone.append(name)
            continue
        report.applied.append(name)
    log.info("webhooks: %s", report.summary())
    return report


def _read(inbox: Inbox, names: list[str], max_bytes: int, report: ApplyReport) -> tuple[list[Event], list[str]]:
    events: list[Event] = []
    readable: list[str] = []
    for name in names:
        try:
            events.extend(read_events(inbox.path(name), max_bytes))
        except RejectedFile as exc:
            try:
                inbox.quarantine(name, str(exc))
            except FileNotFoundError:
                report.gone.append(name)
                continue
            report.quarantined[name] = str(exc)
            log.warning("webhooks: quarantined %s: %s", name, exc)
            continue
        except FileNotFoundError:  # moved by a concurrent run since it was listed
            report.gone.append(name)
            continue
        readable.append(name)
    return events, readable

