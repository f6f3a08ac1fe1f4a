"""The sync engine: records from the API into DuckDB, streamed in batches, one writer.

Each stream's listing runs in its own producer thread (which itself fetches shards concurrently within the
quota, see bigcommerce/paging.py) and completes capped embedded lists (completion/). What each stream
reads, completes and writes is its entry in the stream registry (bc_pipeline/streams.py). Pages go
through a bounded queue to the calling thread, the only one that touches DuckDB: it flattens a batch into
rows per table and merges it in one transaction (a batch is BATCH_RECORDS, or what a stream holds when it
ends; while no page is waiting, the largest held batch merges early, so the merges overlap the API's
latency). A stream's high-water mark is written in the transaction of its last batch, so it is never ahead
of committed data; a stream that fails writes its error and keeps its mark. Memory stays flat: at most
QUEUE_PAGES pages and one batch per stream are held at once.

The writer opens DuckDB once per run (`connect()`, on its first batch) and commits each batch in its own
short transaction; DuckDB checkpoints its write-ahead log when it grows past a threshold and at the end.
(Opening the file per batch let readers in between batches, but every close checkpointed a growing file:
commit time and memory then grew with the store.) The API is never waited on inside a transaction.

When the writer stops for any reason (the run is interrupted by SIGINT/SIGTERM, which Dagster raises in
this thread, or it fails), it sets the run's stop event: producers never block on the queue (their puts time
out and look at the event), close their listings (which stops the page workers) and end. The batch being
merged rolls back, so an interrupted run commits nothing half-done and the next one resumes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.completion.completer import WAIT_S, Completer, Stopped
from bc_pipeline.gc_pause import gc_relaxed
from bc_pipeline.streams import stream as registered
from bc_pipeline.sync.chunks import RESUME_SHARD, SECOND, counted, first_chunks, plan_chunks
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse import state
from bc_pipeline.warehouse.connect import WarehouseLocked
from bc_pipeline.warehouse.deletes import mark_gone
from bc_pipeline.warehouse.errors import Connection, DatabaseError
from bc_pipeline.warehouse.load import Warehouse

BATCH_RECORDS = 5_000
# When no page has come for IDLE_S, the writer merges the largest held batch of at least IDLE_RECORDS: the
# wait for the API then covers the merge, instead of every held batch merging after the last page.
IDLE_S = 0.05
IDLE_RECORDS = 1_000
QUEUE_PAGES = 16  # a parsed 250-order page is a large heap of objects; 16 still cover the latency of a page
PROGRESS_EVERY_S = 5.0
STOP_JOIN_S = 2.0  # how long an interrupted run waits for all its producers (daemons, abandoned past it)
_DONE = object()


@dataclass(frozen=True)
class StreamPlan:
    """One stream to sync: a date window, a set of named ids, a full listing, or the children of named parents."""

    stream: str
    since: datetime | None = None
    until: datetime | None = None
    ids: tuple[int, ...] | None = None
    params: dict[str, str] = field(default_factory=dict)
    high_water_mark: datetime | None = None  # written with the last batch when the listing completes
    authoritative: bool = False  # a complete listing: rows whose ids it did not return are marked deleted
    # List by parent, one listing per batch (listing.parent_filter); authoritative then judges only the rows
    # whose parent (listing.parent_key) was listed.
    parent_batches: tuple[tuple[int, ...], ...] | None = None
    state_key: str | None = None  # where its success is also recorded (besides under the stream's name)
    checkpoint_records: int | None = None  # long windows run in time chunks of about this many records,
    # each chunk's completion checkpointed (None: one piece)
    resume_after: datetime | None = None  # a killed run committed [since, resume_after]: continue after it
    note: str | None = None  # why the plan asks for nothing (ids=()), for the stream's report


@dataclass(frozen=True)
class _Checkpoint:
    committed_to: datetime


Progress = Callable[[StreamReport], None]
Connect = Callable[[], AbstractContextManager[Connection]]


def _put_until_stopped(out: queue.Queue, stop: threading.Event) -> Callable[[tuple], None]:
    """A put that never outlives the writer: it gives up (raises Stopped) once the run stops."""
    def put(item: tuple) -> None:
        while not stop.is_set():
            try:
                out.put(item, timeout=WAIT_S)
                return
            except queue.Full:
                continue
        raise Stopped
    return put


def _chunks(client: BigCommerceClient, plan: StreamPlan, since: datetime | None) -> tuple[list, Iterator | None]:
    """The stream's chunks (chunks.py), and the first one's pages when they are already under way."""
    listing = registered(plan.stream).listing
    if plan.ids == ():  # nothing to fetch; the stream still completes (and records its success)
        return [], None
    if plan.checkpoint_records is None:
        return [(since, plan.until, None)], None
    if plan.ids is None and plan.parent_batches is None and counted(listing, since, plan.until):
        return first_chunks(client, listing, since, plan.until, plan.checkpoint_records, plan.params or None)
    return plan_chunks(client, listing, since, plan.until, plan.checkpoint_records), None


def _produce(client: BigCommerceClient, plan: StreamPlan, out: queue.Queue, stop: threading.Event) -> None:
    """Fetch one stream with its own client (shared quota gate): its stats are this stream's requests."""
    put = _put_until_stopped(out, stop)
    completer = None
    try:
        stream = registered(plan.stream)
        completer = Completer(client, plan.stream, stream.completion, put, stop)
        listing = stream.listing
        since = plan.resume_after + SECOND if plan.resume_after else plan.since
        chunks, started = _chunks(client, plan, since)
        for chunk_since, chunk_until, total in chunks:
            pages = started or fetch_pages(client, listing, since=chunk_since, until=chunk_until, ids=plan.ids,
                                           parent_batches=plan.parent_batches, params=plan.params or None,
                                           total=total)
            started = None
            with closing(pages):  # leaving early (the run stopped) stops the listing's page workers
                for page in pages:  # interim counts; the stream client's stats give the exact total at the end
                    completer.add(page.records, getattr(page, "requests", 1))
            if len(chunks) > 1 and chunk_until is not None and chunk_until != plan.until:
                completer.drain()  # the chunk's held records go first: the checkpoint covers them
                put((plan.stream, _Checkpoint(chunk_until), 0))
        completer.drain()
        put((plan.stream, _DONE, 0))
    except Stopped:
        pass
    except BaseException as exc:  # handed to the writer thread, which reports it against the stream
        try:
            put((plan.stream, exc, 0))
        except Stopped:
            pass
    finally:
        if completer is not None:
            completer.close()


