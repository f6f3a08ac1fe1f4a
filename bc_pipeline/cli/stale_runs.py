"""Runs the CLI executes in-process: their one-line failure reason, and recovering from a killed
`bc-pipeline` process: its run would stay STARTED for ever, and count against its store's one run in the
run queue (the `bc/store` limit), so the store's queued runs would wait behind it.

Runs started by the CLI carry their host and process id as tags. Before a new run, each such run still
marked in progress whose process is gone is reported failed and its pool slots are freed. (Runs launched by
the daemon are watched by Dagster's run monitoring, enabled in dagster.yaml.)
"""

from __future__ import annotations

import os
import re
import socket

import dagster as dg

from bc_pipeline.error_text import meaningful_line

PID_TAG = "bc/pid"
HOST_TAG = "bc/host"
IN_PROGRESS = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.NOT_STARTED]


def process_tags() -> dict[str, str]:
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the in-progress CLI runs of this host whose process died; free their slots. Returns run ids."""
    released = []
    host = socket.gethostname()
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS, tags={HOST_TAG: host}))
    for run in runs:
        pid = run.tags.get(PID_TAG, "")
        if not pid.isdigit() or _alive(int(pid)):
            continue
        instance.report_run_failed(run, f"the bc-pipeline process {pid} that ran it is gone (killed?)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
    return released


def _step_errors(result) -> list:
    """The innermost error of each failed step (of an in-process or a location run's result)."""
    errors = []
    for event in result.all_events:
        if not event.is_step_failure or event.step_failure_data.error is None:
            continue
        error = event.step_failure_data.error
        while error.cause is not None:
            error = error.cause
        errors.append(error)
    return errors


def was_interrupted(result) -> bool:
    """Whether the run failed because the process was told to stop (SIGINT/SIGTERM inside a step)."""
    return any(error.cls_name == INTERRUPTED_CLASS for error in _step_errors(result))


def failure_reason(result) -> str:
    """The innermost message of each failed step, one line each (the full trace stays in the event log)."""
    messages = []
    for error in _step_errors(result):
        if error.cls_name == INTERRUPTED_CLASS:
            messages.append("interrupted")
            continue
        line = meaningful_line(error.message, default=error.cls_name or "error")  # never DuckDB's caret line
        line = _CLASS_PREFIX.sub("", line)
        messages.append(_BARE_CLASS.sub(lambda m: m["name"], line))
    return "; ".join(messages) or "run failed"


INTERRUPTED_CLASS = "DagsterExecutionInterruptedError"
# "bc_pipeline.sync.runs.SyncFailed: orders: ..." -> "orders: ...", "dagster...events.Failure: ..." -> "...":
# the class path says nothing to a user
_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_][\w]*\.)+\w*(?:Error|Exception|Failed|Failure): ")
# an exception without a message is printed as its class path: keep the class name only
_BARE_CLASS = re.compile(r"^(?:[A-Za-z_]\w*\.)+(?P<name>[A-Za-z_]\w*(?:Error|Exception|Failed|Failure|Interrupt))$")
