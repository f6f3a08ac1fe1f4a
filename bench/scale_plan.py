"""What 1,000 stores need, computed from the many-stores benchmark: `python -m bench.scale_plan` reads
bench/results/many_stores.json and prints the figures docs/scale.md quotes, each with the measured figure it
comes from. The assumptions that are not measurements (how often webhooks arrive, the node size, the run
pod's requests from deploy/helm/values.yaml) are options, printed with the result.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "many_stores.json"
DAY_S = 86_400


def measured(result: dict) -> dict:
    """The per-run figures the plan uses: medians of the no-op phase, the worst peaks of each phase."""
    full, noop = ({p["window"]: p["runs"] for p in result["phases"]}[w] for w in ("full", "incremental"))

    def med(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs if r.get(key) is not None)

    runs = sum(len(p["runs"]) for p in result["phases"])
    return {
        "noop_cpu_s": med(noop, "cpu_s"), "noop_event_rows": med(noop, "event_rows"),
        "noop_peak_rss_mb": max(r["peak_rss_mb"] for r in noop if r.get("peak_rss_mb")),
        "full_cpu_s": med(full, "cpu_s"), "full_peak_rss_mb": max(r["peak_rss_mb"] for r in full if r.get("peak_rss_mb")),
        "pg_bytes_per_run": result["postgres_growth_bytes"] / runs,
        "daemon_cpu_s_per_run": result["control_plane_cpu_s"]["daemon"] / runs,
    }


def plan(m: dict, stores: int, webhook_runs: int, node_cpus: int, node_gib: int, pod_gib: float) -> dict:
    """A run pod gets one core (deploy/helm: requests cpu 1); a run with little to do is CPU-bound (the README's
    quiet no-op sync: wall about its CPU time), so a run holds a pod for about its CPU-seconds."""
    cadences = {"schedule every 5 minutes": stores * DAY_S // 300,
                "webhooks + hourly sweep": stores * (24 + webhook_runs)}
    pods_per_node = min(node_cpus, int(node_gib // pod_gib))
    out: dict = {"measured": m, "pods_per_node": pods_per_node, "cadences": {}}
    for name, runs_per_day in cadences.items():
        pods = math.ceil(runs_per_day * m["noop_cpu_s"] / DAY_S)  # the 5-minute ticks: every period, all stores
        out["cadences"][name] = {
            "runs_per_day": runs_per_day,
            "launches_per_second": round(runs_per_day / DAY_S, 2),
            "cpu_cores": round(runs_per_day * m["noop_cpu_s"] / DAY_S, 1),
            "run_pods_at_once": pods,
            "memory_gib": round(pods * m["noop_peak_rss_mb"] / 1024, 1),
            "nodes": math.ceil(pods / pods_per_node),
            "daemon_cores": round(runs_per_day * m["daemon_cpu_s_per_run"] / DAY_S, 2),
            "event_rows_per_day": int(runs_per_day * m["noop_event_rows"]),
            "event_rows_per_second": round(runs_per_day * m["noop_event_rows"] / DAY_S),
            "postgres_gb_per_day": round(runs_per_day * m["pg_bytes_per_run"] / 1e9, 1),
            "postgres_gb_7_days": round(7 * runs_per_day * m["pg_bytes_per_run"] / 1e9),
            "postgres_gb_30_days": round(30 * runs_per_day * m["pg_bytes_per_run"] / 1e9),
        }
    out["onboarding_full_syncs_core_hours"] = round(stores * m["full_cpu_s"] / 3600, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--webhook-runs", type=int, default=48, help="webhook runs per store per day (assumed)")
    parser.add_argument("--node-cpus", type=int, default=8)
    parser.add_argument("--node-gib", type=int, default=32)
    parser.add_argument("--pod-gib", type=float, default=1.0, help="memory request of a run pod (deploy/helm)")
    args = parser.parse_args()
    result = json.loads(args.results.read_text(encoding="utf-8"))
    print(json.dumps({"assumed": vars(args) | {"results": str(args.results)},
                      **plan(measured(result), args.stores, args.webhook_runs, args.node_cpus, args.node_gib,
                             args.pod_gib)}, indent=1))


if __name__ == "__main__":
    main()
