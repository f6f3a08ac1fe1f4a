"""Run one measured subprocess: wall time, CPU time and peak RSS of that process alone.

Peak RSS comes from `os.wait4` on the child's pid, so it is the child's own high-water mark (and that of any
descendants it waited for), not the harness's nor the emulator's, which runs in another process.
Stdout and stderr are handed line by line to callbacks (peers print one JSON message per line on stdout;
`bc-pipeline sync` prints its progress on stderr), so no run's output is held in memory whole unless the
caller keeps it; a tail of stderr is kept for error messages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass
class ProcessRun:
    returncode: int | None
    wall_s: float
    cpu_user_s: float
    cpu_sys_s: float
    peak_rss_mb: float
    timed_out: bool
    stderr_tail: str


def run_measured(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    time_limit_s: float | None = None,
    on_stdout_line: Callable[[str], None] | None = None,
    on_stderr_line: Callable[[str], None] | None = None,
    stderr_lines: int = 30,
) -> ProcessRun:
    """Run `cmd` to completion (or kill its process group after `time_limit_s`) and measure it."""
    started = time.monotonic()
    proc = subprocess.Popen(
        list(cmd),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        start_new_session=True,  # its own process group, so a time-out stops its children too
    )
    tail: deque[str] = deque(maxlen=stderr_lines)

    def pump_stdout() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if on_stdout_line is not None:
                on_stdout_line(line)

    def pump_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            tail.append(line.rstrip("\n"))
            if on_stderr_line is not None:
                on_stderr_line(line)

    readers = [threading.Thread(target=pump_stdout, daemon=True), threading.Thread(target=pump_stderr, daemon=True)]
    for reader in readers:
        reader.start()

    timed_out = False
    timer: threading.Timer | None = None
    if time_limit_s is not None:

        def stop() -> None:
            nonlocal timed_out
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(time_limit_s, stop)
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if timer is not None:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(timeout=10)
    return ProcessRun(
        returncode=proc.returncode,
        wall_s=wall,
        cpu_user_s=usage.ru_utime,
        cpu_sys_s=usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024.0,  # Linux reports KiB
        timed_out=timed_out,
        stderr_tail="\n".join(tail),
    )
