"""Webhook soak: `python -m bench.webhook_soak` (docs/benchmark.md).

Deliveries at a steady rate (default 50 a second for 10 minutes, `--minutes` for shorter) go to a real
receiver (`bc-pipeline webhooks serve`, its own process, loopback only) while the webhook sensor and the
incremental schedule run against an emulator store in another process (soak_pipeline.py). About 1% of the
deliveries name an id past BIGINT (poison). At the end every accepted delivery is looked for, by its unique
`hash`, in processed/ and quarantine/: accepted, applied, quarantined and lost (must be 0) are counted from
the files themselves, with the receiver's peak memory and threads. Results: bench/results/webhook_soak.json
and webhook_soak.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bc_pipeline.warehouse.connect import open_warehouse
from bench.machine import machine_info
from bench.soak_pipeline import SoakPipeline
from bench.soak_receiver import ReceiverProcess
from bench.soak_sender import SendReport, send_steadily
from bench.store_process import REPO, Constraints, StoreProcess, StoreShape

SECRET = "soak-secret-not-for-production-0123"
NO_COMPUTE_LOGS = """
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.webhook_soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--rate", type=float, default=50.0, help="deliveries per second (default 50)")
    p.add_argument("--minutes", type=float, default=10.0, help="how long deliveries are sent (default 10)")
    p.add_argument("--poison-share", type=float, default=0.01, help="share of deliveries naming an id past BIGINT")
    p.add_argument("--orders", type=int, default=4000, help="store size (customers = orders / 4)")
    p.add_argument("--batch-files", type=int, default=1000,
                   help="BC_WEBHOOK_BATCH_FILES: at 50/s a 20 s tick collects 1,000 files (default 1000)")
    p.add_argument("--sensor-interval", type=float, default=20.0, help="seconds between sensor ticks (20)")
    p.add_argument("--schedule-minutes", type=float, default=5.0, help="minutes between incremental syncs (5)")
    p.add_argument("--drain-minutes", type=float, default=5.0, help="most minutes to wait for the inbox to empty")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.getLogger("bc_pipeline").addHandler(logging.NullHandler())  # quarantines are counted, not printed
    work = Path(tempfile.mkdtemp(prefix="bc-soak-"))
    shape = StoreShape(orders=args.orders, customers=args.orders // 4, products=max(10, args.orders // 20),
                       categories=30, brands=10)
    api = Constraints("soak", (50.0, 150.0), quota=450, window_ms=30_000)
    try:
        with StoreProcess(shape, api, log_path=work / "emulator.log") as store:
            result = soak(args, work, store)
    finally:
        left = _end_children()
        shutil.rmtree(work, ignore_errors=True)
    result["processes_left_behind"] = left
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "webhook_soak.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (args.out / "webhook_soak.md").write_text(render(result))
    print(render(result))


def soak(args: argparse.Namespace, work: Path, store: StoreProcess) -> dict:
    root = work / "webhooks"
    _environment(work, store, args.batch_files)
    from bc_pipeline.cli.run_job import run_sync_job
    from bc_pipeline.config import load_settings
    from bc_pipeline.stores import store_from_settings

    first = run_sync_job(store_from_settings(load_settings()))
    if not first.success:
        raise SystemExit(f"the initial sync failed: {first.error}")
    ids = _record_ids(work / "soak.duckdb")
    pipeline = SoakPipeline(root, args.sensor_interval, args.schedule_minutes * 60, args.drain_minutes * 60)
    with ReceiverProcess(root, SECRET, work / "receiver.log") as receiver:
        sent = SendReport()

        def send() -> None:
            sent.__dict__.update(send_steadily(receiver.url, SECRET, ids, rate=args.rate, seconds=args.minutes * 60,
                                               poison_share=args.poison_share).__dict__)
            pipeline.sending_done.set()

        sender = threading.Thread(target=send, name="soak-sender")
        sender.start()
        ran = pipeline.run()  # Dagster runs from the main thread, as the CLI's
        sender.join()
    logged = receiver.log_statuses()
    found = audit(root)
    accepted = sent.accepted
    located = set(found["processed"]) | set(found["quarantine"]) | set(found["inbox"])
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine_info(REPO),
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
        "store": asdict(store.shape), "api": asdict(store.constraints),
        "sent": sent.sent, "accepted": len(accepted), "sender_statuses": dict(sent.statuses),
        "achieved_rate": round(sent.sent / sent.seconds, 2), "max_sender_lag_s": round(sent.max_lag_s, 3),
        "poison_sent": sent.poison_sent,
        "applied": len(accepted & set(found["processed"])), "quarantined": len(accepted & set(found["quarantine"])),
        "still_in_inbox": len(accepted & set(found["inbox"])), "lost": len(accepted - located),
        "stored_twice": sum(1 for counts in found.values() for n in counts.values() if n > 1),
        "receiver_log_statuses": dict(logged), "receiver_peak_rss_mb": round(receiver.peak_rss_mb, 1),
        "receiver_peak_threads": receiver.peak_threads, "pipeline": asdict(ran),
    }


