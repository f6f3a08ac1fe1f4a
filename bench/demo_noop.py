"""The no-op sync on the embedded demo store: what a user who just installed the package waits for.

`bc-pipeline sync` with no credentials syncs the demo store (the emulator inside the process). In a fresh
folder with a fresh DAGSTER_HOME it runs once (the full sync, not timed), then REPEAT times more with nothing
new: each of those is a no-op, timed from process start to exit, with its CPU-seconds (user + system, its
children included) and peak RSS from `os.wait4` (bench/measure.py). The figure is the median (issue 14: at
most 4 s on a quiet machine); every sample and the load average are kept beside it.

`python -m bench.run` measures it first (`--no-demo-noop` to skip); alone: `python -m bench.demo_noop`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.machine import load_avg, machine_info
from bench.measure import ProcessRun, run_measured
from bench.pipeline_step import sync_command
from bench.store_process import REPO

REPEAT = 5
TIME_LIMIT_S = 600.0


def _sync(workdir: Path, env: dict[str, str]) -> ProcessRun:
    run = run_measured(sync_command(), env=env, cwd=str(workdir), time_limit_s=TIME_LIMIT_S)
    if run.timed_out or run.returncode != 0:
        last = (run.stderr_tail.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"bc-pipeline sync on the demo store failed: {last[-300:]}")
    return run


def measure(repeat: int = REPEAT) -> dict:
    """The first sync's wall time and `repeat` no-op syncs (wall, CPU, peak RSS), with their medians."""
    with tempfile.TemporaryDirectory(prefix="bcbench_demo_") as tmp:
        workdir, home = Path(tmp), Path(tmp) / "dagster_home"
        home.mkdir()
        if (REPO / "dagster.yaml").exists():
            shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}  # no credentials: the demo store
        env["DAGSTER_HOME"] = str(home)
        load_start = load_avg()
        first = _sync(workdir, env)
        runs = [_sync(workdir, env) for _ in range(repeat)]
    walls = [round(r.wall_s, 2) for r in runs]
    cpus = [round(r.cpu_user_s + r.cpu_sys_s, 2) for r in runs]
    return {"measured_utc": machine_info(REPO)["date_utc"], "first_sync_wall_s": round(first.wall_s, 2),
            "repeat": repeat, "wall_s": walls, "cpu_s": cpus,
            "median_wall_s": round(statistics.median(walls), 2), "median_cpu_s": round(statistics.median(cpus), 2),
            "peak_rss_mb": round(max(r.peak_rss_mb for r in runs), 1),
            "load_avg_1m_start": load_start, "load_avg_1m_end": load_avg()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=REPEAT, help="timed no-op syncs (the median is reported)")
    args = p.parse_args(argv)
    print(json.dumps(measure(args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
