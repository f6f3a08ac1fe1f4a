"""The benchmark command: `python -m bench.run` (sizes 10k, 100k and 1m by default; see docs/benchmark.md).

It starts with the no-op `bc-pipeline sync` on the embedded demo store (bench/demo_noop.py). Then per size it
builds one emulator store (in its own process, see serve_store.py) per mode, with the same seed: unconstrained
(no latency, no quota), constrained (150-400 ms latency per request, the Pro quota 450 requests / 30 s) and
standard (the same latency, the Standard quota 150 / 30 s; up to --standard-max-size). Against each it runs,
one at a time:
  * the download-only floor (bench/floor.py): the minimum pages, then the minimum pages + the completions the
    store makes necessary (bench/store_completions.py), each from a fresh quota window;
  * bc_pipeline: a full `bc-pipeline sync` (on the first store of a size followed by a no-op sync, nothing new
    on the store, whose wall time is the CLI's fixed cost at that size), then 1% of customers, orders and
    products changed through the emulator's mutation API, then the incremental sync (pipeline_step.py);
  * each peer connector, pointed at the same store (bench/peers/), within a time budget.
Then the named scenarios (scenarios.py) and the no-op runs (noop_runs.py). Requests are counted by the
emulator. Results go to bench/results/latest.json and latest.md after each part.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from types import ModuleType

from bench import compare, demo_noop, pipeline_step, report, scenarios, sizes, sync_progress
from bench.machine import load_avg, machine_info
from bench.peers import airbyte_source, singer_tap
from bench.peers.common import KINDS, PeerRun, run_invocations
from bench.setup_peers import PeerEnv, ensure_peers
from bench.store_process import REPO, Constraints, StoreProcess

START_DATE = "2020-12-31"  # before the emulator's first generated date, so every record is in range
UNCONSTRAINED = Constraints("unconstrained", (0.0, 0.0), quota=0, window_ms=30_000)  # quota 0 = unlimited
CONSTRAINED = Constraints("constrained", (150.0, 400.0), quota=450, window_ms=30_000)
# The Standard plan's quota (150 requests / 30 s), opt-in with --modes (a 1M store needs over 20 minutes).
STANDARD = Constraints("standard", (150.0, 400.0), quota=150, window_ms=30_000)
MODES = (UNCONSTRAINED, CONSTRAINED, STANDARD)
PEER_MODULES: dict[str, ModuleType] = {"singer": singer_tap, "airbyte": airbyte_source}
# `--targets`: only what issue 14's targets read (bench/report_targets.py), in about 27 minutes instead of 3
# hours: the demo no-op, the unconstrained 100k (its full sync three times) and 1M stores (bc_pipeline, its
# no-op at 1M, the floors), the two scenarios. Options given with it still apply.
TARGETS_PRESET = {"sizes": "100k,1m", "modes": "unconstrained", "peers": "none", "reference_size": "none",
                  "noop_runs": False, "full_repeats": 2, "out": REPO / "bench" / "results" / "targets"}


def _preset_options() -> str:
    """TARGETS_PRESET as the command-line options it stands for."""
    words = []
    for name, value in TARGETS_PRESET.items():
        option = name.replace("_", "-")
        if isinstance(value, bool):
            words.append(f"--{option}" if value else f"--no-{option}")
        else:
            words.append(f"--{option} {value.relative_to(REPO) if isinstance(value, Path) else value}")
    return " ".join(words)


def log(msg: str) -> None:
    print(msg, flush=True)


def bc_pipeline_runs(store: StoreProcess, workdir: Path, bound_s: float, min_total: int, limit_s: float,
                     noop: bool = False, full_repeats: int = 0) -> dict:
    """Full sync (then `full_repeats` more, each into a fresh file, and with `noop` one more with nothing new on
    the store), 1% change, incremental sync; each measured in its own subprocess. The no-op comes before the
    change: after it, the 10-minute lookback would re-read the 1% just changed, and the figure is the sync with
    nothing new."""
    out: dict = {}
    store.command("clear")
    full = pipeline_step.run_sync(store, workdir, START_DATE, limit_s)
    out["full"] = _sync_view(full, store.command("log"), bound_s, min_total)
    log(f"[bc_pipeline] full: {full.status} in {full.wall_s:.1f}s (cpu {full.cpu_s:.1f}s), "
        f"{out['full']['requests']} requests")
    if full.status != "complete":
        return out
    for n in range(1, full_repeats + 1):  # the same full sync again: CPU per row varies by ~10% run to run
        store.command("clear")
        again = pipeline_step.run_sync(store, workdir / f"full_repeat_{n}", START_DATE, limit_s)
        out.setdefault("full_repeats", []).append(_sync_view(again, store.command("log"), bound_s, min_total))
        log(f"[bc_pipeline] full again ({n}/{full_repeats}): {again.status} in {again.wall_s:.1f}s "
            f"(cpu {again.cpu_s:.1f}s)")
    if noop:
        store.command("clear")
        again = pipeline_step.run_sync(store, workdir, START_DATE, limit_s)
        out["noop"] = _sync_view(again, store.command("log"), None, None)
        log(f"[bc_pipeline] no-op: {again.status} in {again.wall_s:.1f}s (cpu {again.cpu_s:.1f}s), "
            f"{out['noop']['requests']} requests")
    changed = store.command("mutate", share=0.01)["changed"]
    store.command("clear")
    inc = pipeline_step.run_sync(store, workdir, START_DATE, limit_s)
    out["incremental"] = {**_sync_view(inc, store.command("log"), None, None), "changed": changed}
    log(f"[bc_pipeline] incremental: {inc.status} in {inc.wall_s:.1f}s, {out['incremental']['requests']} requests")
    return out


def _sync_view(run: pipeline_step.SyncRun, served: dict, bound_s: float | None, min_total: int | None) -> dict:
    landed = sum(run.rows.values())
    view = {
        "status": run.status, "wall_s": round(run.wall_s, 2), "cpu_s": round(run.cpu_s, 2),
        "cpu_s_per_1k_records": round(1000 * run.cpu_s / landed, 3) if landed else None,
        "peak_rss_mb": round(run.peak_rss_mb, 1), "requests": served["requests"],
        "requests_by_endpoint": served["by_endpoint"], "by_status": served["by_status"],
        "rows": run.rows, "records_landed": landed,
        "records_per_s": round(landed / run.wall_s, 1) if run.status == "complete" and run.wall_s else None,
        "api_span_s": round(served.get("span_s", 0.0), 2),  # the emulator's first to last request
        **sync_progress.timeline(run.progress, run.wall_s), **sync_progress.summarise(run.progress),
        "progress": run.progress, "status_table": run.stdout,
    }
    if bound_s is not None and run.status == "complete":
        view["ratio_to_bound"] = round(run.wall_s / bound_s, 2) if bound_s else None
    if min_total:
        view["requests_over_min"] = round(served["requests"] / min_total, 2)
    return view


def peer_run(name: str, env: PeerEnv, store: StoreProcess, workdir: Path, limit_s: float) -> PeerRun:
    module = PEER_MODULES[name]
    try:
        invs = module.invocations(env.python, store.api_url, store.store_hash, store.access_token, START_DATE,
                                  workdir / name)
    except (subprocess.SubprocessError, ValueError, StopIteration, KeyError) as exc:  # discover failed
        detail = getattr(exc, "stderr", "") or str(exc)
        reason = f"failed (discover): {detail.strip().splitlines()[-1][-300:] if detail.strip() else type(exc).__name__}"
        log(f"[{name}] {reason}")
        return PeerRun(peer=name, status=reason, records={k: 0 for k in KINDS})
    return run_invocations(name, env.python, store.api_url, invs, limit_s,
                           clear_log=lambda: store.command("clear"), read_log=lambda: store.command("log"),
                           log=log)


def modes_for(args: argparse.Namespace, orders: int) -> list[Constraints]:
    """The stores measured at a size: the modes asked for, the Standard plan only up to --standard-max-size."""
    wanted = {m.strip() for m in args.modes.split(",")}
    out = [c for c in MODES if c.name in wanted and not (args.skip_constrained and c is not UNCONSTRAINED)]
    if orders > sizes.parse_size(args.standard_max_size):
        out = [c for c in out if c is not STANDARD]
    return out


def _without(entries: list[dict], label: str) -> list[dict]:
    return [s for s in entries if s["size"] != label]


def merged_entry(entry: dict, previous: dict, measuring: list[str]) -> dict:
    """`--merge` on a size measured before (same store): when that run measured modes this one does not,
    they are kept and the entry says which modes were measured when and at which commit; otherwise the size
    is measured anew and nothing of the previous entry is kept."""
    now = sorted(measuring)
    kept = sorted(set(previous.get("bc_pipeline", {})) - set(now))
    if not kept:
        return entry
    def label(new: str, old: str) -> str:
        return f"{new} ({', '.join(now)}; {', '.join(kept)} at {old})"
    return {**previous, "load_avg_1m_start": entry["load_avg_1m_start"],
            "measured_utc": label(entry["measured_utc"], previous.get("measured_utc", "?")),
            "commit": label(entry["commit"], previous.get("commit", "?"))}


def run_size(label: str, args: argparse.Namespace, peers: dict[str, PeerEnv], reference: dict | None,
             is_reference: bool = False, previous: dict | None = None) -> dict:
    """One size. On the reference store (`is_reference`) the peers get the long budget; elsewhere their cut
    runs are projected by scaling `reference` (that store's entry) when there is one."""
    shape = sizes.shape_for(sizes.parse_size(label))
    machine = machine_info(REPO)
    entry: dict = {"size": label, "measured_utc": machine["date_utc"], "commit": machine["commit"],
                   "load_avg_1m_start": load_avg(), "shape": asdict(shape),
                   "bc_pipeline": {}, "peers": {}}
    modes = modes_for(args, shape.orders)
    if previous and previous.get("shape") == entry["shape"] and previous.get("seed", args.seed) == args.seed:
        entry = merged_entry(entry, previous, [c.name for c in modes])
    entry["seed"] = args.seed
    peer_raw: dict[str, dict[str, PeerRun]] = {}
    with tempfile.TemporaryDirectory(prefix=f"bcbench_{label}_") as tmp:
        for constraints in modes:
            mode, workdir = constraints.name, Path(tmp) / constraints.name
            workdir.mkdir()
            log(f"== {label} orders, {mode}: starting the emulator store")
            started = time.monotonic()
            with StoreProcess(shape, constraints, args.seed, log_path=workdir / "emulator.log") as store:
                if "truth" not in entry:
                    entry["truth"] = store.command("truth")
                    mins = sizes.min_requests(entry["truth"])
                    entry["min_requests"], entry["min_requests_total"] = mins, sum(mins.values())
                    entry["quota_bound_s"] = round(sizes.quota_bound_s(sum(mins.values())), 2)
                    log(f"   truth: {entry['truth']}")
                floors = scenarios.run_floors(store, entry["truth"], log)
                entry.setdefault("floor", {})[mode] = floors["floor"]
                entry.setdefault("floor_completed", {})[mode] = floors["floor_completed"]
                entry["completions_needed"] = floors["completions_needed"]
                bound = sizes.quota_bound_s(entry["min_requests_total"], constraints.quota,
                                            constraints.window_ms / 1000)
                repeats = (args.full_repeats if constraints is UNCONSTRAINED
                           and shape.orders <= sizes.parse_size(args.full_repeats_max_size) else 0)
                bc = bc_pipeline_runs(store, workdir, bound, entry["min_requests_total"],
                                      args.sync_time_limit, noop=constraints is modes[0], full_repeats=repeats)
                entry["bc_pipeline"][mode] = bc
                for name, env in peers.items():
                    if not env.ok:
                        entry["peers"][name] = env.reason
                        continue
                    if not isinstance(entry["peers"].get(name), dict):
                        entry["peers"][name] = {}
                    limit = args.peer_full_limit if is_reference else args.peer_time_limit
                    raw = peer_run(name, env, store, workdir, limit)
                    peer_raw.setdefault(name, {})[mode] = raw
                    base = (reference or {}).get("peers", {}).get(name)
                    scale_from = (base[mode], reference["truth"]) if isinstance(base, dict) and mode in base else None
                    view = compare.analyse(raw, entry["truth"], peer_raw[name].get("unconstrained"),
                                           date.fromisoformat(START_DATE), date.today(), scale_from)
                    view["ratio_to_bc_pipeline"] = compare.ratio_to_bc_pipeline(view, bc.get("full", {}))
                    entry["peers"].setdefault(name, {})[mode] = view
            entry.setdefault("run_time_s", {})[mode] = round(time.monotonic() - started, 1)
    entry["load_avg_1m_end"] = load_avg()
    return entry


def reanalyse(results: dict) -> dict:
    """Recompute every peer view from the raw figures stored in it, and bc_pipeline's stream summaries from
    its stored progress lines (after a change to compare.py, sync_progress.py or report.py)."""
    fields = ("status", "wall_s", "cpu_s", "peak_rss_mb", "requests", "requests_by_endpoint", "throttled_429",
              "not_found", "records", "invocations")
    reference = next((s for s in results["sizes"] if s.get("reference")), None)
    for entry in results["sizes"]:
        views = {}
        for name, modes in entry.get("peers", {}).items():
            if not isinstance(modes, dict):
                continue
            raws = {mode: PeerRun(peer=name, **{f: v[f] for f in fields if f in v}) for mode, v in modes.items()}
            for mode, raw in raws.items():
                base = None if entry is reference or reference is None else reference["peers"].get(name)
                scale_from = (base[mode], reference["truth"]) if isinstance(base, dict) and mode in base else None
                view = compare.analyse(raw, entry["truth"], raws.get("unconstrained"),
                                       date.fromisoformat(START_DATE), date.today(), scale_from)
                bc_full = entry.get("bc_pipeline", {}).get(mode, {}).get("full", {})
                view["ratio_to_bc_pipeline"] = compare.ratio_to_bc_pipeline(view, bc_full)
                views.setdefault(name, {})[mode] = view
        entry["peers"].update(views)
        for runs in entry.get("bc_pipeline", {}).values():
            for value in runs.values():
                for view in value if isinstance(value, list) else [value]:  # full_repeats: a list of runs
                    summary = sync_progress.summarise(view.get("progress") or [])
                    if summary["streams"]:  # results from before the progress lines were kept have none
                        view.update(summary)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark bc_pipeline and the peer connectors on emulator stores.")
    p.add_argument("--sizes", default="10k,100k,1m",
                   help="comma-separated order counts, e.g. 10k or 10k,100k ('none': only the scenarios)")
    p.add_argument("--peers", default="singer,airbyte", help="comma-separated, or 'none'")
    p.add_argument("--peer-time-limit", type=float, default=120.0,
                   help="seconds per peer per mode (split evenly over its processes); cut runs are projected")
    p.add_argument("--reference-size", default="500",
                   help="a small store measured first, on which the peers run to completion; their cut runs on "
                        "larger stores are projected by scaling it ('none' to skip)")
    p.add_argument("--peer-full-limit", type=float, default=2400.0,
                   help="seconds per peer per mode on the reference store (split over its processes)")
    p.add_argument("--sync-time-limit", type=float, default=3600.0, help="seconds per bc-pipeline sync")
    p.add_argument("--skip-constrained", action="store_true", help="only the unconstrained store")
    p.add_argument("--modes", default="unconstrained,constrained,standard",
                   help="which stores to measure (unconstrained, constrained = Pro quota, standard = Standard "
                        "quota); with --merge the other modes of a size measured before are kept")
    p.add_argument("--standard-max-size", default="100k",
                   help="the largest size measured under the Standard quota (a 1M store there needs about 1.5 "
                        "hours for its floors and syncs: '1m' opts in)")
    p.add_argument("--demo-noop", action=argparse.BooleanOptionalAction, default=True,
                   help="start with the no-op `bc-pipeline sync` on the embedded demo store (bench/demo_noop.py)")
    p.add_argument("--scenarios", default=",".join(scenarios.SCENARIOS),
                   help="named scenarios run after the sizes (bench/scenarios.py), or 'none'")
    p.add_argument("--noop-runs", action=argparse.BooleanOptionalAction, default=True,
                   help="end with the no-op runs side by side: `bc-pipeline sync` against the schedule under "
                        "dagster dev (bench/noop_runs.py, written to results/noop_runs.md)")
    p.add_argument("--full-repeats", type=int, default=0,
                   help="run the unconstrained full sync this many more times (fresh file each), so its CPU per "
                        "1,000 rows is a median (the targets read it)")
    p.add_argument("--full-repeats-max-size", default="100k",
                   help="the largest size whose full sync is repeated (a 1M full sync takes about 6 minutes)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    p.add_argument("--rerender", action="store_true",
                   help="measure nothing: recompute the peer views and rewrite latest.md from latest.json")
    p.add_argument("--merge", action="store_true",
                   help="keep the sizes of the existing latest.json that this run does not measure")
    p.add_argument("--targets", action="store_true",
                   help="only what issue 14's targets need (about 25 minutes): " + _preset_options())
    if p.parse_known_args(argv)[0].targets:
        p.set_defaults(**TARGETS_PRESET)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rerender:
        results = reanalyse(json.loads((args.out / "latest.json").read_text()))
        log("wrote " + " and ".join(str(p) for p in report.write_results(results, args.out)))
        return 0
    labels = [] if args.sizes.strip() == "none" else [s.strip() for s in args.sizes.split(",") if s.strip()]
    for label in labels:
        sizes.parse_size(label)  # fail fast on a bad size
    labels.sort(key=sizes.parse_size)
    ref_label = None if args.reference_size.strip().lower() == "none" else args.reference_size.strip()
    if ref_label and args.peers.strip() != "none" and labels:
        if sizes.parse_size(ref_label) < sizes.parse_size(labels[0]):
            labels.insert(0, ref_label)
        else:
            ref_label = labels[0]  # the smallest size asked for is the reference
    names = [] if args.peers.strip() == "none" else [n.strip() for n in args.peers.split(",") if n.strip()]
    unknown = set(names) - set(PEER_MODULES)
    if unknown:
        raise SystemExit(f"unknown peer(s): {', '.join(sorted(unknown))}; known: {', '.join(PEER_MODULES)}")
    peers = ensure_peers(names, log=log) if names else {}
    results: dict = {
        "machine": machine_info(REPO),
        "command": "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv),
        "settings": {"start_date": START_DATE, "constrained": asdict(CONSTRAINED), "standard": asdict(STANDARD),
                     "unconstrained": asdict(UNCONSTRAINED), "peer_time_limit_s": args.peer_time_limit,
                     "reference_size": args.reference_size, "peer_full_limit_s": args.peer_full_limit},
        "sizes": [],
        "notes": [],
    }
    kept: list[dict] = []
    previous = args.out / "latest.json"
    results["scenarios"] = []
    if args.merge and previous.exists():
        before = json.loads(previous.read_text())
        kept, results["scenarios"] = before.get("sizes", []), before.get("scenarios", [])
        if "demo_noop" in before:
            results["demo_noop"] = before["demo_noop"]
        if ref_label and any(s["size"] == ref_label and s.get("reference") for s in kept) and ref_label in labels:
            labels.remove(ref_label)  # reuse the reference measured by an earlier run
        previous_by_size = {s["size"]: s for s in kept}
        kept = [s for s in kept if s["size"] not in labels]
    else:
        previous_by_size = {}
    if args.demo_noop:
        log("== the no-op sync on the embedded demo store")
        started = time.monotonic()
        results["demo_noop"] = demo_noop.measure()
        results["demo_noop"]["run_time_s"] = round(time.monotonic() - started, 1)
        log(f"[demo no-op] {results['demo_noop']}")
        report.write_results(results, args.out)
    reference = next((s for s in kept if s.get("reference") and s["size"] == ref_label), None)
    results["sizes"] = list(kept)  # sizes kept from the previous results; each measured size replaces its entry
    for label in labels:
        is_ref = label == ref_label
        entry = run_size(label, args, peers, None if is_ref else reference, is_reference=is_ref,
                         previous=previous_by_size.get(label))
        if is_ref:
            entry["reference"] = True
            reference = entry
        done = [entry]
        results["sizes"] = sorted(_without(results["sizes"], label) + done,
                                  key=lambda s: sizes.parse_size(s["size"]))
        json_path, md_path = report.write_results(results, args.out)
        log(f"wrote {json_path} and {md_path}")
    names = [] if args.scenarios.strip() == "none" else [n.strip() for n in args.scenarios.split(",") if n.strip()]
    if names:
        kept_scenarios = [s for s in results["scenarios"] if s["scenario"] not in names]
        measured = scenarios.run_all(names, args.seed, args.sync_time_limit, log)
        # the per-request timelines stay out of latest.json (`python -m bench.scenarios --out FILE` keeps them)
        results["scenarios"] = kept_scenarios + [{k: v for k, v in s.items() if k != "timeline"} for s in measured]
        json_path, md_path = report.write_results(results, args.out)
        log(f"wrote {json_path} and {md_path}")
    if args.noop_runs:
        from bench import noop_runs

        started = time.monotonic()
        text = noop_runs.measure()
        (args.out / "noop_runs.md").write_text(text + "\n")
        results["noop_runs_run_time_s"] = round(time.monotonic() - started, 1)
        report.write_results(results, args.out)
        log(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
