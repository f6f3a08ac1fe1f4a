"""CPU-seconds and peak memory of processes we did not start ourselves (Dagster's run workers, which the code
server spawns), read from /proc: a background thread samples every descendant of a root process, keeping per
pid its latest CPU time (user + system, its reaped children included) and its peak resident set (VmHWM, the
kernel's own high-water mark, so a peak between two samples is not missed). Linux only; CPU used after a
process's last sample (at most one interval) is not counted.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class ProcUsage:
    pid: int
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds incl. reaped children) of `pid`, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return int(fields[1]), (utime + stime + cutime + cstime) / TICKS


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    stat = _stat(pid)
    return stat[1] if stat else 0.0


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                parents[int(entry)] = stat[0]
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


class Sampler(threading.Thread):
    """`with Sampler(root_pid) as s: ...; s.usage[pid]` (every descendant seen while it ran)."""

    def __init__(self, root: int, every_s: float = 0.5):
        super().__init__(name="proc-sampler", daemon=True)
        self.root, self.every_s = root, every_s
        self.usage: dict[int, ProcUsage] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.every_s):
            for pid in descendants(self.root):
                stat, peak = _stat(pid), _peak_rss_mb(pid)
                if stat is None:
                    continue
                usage = self.usage.setdefault(pid, ProcUsage(pid))
                usage.cpu_s = max(usage.cpu_s, stat[1])
                usage.peak_rss_mb = max(usage.peak_rss_mb, peak)

    def __enter__(self) -> Sampler:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._halt.set()
        self.join(timeout=10)
