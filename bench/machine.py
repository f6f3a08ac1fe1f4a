"""What machine a benchmark ran on: CPU count, RAM, Python, OS, date, and the commit measured."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path


def machine_info(repo: Path) -> dict[str, object]:
    return {
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "commit": _commit(repo),
    }


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _commit(repo: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
    except OSError:
        return None
    return out.stdout.strip() or None


def load_avg() -> float | None:
    """The 1-minute load average (the machine is shared: every measurement keeps it beside its figures)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None
