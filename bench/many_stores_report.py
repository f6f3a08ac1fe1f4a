"""The many-stores benchmark's results as a Markdown table (and JSON): per phase, the wall time against the
quota bound, and the median and maximum of each per-run figure."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
FIGURES = (  # key, label
    ("queue_and_launch_s", "queue + launch (s)"),
    ("run_s", "run (s)"),
    ("cpu_s", "run worker CPU (s)"),
    ("peak_rss_mb", "run worker peak RSS (MB)"),
    ("event_rows", "PostgreSQL event rows"),
    ("publish_s", "publish to the lake (s)"),
)


def summary(runs: list[dict], key: str) -> tuple[float, float] | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return (statistics.median(values), max(values)) if values else None


def phase_summary(result: dict, phase: dict) -> dict:
    runs, bound = phase["runs"], result["store_quota_bound_s"]
    waves = math.ceil(result["stores"] / result["max_concurrent_runs"])
    figures = {key: summary(runs, key) for key, _ in FIGURES}
    return {"window": phase["window"], "wall_s": phase["wall_s"], "runs": len(runs),
            "succeeded": sum(r["status"] == "SUCCESS" for r in runs), "max_runs_at_once": phase["max_runs_at_once"],
            "sum_run_s": round(sum(r["run_s"] for r in runs), 1),
            "quota_bound_overlapped_s": round(waves * bound, 1), "quota_bound_serialised_s": round(
                result["stores"] * bound, 1), **{k: v for k, v in figures.items()}}


def markdown(result: dict) -> str:
    head = (f"# Many stores through the queue\n\n{result['stores']} emulator stores of {result['orders']:,} orders, "
            f"each its own quota ({result['quota']}) and latency ({result['latency_ms'][0]}-"
            f"{result['latency_ms'][1]} ms per request); deploy/'s processes on PostgreSQL, queued run "
            f"coordinator, one run per store, max_concurrent_runs {result['max_concurrent_runs']}. One store's "
            f"full sync needs at least {result['store_quota_bound_s']} s at its quota.\n\n"
            f"Machine: {', '.join(f'{k} {v}' for k, v in result['machine'].items())}\n\n")
    lines = ["| phase | runs (ok) | wall (s) | quota bound, stores overlapped / serialised (s) | most at once | "
             + " | ".join(f"{label} median / max" for _, label in FIGURES) + " |",
             "|---" * (5 + len(FIGURES)) + "|"]
    for phase in result["phases"]:
        s = phase_summary(result, phase)
        cells = [f"{v[0]:g} / {v[1]:g}" if v else "n/a" for v in (s[k] for k, _ in FIGURES)]
        lines.append(f"| {s['window']} | {s['runs']} ({s['succeeded']}) | {s['wall_s']} | "
                     f"{s['quota_bound_overlapped_s']} / {s['quota_bound_serialised_s']} | {s['max_runs_at_once']} | "
                     + " | ".join(cells) + " |")
    tail = (f"\nControl plane CPU over both phases (s): {result['control_plane_cpu_s']} (the code server's own "
            f"CPU is not split from its run workers'); emulator CPU {result['emulator_cpu_s']} s; PostgreSQL grew "
            f"{result['postgres_growth_bytes'] / 1e6:.1f} MB over {sum(len(p['runs']) for p in result['phases'])} "
            "runs.\n")
    return head + "\n".join(lines) + "\n" + tail


def write_results(result: dict, *, write: bool) -> str:
    text = markdown(result)
    if write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "many_stores.md").write_text(text, encoding="utf-8")
        data = {**result, "summaries": [phase_summary(result, p) for p in result["phases"]]}
        (RESULTS / "many_stores.json").write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    return text
