"""The Markdown of the named scenarios against the download-only floor, and the cell formats the floor tables
share (report_sizes.py, report_targets.py).

The floors (bench/floor.py) are measured on the same store in the same run, just before bc_pipeline; a ratio
is of those two wall times. CPU per 1,000 records is the sync process's CPU-seconds (user + system) over the
rows it landed.
"""

from __future__ import annotations

from typing import Any


def _s(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}{unit}" if abs(value) < 10 else f"{value:,.1f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return str(value)


def _ratio(a: Any, b: Any) -> str:
    return f"{a / b:.2f}x" if isinstance(a, int | float) and isinstance(b, int | float) and b else "–"


def scenario_lines(results: dict[str, Any]) -> list[str]:
    rows = []
    for sc in results.get("scenarios", []):
        bc, floor, replay = sc["bc_pipeline"], sc.get("floor", {}), sc.get("replay_floor", {})
        fair = sc.get("floor_completed") or {}
        rows.append(
            f"| {sc.get('title', sc['scenario'])} | {_s(floor.get('wall_s'), ' s')} ({_s(floor.get('pages'))}) "
            f"| {_s(fair.get('wall_s'), ' s')} ({_s(fair.get('pages'))}) "
            f"| {_s(replay.get('wall_s'), ' s')} ({_s(replay.get('pages'))}) | {_s(bc.get('wall_s'), ' s')} "
            f"| {_s(bc.get('api_span_s'), ' s')} | {_ratio(bc.get('wall_s'), floor.get('wall_s'))} / "
            f"{_ratio(bc.get('api_span_s'), floor.get('wall_s'))} | {_ratio(bc.get('wall_s'), fair.get('wall_s'))} "
            f"/ {_ratio(bc.get('api_span_s'), fair.get('wall_s'))} | {_ratio(bc.get('wall_s'), replay.get('wall_s'))}"
            f" / {_ratio(bc.get('api_span_s'), replay.get('wall_s'))} | {_s(bc.get('requests'))} "
            f"({_s(sc.get('min_requests_total'))}) | {', '.join(map(str, bc.get('requests_per_window', [])))} "
            f"| {_s(bc.get('median_latency_ms'), ' ms')} | {_s(bc.get('cpu_s_per_1k_records'))} "
            f"| {_s(bc.get('peak_rss_mb'))} |")
    if not rows:
        return []
    return ["", "## Named scenarios", "",
            "Each on its own store (bench/scenarios.py): the floor on the minimum pages, the floor on the "
            "minimum pages + the completions the store makes necessary, bc_pipeline's full "
            "`bc-pipeline sync`, then the floor replaying exactly the requests that sync made (its own request "
            "list, all at once); each starts in a fresh quota window. Ratios are wall / floor and API phase "
            "(first to last request) / floor. Measured: " + "; ".join(
                f"{sc.get('title', sc['scenario'])} at {sc.get('measured_utc', '?')}, commit {sc.get('commit', '?')}"
                for sc in results.get("scenarios", [])) + ".",
            "", "| scenario | floor, minimum pages (pages) | floor, + completions (requests) "
            "| floor, the sync's requests (requests) "
            "| bc_pipeline wall | API phase | x floor (wall / API) | x floor + completions (wall / API) "
            "| x replay floor (wall / API) "
            "| requests (min) | requests per 30 s window | median latency | CPU s / 1k records | peak RSS MB |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|", *rows]