def _client_figures(stats: dict[str, float], report: StreamReport) -> dict[str, Any]:
    """What a stream's own client counted (requests with retries, HTTP and parse seconds, quota waits), as
    report fields."""
    return {"requests": int(stats.get("requests", report.requests)),
            "fetch_seconds": float(stats.get("fetch_seconds", 0.0)),
            "parse_seconds": float(stats.get("parse_seconds", 0.0)),
            "quota_wait_seconds": float(stats.get("quota_wait_seconds", 0.0))}


class _Writer:
    def __init__(self, connect: Connect, synced_at: datetime, progress: Progress | None,
                 stats_of: Callable[[str], dict[str, float]] | None = None):
        self._connect = connect
        self.stats_of = stats_of  # a stream's client's figures so far, for the progress lines during the run
        self._open: AbstractContextManager | None = None
        self._conn: Connection | None = None
        self._locked: WarehouseLocked | None = None
        self.synced_at = synced_at
        self.progress = progress
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.last_progress: dict[str, float] = {}
        self.seen_ids: dict[str, set[int]] = {}

    def add(self, plan: StreamPlan, report: StreamReport, records: list[dict[str, Any]], requests: int) -> None:
        report.pages += 1
        report.requests += requests
        report.records += len(records)
        batch = self.pending.setdefault(plan.stream, [])
        batch.extend(records)
        if plan.authoritative or plan.ids is not None:
            self.seen_ids.setdefault(plan.stream, set()).update(int(r["id"]) for r in records if "id" in r)
        if len(batch) >= BATCH_RECORDS:
            self.flush(plan, report)
        else:
            self._tick(report)

    def _tick(self, report: StreamReport, *, force: bool = False) -> None:
        now = time.monotonic()
        report.seconds = now - report.started
        last = self.last_progress.get(report.stream, report.started)
        if self.progress and (force or now - last >= PROGRESS_EVERY_S):
            self.last_progress[report.stream] = now
            # during the run, a copy with its client's figures so far (the report gets them when the stream ends):
            # a long stream held back by the quota says so while it waits, not only at its end
            live = _client_figures(self.stats_of(report.stream), report) if self.stats_of else {}
            self.progress(replace(report, **live) if live else report)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """The run's one connection, opened on first use (see the module docstring). A file held by another
        process is waited for once: every later stream gets the same refusal at once."""
        if self._conn is None:
            if self._locked is not None:
                raise self._locked
            self._open = self._connect()
            try:
                self._conn = self._open.__enter__()
            except WarehouseLocked as exc:
                self._locked = exc
                raise
        yield self._conn

    def close(self) -> None:
        if self._open is not None:
            self._open.__exit__(None, None, None)
            self._open = self._conn = None

    def idle_batch(self) -> str | None:
        """The stream whose held batch to merge while no page is waiting: the largest, if it has IDLE_RECORDS."""
        if not self.pending:
            return None
        stream, batch = max(self.pending.items(), key=lambda item: len(item[1]))
        return stream if len(batch) >= IDLE_RECORDS else None

    def flush(
        self, plan: StreamPlan, report: StreamReport, *, final: bool = False, checkpoint: datetime | None = None
    ) -> None:
        records = self.pending.pop(plan.stream, [])
        state_writes = []
        if checkpoint is not None and plan.since is not None:
            # the committed prefix of the window, keyed by its start (see sync/chunks.py)
            state_writes.append(
                state.progress_write(plan.stream, plan.since, plan.since, RESUME_SHARD, checkpoint.isoformat(), False)
            )
        if final and plan.checkpoint_records and plan.since is not None:
            state_writes.append(state.clear_progress_write(plan.stream, plan.since, plan.since))
        if final:  # a success under its own key too (the full variants listing's is also a variants success)
            state_writes += [
                state.success_write(
                    key,
                    high_water_mark=plan.high_water_mark,
                    window_start=plan.since,
                    window_end=plan.until,
                    rows=report.records,
                    requests=report.requests,
                    at=self.synced_at,
                )
                for key in dict.fromkeys((plan.stream, plan.state_key or plan.stream))
            ]
        if records or state_writes:
            started = time.monotonic()
            rows = registered(plan.stream).flatten(records)  # in place: the batch's records become its rows
            report.transform_seconds += time.monotonic() - started
            started = time.monotonic()
            with self.connect() as conn:
                merged = Warehouse(conn).merge(rows, self.synced_at, state_writes=state_writes)
            report.write_seconds += time.monotonic() - started
            report.rows.update(merged)
            report.batches += 1
        if final:
            self._finish(plan, report)
        self._tick(report)  # the caller prints each stream's final line, once its request figures are in

    def _finish(self, plan: StreamPlan, report: StreamReport) -> None:
        seen = self.seen_ids.pop(plan.stream, set())
        if plan.ids is not None:
            report.missing_ids = sorted(set(plan.ids) - seen)
        stream = registered(plan.stream)
        if plan.authoritative:
            within = None  # a listing by parent is authoritative for the children of those parents only
            if plan.parent_batches is not None:
                within = (stream.listing.parent_key or "", [p for batch in plan.parent_batches for p in batch])
            with self.connect() as conn:
                report.deleted += mark_gone(conn, stream.table, seen, self.synced_at, within=within)[1]
        report.high_water_mark = plan.high_water_mark

    def fail(self, plan: StreamPlan, report: StreamReport, exc: BaseException) -> None:
        self.pending.pop(plan.stream, None)
        report.error = str(exc) or type(exc).__name__
        report.failure = exc
        if self._locked is None:  # (a held file has nowhere to record it: the run's failure says it)
            try:
                with self.connect() as conn:
                    state.record_error(conn, plan.stream, report.error, at=datetime.now(UTC))
            except DatabaseError:  # the file cannot be written either (disk full): the run's failure says it
                pass
        self._tick(report)


