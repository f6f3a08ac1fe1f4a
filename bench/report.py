"""Write the benchmark's results: the full JSON and a short Markdown table with the machine it ran on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_results(results: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "latest.json", out_dir / "latest.md"
    _atomic_write(json_path, json.dumps(results, indent=2, sort_keys=False) + "\n")
    _atomic_write(md_path, markdown(results))
    return json_path, md_path


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def _s(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark: latest results",
        "",
        f"Machine: {m['cpus']} CPUs, {m['ram_gib']} GiB RAM, Python {m['python']}, {m['os']}; "
        f"{m['date_utc']}; commit {m['commit']}.",
        "Constrained = emulator latency 150-400 ms per request and the Pro quota (450 requests / 30 s); "
        "unconstrained = no latency, no quota. Command: `" + results["command"] + "`.",
        "Sizes measured: " + ", ".join(f"{z['size']} at {z.get('measured_utc', '?')} (load average "
                                       f"{z.get('load_avg_1m_start')} -> {z.get('load_avg_1m_end')})"
                                       for z in results["sizes"])
        + ". Store per size: orders, customers = orders/4, products = orders/20 (about 3.6 variants each).",
        "",
        "## bc_pipeline",
        "",
        "| size | status | requests (min) | wall constrained (quota bound) | ratio to bound | rec/s unconstrained "
        "| peak RSS MB | incremental after 1% (requests, wall) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in results["sizes"]:
        bc = size.get("bc_pipeline", {})
        full_c = bc.get("constrained", {}).get("full", {})
        full_u = bc.get("unconstrained", {}).get("full", {})
        inc = bc.get("constrained", {}).get("incremental", {}) or bc.get("unconstrained", {}).get("incremental", {})
        status = full_c.get("status") or full_u.get("status") or "not run"
        lines.append(
            f"| {size['size']} | {status} | {_s(full_c.get('requests', full_u.get('requests')))} "
            f"({_s(size['min_requests_total'])}) | {_s(full_c.get('wall_s'))} s ({_s(size['quota_bound_s'])} s) "
            f"| {_s(full_c.get('ratio_to_bound'))} | {_s(full_u.get('records_per_s'))} "
            f"| {_s(full_u.get('peak_rss_mb'))} | {_s(inc.get('requests'))}, {_s(inc.get('wall_s'))} s |"
        )
    lines += [
        "",
        "## Peers on the same stores",
        "",
        "Records are what each emitted; *missing* is the store's truth minus that for streams that ran to their "
        "end (never counted as speed); *cut* marks streams stopped by the time budget. A cut run shows a "
        "projected wall time (scaled from its complete run on the reference store, see docs/benchmark.md).",
        "",
        "| size | peer | mode | status | wall s | projected s | requests | req/order (sub-resources) "
        "| customers | orders | line items | products | variants | x bc_pipeline wall |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in results["sizes"]:
        truth = size["truth"]
        lines.append(
            f"| {size['size']} | *store truth* | | | | | {_s(size['min_requests_total'])} (min) | "
            f"| {_s(truth.get('customers'))} | {_s(truth.get('orders'))} | {_s(truth.get('line_items'))} "
            f"| {_s(truth.get('products'))} | {_s(truth.get('variants'))} | |"
        )
        for peer, modes in size.get("peers", {}).items():
            if isinstance(modes, str):
                lines.append(f"| {size['size']} | {peer} | | {modes} | | | | | | | | | | |")
                continue
            for mode, r in modes.items():
                rec, miss, cut = r.get("records", {}), r.get("missing", {}), r.get("not_reached_before_cut", {})

                def cell(kind: str, rec=rec, miss=miss, cut=cut) -> str:
                    got = _s(rec.get(kind, 0))
                    if kind in cut:
                        return f"{got} (cut)"
                    return f"{got} (**{_s(miss[kind])} missing**)" if miss.get(kind) else got

                lines.append(
                    f"| {size['size']} | {peer} | {mode} | {r['status']} | {_s(r.get('wall_s'))} "
                    f"| {_s(r.get('projected_wall_s'))} | {_s(r.get('requests'))} "
                    f"| {_s(r.get('requests_per_order_for_sub_resources'))} | {cell('customers')} | {cell('orders')} "
                    f"| {cell('line_items')} | {cell('products')} | {cell('variants')} "
                    f"| {_s(r.get('ratio_to_bc_pipeline'))} |"
                )
    peer_notes = sorted({f"{size['size']} {peer} {mode}: {note}" for size in results["sizes"]
                         for peer, modes in size.get("peers", {}).items() if isinstance(modes, dict)
                         for mode, r in modes.items() for note in r.get("notes", [])})
    size_notes = [f"{size['size']}: {note}" for size in results["sizes"] for note in size.get("notes", [])]
    notes = (results.get("notes") or []) + size_notes + peer_notes
    if notes:
        lines += ["", "Notes:", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"