def _environment(work: Path, store: StoreProcess, batch_files: int) -> None:
    home = work / "dagster_home"
    home.mkdir()
    # the project's instance settings, without compute-log capture (a `tail -F` pair per step, which a soak
    # of hundreds of runs does not need: every event is still in the event log)
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text() + NO_COMPUTE_LOGS)
    os.environ.update({
        "BC_API_URL": store.api_url, "BC_STORE_HASH": store.store_hash, "BC_ACCESS_TOKEN": store.access_token,
        "BC_DUCKDB_PATH": str(work / "soak.duckdb"), "BC_WEBHOOK_DIR": str(work / "webhooks"),
        "BC_WEBHOOK_BATCH_FILES": str(batch_files), "BC_START_DATE": "2020-12-31", "DAGSTER_HOME": str(home),
    })


def _end_children() -> int:
    """Kill (SIGKILL) any process this one started that is still running; the count must be 0."""
    mine = str(os.getpid())
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == mine:
            left.append(int(stat.parent.name))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return len(left)


def _record_ids(db: Path) -> dict[str, list[int]]:
    with open_warehouse(db, read_only=True) as conn:
        return {table: [r[0] for r in conn.execute(f"SELECT id FROM bigcommerce.{table}").fetchall()]
                for table in ("customers", "orders", "products")}


def audit(root: Path) -> dict[str, Counter]:
    """Each folder's soak deliveries, by hash (a payload file holds one delivery, byte for byte)."""
    found: dict[str, Counter] = {"inbox": Counter(), "processed": Counter(), "quarantine": Counter()}
    for folder, counts in found.items():
        for path in (root / folder).rglob("*.json"):
            if not path.name.startswith("."):
                counts[json.loads(path.read_bytes()).get("hash")] += 1
    return found


def render(r: dict) -> str:
    p = r["pipeline"]
    return "\n".join([
        f"# Webhook soak, {r['when']}", "",
        f"{r['settings']['rate']:g} deliveries/s for {r['settings']['minutes']:g} min "
        f"(achieved {r['achieved_rate']}/s, worst sender lag {r['max_sender_lag_s']} s), "
        f"{r['settings']['poison_share']:.0%} poison; store of {r['store']['orders']:,} orders, API "
        f"{r['api']['latency_ms'][0]:g}-{r['api']['latency_ms'][1]:g} ms, quota {r['api']['quota']} / 30 s; "
        f"{_machine(r['machine'])}", "",
        "| sent | accepted | applied | quarantined | still in inbox | lost | stored twice | receiver peak RSS "
        "| receiver peak threads |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {r['sent']:,} | {r['accepted']:,} | {r['applied']:,} | {r['quarantined']:,} ({r['poison_sent']:,} "
        f"poison sent) | {r['still_in_inbox']:,} | {r['lost']} | {r['stored_twice']} | {r['receiver_peak_rss_mb']} MB "
        f"| {r['receiver_peak_threads']} |", "",
        f"Pipeline: {p['ticks']} sensor ticks, {p['webhook_runs']} webhook runs ({len(p['failed_runs'])} failed), "
        f"{p['events']:,} events, {p['api_requests']:,} API requests; {p['syncs']} incremental syncs "
        f"({len(p['failed_syncs'])} failed); inbox peaked at {p['max_inbox']:,} files and "
        f"{'emptied' if p['drained'] else 'did NOT empty'} {p['drain_s']:.0f} s after the last delivery.",
        f"Receiver log lines by status: {r['receiver_log_statuses']}; sender saw: {r['sender_statuses']}; "
        f"processes left behind: {r['processes_left_behind']}.", "",
    ])


def _machine(m: dict) -> str:
    return f"{m.get('cpus')} cores, {m.get('ram_gib')} GiB, Python {m.get('python')}, commit {m.get('commit')}."


if __name__ == "__main__":
    main()
