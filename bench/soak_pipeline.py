"""The soak's pipeline side: what the Dagster daemon does, in the soak process's main thread.

Every `sensor_interval_s` the real `webhook_inbox` sensor is evaluated on a real instance (its cursor kept
between ticks) and the run it asks for is executed with its own run config and tags; every `schedule_s` the
incremental sync job runs, as the `incremental_sync` schedule would. Runs execute one at a time, as the
`duckdb` pool (limit 1) makes the daemon's runs do. It stops once asked to and the inbox is empty (or the
drain time is spent).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class PipelineReport:
    ticks: int = 0
    webhook_runs: int = 0
    failed_runs: list[str] = field(default_factory=list)
    files_applied: int = 0
    files_quarantined: int = 0
    events: int = 0
    api_requests: int = 0
    syncs: int = 0
    failed_syncs: list[str] = field(default_factory=list)
    max_inbox: int = 0
    drained: bool = False
    drain_s: float = 0.0


class SoakPipeline:
    def __init__(self, webhook_dir: Path, sensor_interval_s: float, schedule_s: float, drain_s: float):
        from bc_pipeline.definitions import defs
        from bc_pipeline.defs.webhooks import JOB_NAME
        from bc_pipeline.webhooks.inbox import Inbox

        self.inbox_dir = Inbox(webhook_dir).ensure().inbox
        self.sensor_interval_s, self.schedule_s, self.drain_s = sensor_interval_s, schedule_s, drain_s
        self.job = defs().resolve_job_def(JOB_NAME)
        self.instance = dg.DagsterInstance.get()
        self.report = PipelineReport()
        self.sending_done = threading.Event()  # set by the sender's thread when it has sent everything

    def _waiting(self) -> int:
        return sum(1 for p in self.inbox_dir.iterdir() if not p.name.startswith("."))

    def run(self) -> PipelineReport:
        """Tick and run until the sending is done and the inbox empty (or the drain time spent)."""
        cursor, next_tick, next_sync = None, 0.0, time.monotonic() + self.schedule_s
        drain_started = None
        while True:
            now = time.monotonic()
            waiting = self._waiting()
            self.report.max_inbox = max(self.report.max_inbox, waiting)
            if self.sending_done.is_set():
                drain_started = drain_started or now
                if waiting == 0 or now - drain_started > self.drain_s:
                    self.report.drained, self.report.drain_s = waiting == 0, now - drain_started
                    return self.report
            if now >= next_sync:
                next_sync = now + self.schedule_s
                self._sync()
            if now >= next_tick:
                next_tick = now + self.sensor_interval_s
                cursor = self._tick(cursor)
            time.sleep(0.5)

    def _sync(self) -> None:
        from bc_pipeline.cli.run_job import run_sync_job

        outcome = run_sync_job()
        self.report.syncs += 1
        if not outcome.success:
            self.report.failed_syncs.append(str(outcome.error))

    def _tick(self, cursor: str | None) -> str | None:
        from bc_pipeline.config import load_settings
        from bc_pipeline.defs.webhooks import OP_NAME, build_webhook_inbox

        result = build_webhook_inbox(load_settings())(dg.build_sensor_context(instance=self.instance, cursor=cursor))
        self.report.ticks += 1
        for request in result.run_requests:
            run = self.job.execute_in_process(run_config={**request.run_config, **QUIET}, instance=self.instance,
                                              tags=request.tags, raise_on_error=False)
            self.report.webhook_runs += 1
            if not run.success:
                self.report.failed_runs.append(run.run_id)
                continue
            metadata = run.asset_materializations_for_node(OP_NAME)[-1].metadata
            self.report.files_applied += metadata["files_applied"].value
            self.report.files_quarantined += metadata["files_quarantined"].value
            self.report.events += metadata["events"].value
            self.report.api_requests += metadata["api_requests"].value
        return result.cursor
