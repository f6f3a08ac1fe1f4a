"""Serve one emulator store in its own process, driven over stdin/stdout with one JSON object per line.

The benchmark measures the sync process alone, so the store it talks to must live elsewhere: this module
is that elsewhere. It prints `{"event": "ready", ...}` once listening, then answers each command line:

  {"cmd": "truth"}                   record counts of the store's ground truth (what a full sync must land)
  {"cmd": "completions"}             the records a complete download must complete past the listings' pages
                                     (truncated orders, customers' long lists; bench/store_completions.py)
  {"cmd": "log"}                     summary of the request log since the last clear (count, per endpoint, per status)
  {"cmd": "timeline"}                every request since the last clear: [seconds since the first, latency ms,
                                     status, endpoint, path, query], in arrival order (where round trips serialize)
  {"cmd": "clear"}                   empty the request log
  {"cmd": "mutate", "share": 0.01}   update that share of customers, orders and products (bumps date_modified)
  {"cmd": "stop"}                    shut down (end of stdin does the same)

Run by hand: `python -m bench.serve_store --orders 1000 --latency 150,400 --quota 450 --window-ms 30000`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from typing import Any

import numpy as np

from bc_emulator import Emulator, EmulatorConfig
from bench.store_completions import completions

MUTATED = ("customers", "orders", "products")
_NUMBER = re.compile(r"/\d+(?=/|$)")


def endpoint_of(path: str, store_hash: str) -> str:
    """'/stores/abc/v2/orders/17/products' -> 'v2/orders/{id}/products'."""
    prefix = f"/stores/{store_hash}/"
    if path.startswith(prefix):
        path = path[len(prefix):]
    return _NUMBER.sub("/{id}", path)


def truth(emu: Emulator) -> dict[str, int]:
    """Counts of what a complete sync must land, from the store's own tables (cheap at any size)."""
    store = emu.store
    out = {name: store.count(name) for name in ("customers", "subscribers", "orders", "products", "variants",
                                                  "categories", "brands")}
    orders = store.tables["orders"]
    live = orders.live()
    out["line_items"] = int(orders.col("n_items")[live].astype(np.int64).sum())
    out["line_items_past_50"] = int(np.maximum(orders.col("n_items")[live].astype(np.int64) - 50, 0).sum())
    out["order_statuses"] = len(store.records("order_statuses"))
    return out


def log_summary(emu: Emulator) -> dict[str, Any]:
    entries = list(emu.request_log)
    by_endpoint = Counter(endpoint_of(e.path, emu.store_hash) for e in entries)
    by_status = Counter(str(e.status) for e in entries)
    not_found = Counter(endpoint_of(e.path, emu.store_hash) for e in entries if e.status == 404)
    span = (max(e.ts for e in entries) - min(e.ts for e in entries)) if entries else 0.0
    return {"requests": len(entries), "by_endpoint": dict(by_endpoint.most_common()),
            "by_status": dict(by_status), "not_found": dict(not_found), "span_s": span}


def timeline(emu: Emulator) -> dict[str, Any]:
    entries = sorted(emu.request_log, key=lambda e: e.ts)
    first = entries[0].ts if entries else 0.0
    return {"requests": [[round(e.ts - first, 3), round(e.latency_ms, 1), e.status,
                          endpoint_of(e.path, emu.store_hash), e.path, e.query] for e in entries]}


def mutate(emu: Emulator, share: float, seed: int) -> dict[str, int]:
    """Update `share` of the live customers, orders and products, picked at random (seeded)."""
    rs = np.random.default_rng(seed)
    changed = {}
    for resource in MUTATED:
        table = emu.store.tables[resource]
        ids = table.ids[table.live()]
        k = int(round(len(ids) * share))
        for rid in rs.choice(ids, size=k, replace=False) if k else []:
            emu.store.update(resource, int(rid))
        changed[resource] = k
    return changed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--orders", type=int, required=True)
    p.add_argument("--customers", type=int, required=True)
    p.add_argument("--products", type=int, required=True)
    p.add_argument("--categories", type=int, default=12)
    p.add_argument("--brands", type=int, default=10)
    p.add_argument("--quota", type=int, default=0, help="requests per window; 0 = unlimited")
    p.add_argument("--window-ms", type=int, default=30_000)
    p.add_argument("--latency", default="0,0", help="min,max milliseconds per request")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    lo, hi = (float(x) for x in args.latency.split(","))
    cfg = EmulatorConfig(
        seed=args.seed, orders=args.orders, customers=args.customers, products=args.products,
        categories=args.categories, brands=args.brands, quota=args.quota or None, window_ms=args.window_ms,
        latency_ms=(lo, hi),
    )
    with Emulator(cfg) as emu:
        reply({"event": "ready", "api_url": emu.api_url, "store_hash": emu.store_hash,
               "access_token": emu.access_token})
        for line in sys.stdin:
            if not line.strip():
                continue
            cmd = json.loads(line)
            name = cmd.get("cmd")
            if name == "stop":
                break
            try:
                reply(handle(emu, cmd, args.seed))
            except Exception as exc:  # report, keep serving: the harness decides
                reply({"error": f"{type(exc).__name__}: {exc}"})
    reply({"event": "stopped"})


def handle(emu: Emulator, cmd: dict[str, Any], seed: int) -> dict[str, Any]:
    name = cmd.get("cmd")
    if name == "truth":
        return truth(emu)
    if name == "completions":
        return completions(emu)
    if name == "log":
        return log_summary(emu)
    if name == "timeline":
        return timeline(emu)
    if name == "clear":
        emu.clear_request_log()
        return {"ok": True}
    if name == "mutate":
        return {"changed": mutate(emu, float(cmd["share"]), seed + int(cmd.get("round", 1)))}
    raise ValueError(f"unknown command {name!r}")


def reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
