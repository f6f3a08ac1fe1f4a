"""The Markdown of each size side by side: per plan, the two floors, bc_pipeline and the peers.

One table per size; its rows are the stores of that size (unconstrained, Pro, Standard) and on each the
clients measured there, in the same run: the floor on the minimum pages, the floor on the minimum pages + the
completions the store makes necessary (bench/floor.py), bc_pipeline's full sync and each peer (a cut peer by
its projection, as the peers table below explains). Every wall time is read against both floors of its store.
"""

from __future__ import annotations

from typing import Any

from bench import compare
from bench.report_floor import _ratio, _s

PLANS = {"unconstrained": "unconstrained", "constrained": "Pro", "standard": "Standard"}


def size_lines(results: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for size in results.get("sizes", []):
        rows = [row for mode in PLANS for row in _rows(size, mode)]
        if not rows:
            continue
        needed = size.get("completions_needed") or {}
        out += ["", f"### {size['size']} orders", "",
                "Completions the store makes necessary: " + (", ".join(
                    f"{_s(n)} {name.replace('_', ' ')}" for name, n in needed.items()) or "–") + ".", "",
                "| plan | client | requests | wall s | x floor (minimum pages) | x floor (+ completions) "
                "| CPU s / 1k records | peak RSS MB |", "|---|---|---|---|---|---|---|---|", *rows]
    if not out:
        return []
    return ["", "## Every size side by side", "",
            "Per size and plan, measured on the same store in the same run, one after the other, each from a "
            "fresh quota window: the download-only floor on the minimum pages (one per 250 records per "
            "listing), the floor on the minimum pages + the completions the store makes necessary (one "
            "request per order whose line items were truncated at 50 per consignment, the customers' "
            "addresses and attribute values past the 10 inline, packed by `customer_id:in`), bc_pipeline's "
            "full `bc-pipeline sync` (whole process) and the peers (a cut run by its projected wall time and "
            "requests, marked ~). CPU is the process's CPU-seconds per 1,000 rows landed.", *out]


def _rows(size: dict[str, Any], mode: str) -> list[str]:
    floor = (size.get("floor") or {}).get(mode)
    completed = (size.get("floor_completed") or {}).get(mode) or {}
    full = size.get("bc_pipeline", {}).get(mode, {}).get("full")
    if not floor and not full:
        return []
    base, fair = (floor or {}).get("wall_s"), completed.get("wall_s")
    plan = PLANS[mode]

    def row(client: str, requests: str, wall: Any, cpu: Any = None, rss: Any = None, mark: str = "") -> str:
        shown = f"{mark}{_s(wall)}" if wall is not None else _s(wall)
        return (f"| {plan} | {client} | {requests} | {shown} | {_ratio(wall, base)} | {_ratio(wall, fair)} "
                f"| {_s(cpu)} | {_s(rss)} |")

    rows = []
    if floor:
        rows.append(row("floor, minimum pages", _s(floor.get("requests")), floor.get("wall_s")))
    if completed:
        rows.append(row("floor, + completions", _s(completed.get("requests")), completed.get("wall_s")))
    if full:
        wall = full.get("wall_s") if full.get("status") == "complete" else None
        rows.append(row("bc_pipeline" + ("" if wall else f" ({full.get('status')})"), _s(full.get("requests")),
                        wall, full.get("cpu_s_per_1k_records"), full.get("peak_rss_mb")))
    for peer, modes in size.get("peers", {}).items():
        view = modes.get(mode) if isinstance(modes, dict) else None
        if view:
            rows.append(_peer_row(peer, view, row))
    return rows


def _peer_row(peer: str, view: dict[str, Any], row) -> str:
    if not compare.was_cut(view):
        return row(peer, _s(view.get("requests")), view.get("wall_s"))
    wall = view.get("projected_wall_s")
    mark = "≥ " if view.get("projection_is_lower_bound") else "~"
    requests = f"~{_s(view.get('projected_requests'))}" if view.get("projected_requests") else "–"
    return row(f"{peer} (cut at {_s(view.get('wall_s'))} s, projected)", requests, wall, mark=mark)
