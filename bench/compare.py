"""Peer runs against the ground truth: what is missing, requests per order, and projections for cut runs.

A peer stopped by the time budget is reported with what it did in that time and a projected wall time:
elapsed x (requests the complete run needs / requests made). The requests a complete run needs come from
the same peer's unconstrained run on the same store when that one finished, else from the request pattern
read in its source (see bench/peers/singer.py and airbyte.py). Projections are labelled as such.
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
    if peer == "airbyte":  # limit 250, one request per order for its line items
        return (n_c // 250 + 1) + (n_o // 250 + 1) + (n_p // 250 + 1) + n_o
    raise ValueError(peer)


def analyse(run: PeerRun, truth: dict[str, int], reference: PeerRun | None, start: date, today: date) -> dict:
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