def run_plans(
    client: BigCommerceClient,
    connect: Connect,
    plans: Iterable[StreamPlan],
    *,
    progress: Progress | None = None,
    synced_at: datetime | None = None,
) -> dict[str, StreamReport]:
    """Run every plan concurrently; return a report per stream. Failures are in `report.error`."""
    plans = list(plans)
    synced_at = synced_at or datetime.now(UTC)
    by_stream = {p.stream: p for p in plans}
    reports = {
        p.stream: StreamReport(p.stream, since=p.since, until=p.until, started=time.monotonic(), note=p.note)
        for p in plans
    }
    out: queue.Queue = queue.Queue(maxsize=QUEUE_PAGES)
    stop = threading.Event()
    clients = {p.stream: client.sibling() for p in plans}
    threads = [
        threading.Thread(target=_produce, args=(clients[p.stream], p, out, stop), name=f"bc-{p.stream}",
                         daemon=True)
        for p in plans
    ]
    for t in threads:
        t.start()
    writer = _Writer(connect, synced_at, progress, stats_of=lambda name: clients[name].stats.snapshot())
    try:
        with gc_relaxed():
            _drain(out, by_stream, reports, writer, len(plans))
    finally:
        stop.set()  # normally every producer has ended; after an interrupt this is what ends them
        writer.close()
        deadline = time.monotonic() + STOP_JOIN_S
        for t in threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))
    for stream, stream_client in clients.items():
        stats = stream_client.stats.snapshot()
        for name, value in _client_figures(stats, reports[stream]).items():
            setattr(reports[stream], name, value)
        client.stats.add(**stats)  # the caller's client still counts everything its streams asked for
        stream_client.close()
    return reports


