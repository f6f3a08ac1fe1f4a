"""Ending a command on SIGINT or SIGTERM: one line, the conventional exit code, nothing half-done.

A terminal's Ctrl-C (SIGINT) and a service manager's stop (SIGTERM: systemd, Kubernetes, Dagster's run
termination) mean the same thing here. Outside a Dagster run both raise KeyboardInterrupt (also when SIGINT
was inherited ignored, as a background job's is: SIGTERM must still stop it). Inside `execute_in_process`
Dagster installs its own handler on both signals and raises DagsterExecutionInterruptedError in the running
step: the sync engine then rolls back the batch being merged, stops its producers (sync/engine.py), and the
run ends failed. Either way the command ends with `Interrupted`: `Error: interrupted; ...` and exit code
128 + the signal's number (130 for SIGINT, 143 for SIGTERM).

Which signal it was is read from a wakeup pipe (`signal.set_wakeup_fd`): Python writes each caught signal's
number to it whoever's handler runs, Dagster's included.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

MESSAGE = "interrupted; nothing half-done was committed, the next sync resumes"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(click.ClickException):
    def __init__(self, signo: int = signal.SIGINT) -> None:
        super().__init__(MESSAGE)
        self.exit_code = 128 + int(signo)


class SignalWatch:
    """The stop signals received so far (read from the wakeup pipe)."""

    def __init__(self, read_fd: int | None) -> None:
        self._fd = read_fd
        self.received: list[int] = []

    def poll(self) -> list[int]:
        if self._fd is None:
            return self.received
        try:
            while chunk := os.read(self._fd, 512):
                self.received.extend(s for s in chunk if s in STOP_SIGNALS)
        except BlockingIOError:
            pass
        return self.received

    def interrupted(self) -> Interrupted | None:
        """The exception to end the command with, if a stop signal came."""
        received = self.poll()
        return Interrupted(received[-1]) if received else None


def _raise_keyboard_interrupt(signo: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def stop_on_signals() -> Iterator[SignalWatch]:
    """Within: SIGINT/SIGTERM interrupt the command, which then ends with `Interrupted`."""
    import dagster as dg

    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield SignalWatch(None)
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)
    saved = {signo: signal.signal(signo, _raise_keyboard_interrupt) for signo in STOP_SIGNALS}
    saved_wakeup = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    watch = SignalWatch(read_fd)
    try:
        yield watch
    except (KeyboardInterrupt, dg.DagsterExecutionInterruptedError):
        received = watch.poll()
        raise Interrupted(received[-1] if received else signal.SIGINT) from None
    finally:
        signal.set_wakeup_fd(saved_wakeup)
        for signo, handler in saved.items():
            signal.signal(signo, handler)
        os.close(read_fd)
        os.close(write_fd)
