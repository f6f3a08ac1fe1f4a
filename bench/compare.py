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


def project(run: PeerRun, truth: dict[str, int], reference: PeerRun | None, start: date, today: date,
            scale_from: tuple[dict, dict[str, int]] | None = None) -> dict:
    """Projected wall time of a run cut by the time budget, per peer process.

    Preferred: `scale_from` = (the same peer's same-mode result on the smaller reference store, where it ran to
    completion, and that store's truth): a cut process is projected as its complete time there x (requests it
    needs here / requests it needed there). The stores are proportional, so this is linear scaling of a
    measured run. Otherwise, linear extrapolation of this run: progress is the larger of (requests made /
    needed) and (records emitted / the store's records for that stream), projected = elapsed / progress
    (pessimistic for a process that spends its first minutes on a parent listing, like Airbyte's
    order_products). Finished processes count as measured; failed ones (e.g. an endpoint the emulator does
    not serve) are left out.
    """
    ref = {i["label"]: i for i in reference.invocations} if reference else {}
    small = {i["label"]: i for i in scale_from[0].get("invocations", [])} if scale_from else {}
    total, needed_requests, detail = 0.0, 0, []
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
            base_needed = modelled_requests(run.peer, label, scale_from[1], start, today)
            projected = base["wall_s"] * req_needed / base_needed if base_needed else None
            if projected is not None:
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
        detail.append({"process": label, "method": "extrapolated from progress", "progress": round(progress, 4),
                       "projected_s": projected and round(projected, 1)})
        if projected is None:
            return {"projected_requests": needed_requests, "projected_wall_s": None, "projection": detail}
        total += projected
    return {"projected_requests": needed_requests, "projected_wall_s": round(total, 1), "projection": detail}


def analyse(run: PeerRun, truth: dict[str, int], reference: PeerRun | None, start: date, today: date,
            scale_from: tuple[dict, dict[str, int]] | None = None) -> dict:
    """The reportable view of one peer run (see module docstring)."""
    missing = {k: max(0, truth.get(TRUTH_KIND[k], 0) - run.records.get(k, 0)) for k in KINDS}
    sub = sum(n for ep, n in run.requests_by_endpoint.items() if ep.startswith("v2/orders/{id}/"))
    orders = run.records.get("orders", 0)
    out = {
        "status": run.status, "wall_s": round(run.wall_s, 2), "cpu_s": round(run.cpu_s, 2),
        "peak_rss_mb": round(run.peak_rss_mb, 1), "requests": run.requests,
        "requests_by_endpoint": run.requests_by_endpoint, "throttled_429": run.throttled_429,
        "records": run.records, "missing": missing,
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
    if run.not_found:
        out["notes"] = [f"the emulator answered 404 to {n} request(s) for {ep}: records behind it are not "
                        "measurable here (missing for a reason outside the peer)" for ep, n in run.not_found.items()]
        for inv in run.invocations:
            if inv.get("status") == "failed" and run.peer == "singer" and inv["label"] == "customers":
                needed = modelled_requests(run.peer, "customers", truth, start, today)
                out["notes"].append(f"not measured: its customers stream would need about {needed:,} requests "
                                    "(one per day since the start date, 50 customers per page), not in its wall time")
    if any(inv.get("status") == "timed out" for inv in run.invocations):
        total_needed, projected = 0, 0.0
        ref = {i["label"]: i for i in reference.invocations} if reference else {}
        for inv in run.invocations:
            label, done = inv["label"], inv.get("requests", 0)
            finished = ref.get(label, {}).get("status") == "complete"
            needed = ref[label]["requests"] if finished else modelled_requests(run.peer, label, truth, start, today)
            total_needed += needed
            if inv.get("status") == "timed out" and done:
                projected += inv["wall_s"] * max(needed, done) / done
            else:
                projected += inv.get("wall_s", 0.0)
        out["projected_requests"] = total_needed
        out["projected_wall_s"] = round(projected, 1)
        out["projection_note"] = "timed-out streams scaled by requests needed / requests made"
    return out