def _drain(out: queue.Queue, by_stream: dict, reports: dict, writer: _Writer, running: int) -> None:
    """The writer loop: take what the producers put, until every stream is done or failed."""
    while running:
        try:
            stream, item, requests = out.get(timeout=IDLE_S)
        except queue.Empty:
            idle = writer.idle_batch()
            if idle is not None:
                try:
                    writer.flush(by_stream[idle], reports[idle])
                except Exception as exc:  # as for any batch: the transaction rolled back; the stream fails
                    writer.fail(by_stream[idle], reports[idle], exc)
            continue
        plan, report = by_stream[stream], reports[stream]
        if report.error:  # a failed stream's stragglers are dropped with the stream, never half-merged
            running -= item is _DONE or isinstance(item, BaseException)
            continue
        try:
            if item is _DONE:
                writer.flush(plan, report, final=True)
                running -= 1
            elif isinstance(item, _Checkpoint):
                writer.flush(plan, report, checkpoint=item.committed_to)
            elif isinstance(item, BaseException):
                writer.fail(plan, report, item)
                running -= 1
            else:
                writer.add(plan, report, item, requests)
        except Exception as exc:  # a write failed: the transaction rolled back; report and stop the stream
            writer.fail(plan, report, exc)
            if item is not _DONE:
                continue
            running -= 1


def apply_ids(
    client: BigCommerceClient, connect: Connect, stream: str, ids: Iterable[int], **kwargs: Any
) -> StreamReport:
    """Fetch the named records of one stream in bulk and merge them; `missing_ids` are gone from the store."""
    plan = StreamPlan(stream=stream, ids=tuple(sorted({int(i) for i in ids})))
    if not plan.ids:
        return StreamReport(stream)
    return run_plans(client, connect, [plan], **kwargs)[stream]
