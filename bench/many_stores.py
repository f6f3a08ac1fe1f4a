"""Many stores through the production queue: `python -m bench.many_stores` (see docs/benchmark.md, docs/scale.md).

Needs a PostgreSQL server (`. .ci/postgres` starts a throwaway one and exports DAGSTER_PG_*). Then:
  * one emulator server (its own process) serves --stores stores of --orders orders, each with its own quota
    and latency (the Pro plan's 450 requests / 30 s, 150-400 ms per request, as bench/run.py's constrained
    store), listed in a stores file;
  * deploy/'s three processes (gRPC code server, webserver, daemon) on a PostgreSQL instance made from
    deploy/dagster.yaml: the queued run coordinator, one run per store, --max-concurrent stores at once
    (default: deploy/dagster.yaml's max_concurrent_runs); the shared Iceberg layer's catalog on the same
    PostgreSQL server (as in production), its files in the work folder;
  * phase `full`: one full sync per store, all submitted at once through the webserver; then phase `noop`: one
    incremental sync per store with nothing new (the fixed cost of a run).
Measured per run: queue + launch time (creation to start), run time (start to end, from the run storage), the
run worker's CPU-seconds and peak RSS (bench/proc_sampler.py on the code server's children), the PostgreSQL
event rows it wrote, the `lake/published` step's time and rows; per phase: wall time, the most runs at once,
and the quota bound (a store cannot sync faster than its quota allows: one request per 250 records per
listing at 15 requests/s). Writes bench/results/many_stores.{md,json} with --write.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import psycopg2
import requests
import yaml

from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.deploy_processes_support import deployment, instance_config, process_env
from bc_pipeline_tests.deploy_support import DEPLOY, PG_VARIABLES
from bc_pipeline_tests.process_support import free_port, stop_group, wait_for
from bench.machine import machine_info
from bench.many_stores_report import write_results
from bench.proc_sampler import Sampler, cpu_seconds
from bench.sizes import PRO_QUOTA, PRO_WINDOW_S, min_requests, parse_size, quota_bound_s, shape_for

LATENCY_MS = (150, 400)
PID_PREFIX = "Started process for run (pid: "


def emulator_stores(count: int, orders: int) -> list[dict]:
    shape = shape_for(orders)
    return [{"store_hash": f"store{i:03d}", "access_token": f"token-{i:03d}-0123456789", "seed": 100 + i,
             "orders": orders, "customers": shape.customers, "products": shape.products,
             "categories": shape.categories, "brands": shape.brands, "quota": PRO_QUOTA,
             "window_ms": PRO_WINDOW_S * 1000, "latency_ms": list(LATENCY_MS)} for i in range(count)]


def start_emulator(stores: list[dict], workdir: Path) -> tuple[subprocess.Popen, str]:
    """The emulator server in its own process (its CPU is not the runs'); (process, API URL)."""
    (workdir / "emulator.yaml").write_text(yaml.safe_dump({"stores": stores}), encoding="utf-8")
    port = free_port()
    with (workdir / "emulator.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bc_pipeline", "emulator", "--port", str(port),
                                 "--stores-file", str(workdir / "emulator.yaml")], cwd=DEPLOY.parent,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, f"the emulator exited: {(workdir / 'emulator.log').read_text()[-2000:]}"
        try:
            return requests.get(f"{url}/stores/{stores[0]['store_hash']}/v3/catalog/brands", timeout=2).status_code == 401
        except requests.RequestException:
            return False

    wait_for(up, 1800, "the emulator to generate its stores", 2.0)
    return proc, url


def stores_file(stores: list[dict], api_url: str, workdir: Path) -> tuple[Path, dict[str, str]]:
    """bc_pipeline's stores file for the emulator's stores, and the token variables it names."""
    entries, tokens = [], {}
    for s in stores:
        label = s["store_hash"]
        tokens[f"{label.upper()}_TOKEN"] = s["access_token"]
        entries.append({"label": label, "store_hash": s["store_hash"], "token_env": f"{label.upper()}_TOKEN",
                        "start_date": "2020-01-01", "api_url": api_url,
                        "duckdb_path": str(workdir / "data" / f"{label}.duckdb")})
    path = workdir / "stores.yaml"
    path.write_text(yaml.safe_dump({"stores": entries}), encoding="utf-8")
    return path, tokens


def run_phase(deploy, labels: list[str], window: str, sampler: Sampler, pg: dict) -> dict:
    """Submit one sync per store at once; wait for all; the phase's figures and one entry per run."""
    started = time.time()
    run_ids = [deploy.submit_sync(label, window, tags={"bc/bench": window}) for label in labels]
    records = deploy.wait_finished(run_ids, 6 * 3600)
    time.sleep(2 * sampler.every_s)  # the last samples of the last runs
    runs = [run_entry(deploy.instance, r, sampler) for r in records]
    rows = event_rows(pg, run_ids)
    for run in runs:
        run["event_rows"] = rows.get(run["run_id"], 0)
    return {"window": window, "wall_s": round(max(r.end_time for r in records) - started, 1),
            "max_runs_at_once": most_at_once(records), "runs": runs}


def run_entry(instance: dg.DagsterInstance, record, sampler: Sampler) -> dict:
    run = record.dagster_run
    events = instance.all_logs(run.run_id)
    pid = worker_pid(events)
    usage = sampler.usage.get(pid) if pid else None
    publish = next((s for s in instance.get_run_step_stats(run.run_id) if "lake" in s.step_key), None)
    created = record.create_timestamp.timestamp()
    return {"run_id": run.run_id, "store": run.tags["bc/store"], "status": run.status.value,
            "queue_and_launch_s": round(record.start_time - created, 2),
            "run_s": round(record.end_time - record.start_time, 2),
            "cpu_s": round(usage.cpu_s, 2) if usage else None,
            "peak_rss_mb": round(usage.peak_rss_mb, 1) if usage else None,
            "publish_s": round(publish.end_time - publish.start_time, 2) if publish and publish.end_time else None,
            "start": record.start_time, "end": record.end_time}


def worker_pid(events: list) -> int | None:
    """The run worker's pid, from the code server's "Started process for run (pid: N)." event."""
    for entry in events:
        if entry.dagster_event_type == dg.DagsterEventType.ENGINE_EVENT and (entry.message or "").startswith(PID_PREFIX):
            return int(entry.message[len(PID_PREFIX):].split(")")[0])
    return None


def event_rows(pg: dict, run_ids: list[str]) -> dict[str, int]:
    with psycopg2.connect(**pg_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute("SELECT run_id, count(*) FROM event_logs WHERE run_id = ANY(%s) GROUP BY run_id", (run_ids,))
        return dict(cur.fetchall())


def database_bytes(pg: dict) -> int:
    with psycopg2.connect(**pg_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        return cur.fetchone()[0]


def pg_connect(pg: dict) -> dict:
    return {"host": pg["DAGSTER_PG_HOST"], "port": int(pg["DAGSTER_PG_PORT"]), "user": pg["DAGSTER_PG_USER"],
            "password": pg["DAGSTER_PG_PASSWORD"], "dbname": pg["DAGSTER_PG_DB"]}


def most_at_once(records) -> int:
    edges = sorted([(r.start_time, 1) for r in records] + [(r.end_time, -1) for r in records])
    now = most = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


def store_bound_s(db: Path) -> float:
    """The quota bound of one store's full sync, from what landed (a full sync lands the store exactly)."""
    tables = {"customers": "customers", "subscribers": "subscribers", "orders": "orders", "products": "products",
              "variants": "variants", "categories": "categories", "brands": "brands",
              "order_statuses": "order_statuses"}
    with warehouse_connection(db, read_only=True) as conn:
        truth = {name: conn.execute(f"SELECT count(*) FROM bigcommerce.{table}").fetchone()[0]
                 for name, table in tables.items()}
    return quota_bound_s(sum(min_requests(truth).values()))


def measure(args: argparse.Namespace, pg: dict, workdir: Path) -> dict:
    stores = emulator_stores(args.stores, args.orders)
    emulator, api_url = start_emulator(stores, workdir)
    try:
        path, tokens = stores_file(stores, api_url, workdir)
        catalog = ("postgresql+psycopg2://{DAGSTER_PG_USER}:{DAGSTER_PG_PASSWORD}@{DAGSTER_PG_HOST}:"
                   "{DAGSTER_PG_PORT}/{DAGSTER_PG_DB}").format(**pg)
        env = process_env(pg, BC_STORES_FILE=str(path), BC_LAKE_CATALOG_URI=catalog,
                          BC_LAKE_WAREHOUSE=str(workdir / "lake"), BC_WEBHOOK_DIR=str(workdir / "webhooks"),
                          BC_WEBHOOK_SENSOR_RUNNING="false", **tokens)
        config = instance_config(**({"max_concurrent_runs": args.max_concurrent} if args.max_concurrent else {}))
        labels = [s["store_hash"] for s in stores]
        with deployment(env, workdir, config) as deploy:
            control = {name: p.pid for name, p in deploy.processes.items()}
            control_cpu = {name: cpu_seconds(pid) for name, pid in control.items()}
            bytes_before = database_bytes(pg)
            with Sampler(control["code"]) as sampler:
                phases = [run_phase(deploy, labels, "full", sampler, pg),
                          run_phase(deploy, labels, "incremental", sampler, pg)]
            control_cpu = {name: round(cpu_seconds(pid) - control_cpu[name], 1) for name, pid in control.items()
                           if name != "code"}
            database_growth = database_bytes(pg) - bytes_before
        emulator_cpu = cpu_seconds(emulator.pid)
    finally:
        stop_group(emulator)
    bounds = [store_bound_s(workdir / "data" / f"{label}.duckdb") for label in labels]
    return {"stores": args.stores, "orders": args.orders, "latency_ms": list(LATENCY_MS),
            "quota": f"{PRO_QUOTA} / {PRO_WINDOW_S} s", "max_concurrent_runs": config["run_coordinator"]["config"]
            ["max_concurrent_runs"], "store_quota_bound_s": round(max(bounds), 1), "phases": phases,
            "control_plane_cpu_s": control_cpu, "emulator_cpu_s": round(emulator_cpu, 1),
            "postgres_growth_bytes": database_growth, "machine": machine_info(DEPLOY.parent)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--orders", type=parse_size, default=parse_size("10k"))
    parser.add_argument("--max-concurrent", type=int, default=0,
                        help="max_concurrent_runs (default: deploy/dagster.yaml's)")
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: a temporary folder)")
    parser.add_argument("--write", action="store_true", help="write bench/results/many_stores.{md,json}")
    args = parser.parse_args()
    missing = [v for v in PG_VARIABLES if not os.environ.get(v)]
    if missing:
        raise SystemExit(f"Error: no PostgreSQL server ({', '.join(missing)} not set): run `. .ci/postgres` first")
    pg = {v: os.environ[v] for v in PG_VARIABLES}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped (SIGTERM)"))  # still stop what we started
    with tempfile.TemporaryDirectory(prefix="many_stores_") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        result = measure(args, pg, workdir)
        (workdir / "many_stores.json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "phases"}, indent=1))
    print(write_results(result, write=args.write))


if __name__ == "__main__":
    main()
