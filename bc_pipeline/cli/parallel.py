"""`bc-pipeline sync` over several stores: one child process per store (`bc-pipeline sync --store LABEL`),
at most BC_SYNC_PARALLEL at once, each line of a child's output prefixed with its store's label.

A child is the single-store sync, unchanged: its own Dagster run, its own DuckDB file, its own quota, its own
exit code; a store that fails does not stop the others. SIGINT and SIGTERM reach every running child (each in
a process group of its own, so a terminal's Ctrl-C is not delivered twice) and no further child starts; the
children stop as a single sync does (nothing half-done committed). The parent then reports one `Error:` line
per failed store, naming it, after the others have landed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bc_pipeline.stores import Store

ERROR_PREFIX = "Error: "


@dataclass
class ChildOutcome:
    label: str
    code: int
    error: str | None  # the child's own `Error:` line, without the prefix


def _pump(proc: subprocess.Popen, label: str, echo: Callable[[str], None], outcome: ChildOutcome) -> None:
    for line in proc.stdout:
        line = line.rstrip("\n")
        if line.startswith(ERROR_PREFIX):
            outcome.error = line.removeprefix(ERROR_PREFIX)
        else:
            echo(f"[{label}] {line}")


def sync_children(stores: list[Store], flags: list[str], limit: int,
                  echo: Callable[[str], None]) -> tuple[list[ChildOutcome], int | None]:
    """Sync each store in a child, `limit` at a time. Returns the outcomes and the first stop signal, if any."""
    pending = list(stores)
    running: dict[subprocess.Popen, tuple[ChildOutcome, threading.Thread]] = {}
    done: list[ChildOutcome] = []
    received: list[int] = []

    def forward(signo: int, frame: object) -> None:
        received.append(signo)
        for proc in list(running):
            try:
                os.killpg(proc.pid, signo)
            except (ProcessLookupError, PermissionError):
                pass

    saved = {signo: signal.signal(signo, forward) for signo in (signal.SIGINT, signal.SIGTERM)}
    try:
        while pending or running:
            while pending and len(running) < limit and not received:
                proc, outcome, pump = _start(pending.pop(0), flags, echo)
                running[proc] = (outcome, pump)
            for proc in [p for p in running if p.poll() is not None]:
                outcome, pump = running.pop(proc)
                pump.join()
                outcome.code = proc.returncode
                done.append(outcome)
            if received and not running:
                break
            if running:
                _wait_any(list(running))
    finally:
        for signo, handler in saved.items():
            signal.signal(signo, handler)
    return done, (received[0] if received else None)


def _start(store: Store, flags: list[str],
           echo: Callable[[str], None]) -> tuple[subprocess.Popen, ChildOutcome, threading.Thread]:
    command = [sys.executable, "-m", "bc_pipeline", "sync", "--store", store.label, *flags]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    outcome = ChildOutcome(store.label, -1, None)
    pump = threading.Thread(target=_pump, args=(proc, store.label, echo, outcome), daemon=True)
    pump.start()
    return proc, outcome, pump


def _wait_any(procs: list[subprocess.Popen]) -> None:
    try:
        procs[0].wait(timeout=0.2)
    except subprocess.TimeoutExpired:
        pass
