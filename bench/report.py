"""Write the benchmark's results: the full JSON and a short Markdown table with the machine it ran on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import compare, sizes, sync_progress
from bench.report_floor import scenario_lines
from bench.report_sizes import size_lines
from bench.report_targets import target_lines


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
        *target_lines(results),
        "",
        "Constrained = emulator latency 150-400 ms per request and the Pro quota (450 requests / 30 s); "
        "Standard = the same latency and the Standard quota (150 requests / 30 s); "
        "unconstrained = no latency, no quota. Command: `" + results["command"] + "`.",
        "Sizes measured: " + ", ".join(f"{z['size']} at {z.get('measured_utc', '?')}, commit {z.get('commit', '?')} "
                                       f"(load average {z.get('load_avg_1m_start')} -> {z.get('load_avg_1m_end')})"
                                       for z in results["sizes"])
        + ". Store per size: orders, customers = orders/4, products = orders/20 (about 3.6 variants each).",
        "",
        "## bc_pipeline",
        "",
        "Wall times are end to end (`bc-pipeline sync` from process start to exit). *Fixed* is the wall time of a "
        "sync with nothing to fetch (run right after the incremental one): start-up, the Dagster run, the "
        "mapped-table rebuild and exit, which every wall time includes; *API phase* is the emulator's first to last request of the constrained full "
        "sync. Time shares are of the unconstrained full sync's phase thread-seconds (fetch summed over "
        "concurrent fetch threads), not of wall time.",
        "",
        "| size | status | requests (min) | wall constrained (quota bound) | ratio to bound (target 1.15) "
        "| fixed s (no-op sync) "
        "| API phase s | rec/s unconstrained | time shares unconstrained | peak RSS MB "
        "| incremental after 1% (requests, wall) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in results["sizes"]:
        bc = size.get("bc_pipeline", {})
        full_c = bc.get("constrained", {}).get("full", {})
        full_u = bc.get("unconstrained", {}).get("full", {})
        inc = bc.get("constrained", {}).get("incremental", {}) or bc.get("unconstrained", {}).get("incremental", {})
        noop = bc.get("unconstrained", {}).get("noop") or bc.get("constrained", {}).get("noop") or {}
        status = full_c.get("status") or full_u.get("status") or "not run"
        fixed = f"{_s(noop.get('wall_s'))} ({_s(noop.get('requests'))} req)" if noop.get("status") == "complete" \
            else _s(noop.get("status"))
        lines.append(
            f"| {size['size']} | {status} | {_s(full_c.get('requests', full_u.get('requests')))} "
            f"({_s(size['min_requests_total'])}) | {_s(full_c.get('wall_s'))} s ({_s(size['quota_bound_s'])} s) "
            f"| {_s(full_c.get('ratio_to_bound'))} | {fixed} | {_s(full_c.get('api_span_s'))} "
            f"| {_s(full_u.get('records_per_s'))} | {_s(sync_progress.compact(full_u.get('time_shares')))} "
            f"| {_s(full_u.get('peak_rss_mb'))} | {_s(inc.get('requests'))}, {_s(inc.get('wall_s'))} s |"
        )
    lines += _bc_footnotes(results["sizes"])
    lines += size_lines(results) + scenario_lines(results)
    lines += [
        "",
        "## Peers on the same stores",
        "",
        "Records are what each emitted; *missing* is the store's truth minus that for streams that ran to their "
        "end (never counted as speed); *cut* marks streams stopped by the time budget. A cut run shows a "
        "projected wall time (scaled from its complete run on the reference store, see docs/benchmark.md); "
        "its x bc_pipeline ratio uses that projection, never the time it was allowed.",
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

                cut_run = compare.was_cut(r)
                wall = f"{_s(r.get('wall_s'))} (cut)" if cut_run else _s(r.get("wall_s"))
                projected = _s(r.get("projected_wall_s")) if not cut_run or r.get("projected_wall_s") \
                    else "none (cut)"
                ratio = _s(r.get("ratio_to_bc_pipeline"))
                if r.get("projection_is_lower_bound"):  # see compare.ratio_to_bc_pipeline
                    projected = f"≥ {projected}"
                    ratio = f"≥ {ratio}" if r.get("ratio_to_bc_pipeline") else ratio
                requests = f"{_s(r.get('requests'))} (cut)" if cut_run else _s(r.get("requests"))
                lines.append(
                    f"| {size['size']} | {peer} | {mode} | {r['status']} | {wall} "
                    f"| {projected} | {requests} "
                    f"| {_s(r.get('requests_per_order_for_sub_resources'))} | {cell('customers')} | {cell('orders')} "
                    f"| {cell('line_items')} | {cell('products')} | {cell('variants')} "
                    f"| {ratio} |"
                )
    lines += _run_time_lines(results)
    peer_notes = sorted({f"{size['size']} {peer} {mode}: {note}" for size in results["sizes"]
                         for peer, modes in size.get("peers", {}).items() if isinstance(modes, dict)
                         for mode, r in modes.items() for note in r.get("notes", [])})
    size_notes = [f"{size['size']}: {note}" for size in results["sizes"] for note in size.get("notes", [])]
    notes = (results.get("notes") or []) + size_notes + peer_notes
    if notes:
        lines += ["", "Notes:", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def _bc_footnotes(entries: list[dict[str, Any]]) -> list[str]:
    """Peak RSS 1M over 100k against the 1.5x target (when both are in the results), and what the time shares
    column shows."""
    out: list[str] = []
    by_orders = {sizes.parse_size(e["size"]): e for e in entries}
    small, large = by_orders.get(100_000), by_orders.get(1_000_000)
    if small and large:
        parts = []
        for mode in ("unconstrained", "constrained"):
            a = small.get("bc_pipeline", {}).get(mode, {}).get("full", {}).get("peak_rss_mb")
            b = large.get("bc_pipeline", {}).get(mode, {}).get("full", {}).get("peak_rss_mb")
            if a and b:
                parts.append(f"{b / a:.2f}x {mode} ({b:,.0f} / {a:,.0f} MB)")
        if parts:
            out.append("- Peak RSS, 1m over 100k full sync: " + ", ".join(parts) + "; target at most 1.5x.")
    shares = [e.get("bc_pipeline", {}).get("unconstrained", {}).get("full", {}).get("time_shares") or {}
              for e in entries]
    if any(s and not s.get("all_streams") for s in shares):
        out.append("- Time shares name the stream they are of: the CLI's progress lines give each stream's shares "
                   "as percentages only, so streams cannot be weighted together honestly; the largest stream "
                   "(by records) is shown. Every stream's shares are in latest.json.")
    return [""] + out if out else []


def _run_time_lines(results: dict[str, Any]) -> list[str]:
    """How long each part of the benchmark took (parts kept by --merge with the time they took then)."""
    parts = []
    if (results.get("demo_noop") or {}).get("run_time_s"):
        parts.append(("no-op sync on the demo store", results["demo_noop"]["run_time_s"]))
    for size in results["sizes"]:
        parts += [(f"{size['size']} orders, {mode}", s) for mode, s in (size.get("run_time_s") or {}).items()]
    parts += [(f"scenario {sc['scenario']}", sc["run_time_s"]) for sc in results.get("scenarios", [])
              if sc.get("run_time_s")]
    if results.get("noop_runs_run_time_s"):
        parts.append(("no-op runs, CLI against the schedule", results["noop_runs_run_time_s"]))
    if not parts:
        return []
    total = sum(s for _, s in parts)
    return ["", "## Run time", "", "Each part's wall time in the run that measured it (with the peers on that "
            "store; the reference size runs them to completion).", "", "| part | minutes |", "|---|---:|",
            *[f"| {name} | {s / 60:.1f} |" for name, s in parts], f"| **total** | **{total / 60:.1f}** |"]
