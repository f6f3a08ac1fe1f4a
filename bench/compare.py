"""Peer runs against the ground truth: what is missing, requests per order, and projections for cut runs.

A peer stopped by the time budget is reported with what it did in that time and a projected wall time (see
`project`). The requests a complete run needs come from the same peer's unconstrained run on the same store
when that one finished, else from the request pattern read in its source (bench/peers/singer_tap.py and
airbyte_source.py). Projections are labelled as such.
"""

from __future__ import annotations

from datetime import date

from bench.peers.common import KINDS, PeerRun

TRUTH_KIND = {"customers": "customers", "orders": "orders", "line_items": "line_items", "products": "products",
              "variants": "variants"}


def modelled_requests(peer: str, label: str, truth: dict[str, int], start: date, today: date) -> int:
    """Requests a complete run of one invocation makes, from the peer's request pattern."""
    n_c, n_o, n_p = truth["customers"], truth["orders"], truth["products"]
    if peer == "singer":  # +1: each process first asks for /v2/time; limit 50, pages until a short page
        days = max(1, (today - start).days)
        return 1 + {"customers": days + n_c // 50, "orders": n_o // 50 + 1 + 3 * n_o,
                    "products": n_p // 50 + 1}[label]
    if peer == "airbyte":  # limit 250; order_products re-lists the orders, then one request per order
        return {"customers": n_c // 250 + 1, "orders": n_o // 250 + 1, "products": n_p // 250 + 1,
                "order_products": n_o // 250 + 1 + n_o}[label]
    raise ValueError(peer)


# What each peer process emits as separate records, per kind (Singer nests line items inside orders).
EMITS = {
    ("singer", "customers"): ("customers",), ("singer", "orders"): ("orders",), ("singer", "products"): ("products",),
    ("airbyte", "customers"): ("customers",), ("airbyte", "orders"): ("orders",),
    ("airbyte", "products"): ("products",), ("airbyte", "order_products"): ("line_items",),
}

# What a peer's wall time grows with (read from its source and its measured CPU, see docs/benchmark.md).
SCALE_BY = {"singer": "requests", "airbyte": "records"}


def project(run: PeerRun, truth: dict[str, int], reference: PeerRun | None, start: date, today: date,
            scale_from: tuple[dict, dict[str, int]] | None = None) -> dict:
    """Projected wall time of a run cut by the time budget, per peer process.

    Preferred: `scale_from` = (the same peer's same-mode result on the smaller reference store, where it ran to
    completion, and that store's truth): a cut process is projected as its complete time there x (how much
    more work it has here, by what bounds that peer, `SCALE_BY`): Singer's time is its requests (one at a
    time, light CPU), so requests its pattern needs here / there (`modelled_requests`); that keeps its one
    customers window per calendar day, which does not grow with the store, from being scaled a thousandfold.
    Airbyte's time is CPU per record, so records of its stream here / there. Its fixed start-up time is
    scaled too, which errs high by a few seconds per process. Otherwise, linear extrapolation of this run: progress is the larger of (requests made /
    needed) and (records emitted / the store's records for that stream), projected = elapsed / progress
    (pessimistic for a process that spends its first minutes on a parent listing, like Airbyte's
    order_products). Either way a projection is never below the time the cut process already ran (when it
    would be, that time is used and the projection is marked a lower bound). Finished processes count as
    measured; failed ones (e.g. an endpoint the emulator does not serve) are left out.
    """
    ref = {i["label"]: i for i in reference.invocations} if reference else {}
    small = {i["label"]: i for i in scale_from[0].get("invocations", [])} if scale_from else {}
    total, needed_requests, detail, lower_bound = 0.0, 0, [], False
    for inv in run.invocations:
        label = inv["label"]
        if inv.get("status") == "failed":
            continue
        finished = ref.get(label, {}).get("status") == "complete"
        req_needed = ref[label]["requests"] if finished else modelled_requests(run.peer, label, truth, start, today)
        needed_requests += req_needed
        if inv.get("status") != "timed out":
            total += inv["wall_s"]
            continue
        base = small.get(label)
        if base and base.get("status") == "complete" and scale_from is not None:
            if SCALE_BY.get(run.peer) == "requests":
                here = modelled_requests(run.peer, label, truth, start, today)
                there = modelled_requests(run.peer, label, scale_from[1], start, today)
            else:
                kinds = EMITS.get((run.peer, label), ())
                here, there = sum(truth[k] for k in kinds), sum(scale_from[1][k] for k in kinds)
            projected = base["wall_s"] * here / there if there else None
            if projected is not None:
                if projected < inv["wall_s"]:  # it ran that long already and had not finished
                    projected, lower_bound = inv["wall_s"], True
                detail.append({"process": label, "method": "scaled from the reference store",
                               "projected_s": round(projected, 1)})
                total += projected
                continue
        kinds = EMITS.get((run.peer, label), ())
        rec_needed = sum(truth[k] for k in kinds)
        rec_done = sum(inv.get("records", {}).get(k, 0) for k in kinds)
        progress = max(inv.get("requests", 0) / req_needed if req_needed else 0.0,
                       rec_done / rec_needed if rec_needed else 0.0)
        projected = inv["wall_s"] / progress if progress > 0 else None
        if projected is not None and projected <= inv["wall_s"]:
            projected, lower_bound = inv["wall_s"], True
        detail.append({"process": label, "method": "extrapolated from progress", "progress": round(progress, 4),
                       "projected_s": projected and round(projected, 1)})
        if projected is None:
            return {"projected_requests": needed_requests, "projected_wall_s": None, "projection": detail}
        total += projected
    out = {"projected_requests": needed_requests, "projected_wall_s": round(total, 1), "projection": detail}
    if lower_bound:
        out["projection_is_lower_bound"] = True  # some process was only known to need more than it had
    return out


def analyse(run: PeerRun, truth: dict[str, int], reference: PeerRun | None, start: date, today: date,
            scale_from: tuple[dict, dict[str, int]] | None = None) -> dict:
    """The reportable view of one peer run (see module docstring)."""
    # Kinds whose process was cut by the time budget were not reached, not missed: report them apart.
    cut = {kind for inv in run.invocations if inv.get("status") == "timed out"
           for kind in EMITS.get((run.peer, inv["label"]), ()) + (("line_items",) if (run.peer, inv["label"]) ==
                                                                  ("singer", "orders") else ())}
    missing = {k: max(0, truth.get(TRUTH_KIND[k], 0) - run.records.get(k, 0)) for k in KINDS if k not in cut}
    not_reached = {k: max(0, truth.get(TRUTH_KIND[k], 0) - run.records.get(k, 0)) for k in KINDS if k in cut}
    sub = sum(n for ep, n in run.requests_by_endpoint.items() if ep.startswith("v2/orders/{id}/"))
    per_order_process = {"singer": "orders", "airbyte": "order_products"}.get(run.peer)
    finished = any(i["label"] == per_order_process and i.get("status") == "complete" for i in run.invocations)
    orders = truth.get("orders", 0) if finished else 0  # a cut run's ratio would mean nothing
    out = {
        "status": run.status, "wall_s": round(run.wall_s, 2), "cpu_s": round(run.cpu_s, 2),
        "peak_rss_mb": round(run.peak_rss_mb, 1), "requests": run.requests,
        "requests_by_endpoint": run.requests_by_endpoint, "throttled_429": run.throttled_429,
        "records": run.records, "missing": missing, "not_reached_before_cut": not_reached,
        "requests_per_order_for_sub_resources": round(sub / orders, 2) if orders else None,
        "invocations": run.invocations,
        "not_found": run.not_found,
    }
    if run.not_found:
        out["notes"] = [f"the emulator answered 404 to {n} request(s) for {ep}: records behind it are not "
                        "measurable here (missing for a reason outside the peer)" for ep, n in run.not_found.items()]
        for inv in run.invocations:
            if inv.get("status") == "failed" and run.peer == "singer" and inv["label"] == "customers":
                needed = modelled_requests(run.peer, "customers", truth, start, today)
                out["notes"].append(f"not measured: its customers stream would need about {needed:,} requests "
                                    "(one per day since the start date, 50 customers per page), not in its wall time")
    if any(inv.get("status") == "timed out" for inv in run.invocations):
        out.update(project(run, truth, reference, start, today, scale_from))
    return out


def was_cut(view: dict) -> bool:
    """Whether any process of this peer run was stopped by the time budget."""
    return any(inv.get("status") == "timed out" for inv in view.get("invocations", []))


def ratio_to_bc_pipeline(view: dict, bc_full: dict) -> float | None:
    """The peer's wall time over bc_pipeline's full sync on the same store and mode.

    A cut run counts only by its projection: its own wall time is just how long it was allowed, so without a
    projection there is no ratio, nor when the projection is only a lower bound below bc_pipeline's time (a cut
    run must never read as faster). A ratio from a lower bound is itself one (`projection_is_lower_bound`).
    """
    if bc_full.get("status") != "complete" or not bc_full.get("wall_s"):
        return None
    wall = view.get("projected_wall_s") if was_cut(view) else view.get("wall_s")
    if not wall:
        return None
    ratio = wall / bc_full["wall_s"]
    if was_cut(view) and view.get("projection_is_lower_bound") and ratio < 1:
        return None
    return round(ratio, 1)
