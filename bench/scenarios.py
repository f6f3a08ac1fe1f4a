"""Named scenarios: one store under one set of API conditions, bc_pipeline against the download-only floor.

Each scenario builds its emulator store (own process), runs the floor client (bench/floor.py, own process)
on the minimum pages and on the minimum pages + the completions the store makes necessary, then a full
`bc-pipeline sync` (bench/pipeline_step.py) against it, and keeps the sync's request timeline from the
emulator's log (when each request arrived, how long it took, what it asked for), so a gap where round trips
serialize shows. The ratio to the floor is of two measurements on the same store in the
same run. `python -m bench.run` runs them after the sizes; `python -m bench.scenarios` runs them alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import pipeline_step, sizes
from bench.machine import machine_info
from bench.store_process import REPO, Constraints, StoreProcess

START_DATE = "2020-12-31"
STANDARD = (150, 30_000)  # BigCommerce Standard plan: 150 requests per 30 s
PRO = (450, 30_000)  # Pro: 450 per 30 s


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    orders: int
    constraints: Constraints


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("2k_pro", "2,000 orders, 200 ms, Pro", 2_000, Constraints("pro_200ms", (200.0, 200.0), *PRO)),
        Scenario("50k_standard", "50k orders, 200 ms, Standard", 50_000, Constraints("standard_200ms", (200.0, 200.0), *STANDARD)),
    )
}


def run_floor(store: StoreProcess, counts: dict[str, int], replay: list[list] | None = None,
              limit_s: float = 3600.0, completions: dict[str, list[list[int]]] | None = None) -> dict:
    """The floor client in its own process, against `store`: the minimum pages, with `completions` (the
    store's `completions` answer) also the requests they make necessary, or with `replay` (timeline entries
    of a sync) exactly that sync's requests; returns its JSON line."""
    extra: list[str] = []
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        if replay is not None:
            json.dump([[path, query] for _t, _lat, status, _ep, path, query in replay if status != 429], f)
            extra = ["--replay", f.name]
        elif completions is not None:
            json.dump(completions, f)
            extra = ["--completions", f.name]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.floor", store.api_url, store.store_hash, store.access_token,
             json.dumps(counts), *extra], cwd=REPO, capture_output=True, text=True, timeout=limit_s, check=False)
    finally:
        Path(f.name).unlink(missing_ok=True)
    if done.returncode != 0:
        return {"status": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][-300:]}
    return {"status": "complete", **json.loads(done.stdout.strip().splitlines()[-1])}


def run_floors(store: StoreProcess, truth: dict[str, int], log=print) -> dict:
    """Both floors on `store`, each from a fresh quota window (and one left fresh for the next client): the
    minimum pages, then the minimum pages + the completions the store makes necessary."""
    needed = store.command("completions")
    floor = run_floor(store, truth)
    log(f"[floor, minimum pages] {floor}")
    fresh_window(store)
    completed = run_floor(store, truth, completions=needed)
    log(f"[floor, minimum pages + completions] {completed}")
    fresh_window(store)
    return {"floor": floor, "floor_completed": completed,
            "completions_needed": {name: len(records) for name, records in needed.items()}}


def fresh_window(store: StoreProcess) -> None:
    """Wait out the quota window the previous client left, so the next one starts with a whole window."""
    if store.constraints.quota:
        time.sleep(store.constraints.window_ms / 1000 + 0.5)


def gaps(timeline: list[list], window_s: float) -> dict:
    """Requests per window of the quota, from the timeline: how each window was used."""
    per_window: dict[int, int] = {}
    for t, _latency, status, *_ in timeline:
        if status != 429:
            per_window[int(t // window_s)] = per_window.get(int(t // window_s), 0) + 1
    latencies = sorted(entry[1] for entry in timeline)
    return {"requests_per_window": [per_window.get(i, 0) for i in range(max(per_window, default=-1) + 1)],
            "median_latency_ms": latencies[len(latencies) // 2] if latencies else None,
            "throttled_429": sum(1 for entry in timeline if entry[2] == 429)}


def run_scenario(scenario: Scenario, seed: int, workdir: Path, limit_s: float, log=print) -> dict:
    shape = sizes.shape_for(scenario.orders)
    c = scenario.constraints
    log(f"== scenario {scenario.title}: starting the emulator store")
    started = time.monotonic()
    with StoreProcess(shape, c, seed, log_path=workdir / "emulator.log") as store:
        truth = store.command("truth")
        mins = sizes.min_requests(truth)
        floors = run_floors(store, truth, log)
        floor = floors["floor"]
        store.command("clear")
        sync = pipeline_step.run_sync(store, workdir, START_DATE, limit_s)
        timeline = store.command("timeline")["requests"]
        served = store.command("log")
        fresh_window(store)
        replayed = run_floor(store, truth, replay=timeline)
        log(f"[floor, the sync's own requests] {replayed}")
    landed = sum(sync.rows.values())
    view = {"status": sync.status, "wall_s": round(sync.wall_s, 2), "cpu_s": round(sync.cpu_s, 2),
            "peak_rss_mb": round(sync.peak_rss_mb, 1), "requests": served["requests"],
            "requests_by_endpoint": served["by_endpoint"], "api_span_s": round(served.get("span_s", 0.0), 2),
            "records_landed": landed,
            "cpu_s_per_1k_records": round(1000 * sync.cpu_s / landed, 3) if landed else None,
            **gaps(timeline, c.window_ms / 1000)}
    for name, measured in (("floor", floor), ("floor_completed", floors["floor_completed"]),
                           ("replay_floor", replayed)):
        if measured.get("status") == "complete" and sync.status == "complete":
            view[f"ratio_to_{name}"] = round(sync.wall_s / measured["wall_s"], 2)
            view[f"api_span_ratio_to_{name}"] = round(view["api_span_s"] / measured["wall_s"], 2)
    log(f"[bc_pipeline] {sync.status} in {sync.wall_s:.1f}s (API span {view['api_span_s']}s), "
        f"{served['requests']} requests; floor {floor.get('wall_s')}s")
    machine = machine_info(REPO)
    return {"scenario": scenario.name, "title": scenario.title, "measured_utc": machine["date_utc"],
            "commit": machine["commit"], "orders": scenario.orders, "constraints": asdict(c), "seed": seed,
            "shape": asdict(shape), "truth": truth, "min_requests_total": sum(mins.values()),
            "floor": floor, "floor_completed": floors["floor_completed"],
            "completions_needed": floors["completions_needed"], "replay_floor": replayed, "bc_pipeline": view,
            "timeline": [entry[:4] for entry in timeline], "run_time_s": round(time.monotonic() - started, 1)}


def run_all(names: list[str], seed: int, limit_s: float, log=print) -> list[dict]:
    out = []
    for name in names:
        with tempfile.TemporaryDirectory(prefix="bcbench_scenario_") as tmp:
            out.append(run_scenario(SCENARIOS[name], seed, Path(tmp), limit_s, log))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenario names")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--sync-time-limit", type=float, default=3600.0)
    p.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = p.parse_args(argv)
    results = run_all([n.strip() for n in args.only.split(",") if n.strip()], args.seed, args.sync_time_limit)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))
    for r in results:
        print(json.dumps({k: v for k, v in r["bc_pipeline"].items() if k != "requests_by_endpoint"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
