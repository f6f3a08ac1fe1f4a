"""No-op runs side by side: `python -m bench.noop_runs` (see docs/benchmark.md).

Against one emulator store (in this process), after a first full sync (not measured):
  * the CLI: `bc-pipeline sync` with nothing new, its wall time as the user waits for it (process start,
    definitions load, the run, the status summary), REPEAT times;
  * the schedule: `dagster dev` (webserver + daemon) on a free port, the incremental schedule switched on
    with a cron of every minute, and its first REPEAT runs; each run's duration is the run storage's
    start-to-end time (the run process is already up: its launch is shown apart, from the run's creation).
The scheduled run must be within 1.5x of the CLI's no-op (issue 11). Prints a table; --write also puts it in
bench/results/noop_runs.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import SCHEDULE_NAME_TAG

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.dagster_dev_support import dagster_dev, set_schedule, store_env, wait_for
from bench.machine import machine_info

RESULTS = Path(__file__).parent / "results" / "noop_runs.md"
SCHEDULE = "incremental_sync"


def cli_sync(env: dict, workdir: Path, *args: str) -> float:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bc_pipeline", "sync", *args], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"bc-pipeline sync failed: {done.stderr[-2000:]}")
    return time.monotonic() - started


def run_seconds(env: dict, tags: dict[str, str]) -> list[tuple[float, float]]:
    """(start-to-end, creation-to-end) seconds of the finished runs with `tags`, oldest first."""
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        records = instance.get_run_records(filters=dg.RunsFilter(tags=tags), ascending=True)
    return [(r.end_time - r.start_time, r.end_time - r.create_timestamp.timestamp()) for r in records if r.end_time]


def scheduled_runs(env: dict, workdir: Path, repeat: int) -> list[tuple[float, float]]:
    """(start-to-end, creation-to-end) seconds of the schedule's first `repeat` runs, all successful."""
    with dagster_dev(env, workdir / "dagster_dev.log") as port, \
            dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        set_schedule(port, SCHEDULE, running=True)
        try:
            def done():
                runs = instance.get_run_records(filters=dg.RunsFilter(tags={SCHEDULE_NAME_TAG: SCHEDULE}))
                finished = [r for r in runs if r.dagster_run.is_finished]
                return finished if len(finished) >= repeat else None

            records = wait_for(done, 90 * repeat + 120, f"{repeat} scheduled runs", every_s=2)
        finally:
            set_schedule(port, SCHEDULE, running=False)
    failed = [r.dagster_run.run_id for r in records if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS]
    if failed:
        raise SystemExit(f"scheduled runs failed: {failed} (see {workdir / 'dagster_dev.log'})")
    return [(r.end_time - r.start_time, r.end_time - r.create_timestamp.timestamp()) for r in records[:repeat]]


def table(cli: list[float], cli_runs: list[tuple[float, float]], scheduled: list[tuple[float, float]],
          store: str) -> str:
    cli_s = statistics.median(cli)
    cli_run_s = statistics.median(s for s, _ in cli_runs)
    m = machine_info(Path(__file__).resolve().parents[1])
    run_s = statistics.median(s for s, _ in scheduled)
    launch_s = statistics.median(c for _, c in scheduled)
    return "\n".join([
        f"No-op runs, measured {m['date_utc']} at commit {m['commit']} on {store} (median of {len(cli)} CLI "
        f"syncs, {len(scheduled)} scheduled runs); {m['cpus']} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| run | seconds | vs CLI |",
        "|---|---:|---:|",
        f"| `bc-pipeline sync` (wall, process start to exit) | {cli_s:.1f} | 1.00x |",
        f"| `bc-pipeline sync` (its run's start to end) | {cli_run_s:.1f} | {cli_run_s / cli_s:.2f}x |",
        f"| schedule-launched run (run start to end) | {run_s:.1f} | {run_s / cli_s:.2f}x |",
        f"| schedule-launched run (run created to end, incl. queue and process launch) | {launch_s:.1f} | "
        f"{launch_s / cli_s:.2f}x |",
        "",
        f"CLI samples: {', '.join(f'{s:.1f}' for s in cli)}; scheduled (start-end): "
        f"{', '.join(f'{s:.1f}' for s, _ in scheduled)}",
    ])


def measure(orders: int = 2000, repeat: int = 3) -> str:
    """The side-by-side table of no-op CLI syncs and schedule-launched no-op runs on a store of `orders`."""
    config = EmulatorConfig(seed=42, customers=orders // 4, orders=orders, products=orders // 10, quota=None)
    with Emulator(config) as emu, tempfile.TemporaryDirectory(prefix="noop-runs-") as tmp:
        workdir = Path(tmp)
        env = store_env(emu, workdir, BC_SYNC_CRON="* * * * *")
        first = cli_sync(env, workdir, "--full")
        print(f"first full sync: {first:.1f} s", file=sys.stderr)
        cli = [cli_sync(env, workdir) for _ in range(repeat)]
        cli_runs = run_seconds(env, {"bc/trigger": "cli"})[1:]  # the first is the full sync
        scheduled = scheduled_runs(env, workdir, repeat)
    return table(cli, cli_runs, scheduled, f"an emulator store of {orders:,} orders")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orders", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--write", action="store_true", help=f"also write {RESULTS}")
    args = p.parse_args()
    text = measure(args.orders, args.repeat)
    print(text)
    if args.write:
        RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    main()
