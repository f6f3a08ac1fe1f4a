"""Airbyte source-bigcommerce 0.2.22 (declarative manifest on airbyte-cdk 1.0): config, catalog, counting.

What it asks for (read from its installed manifest.yaml):
* base URL hard-coded: `https://api.bigcommerce.com/stores/{{ config.store_hash }}/`.
* customers: GET /v3/customers?sort=date_modified:asc&date_modified:min=YYYY-MM-DD, page-number paging,
  limit=250 (a date-only cursor: the API completes it with the current time of day).
* orders: GET /v2/orders?sort=date_modified:asc&min_date_modified=YYYY-MM-DD, page/limit=250.
* order_products: for every order, GET /v2/orders/{id}/products?limit=250: one request per order, after
  listing the parent orders (from the CDK's request cache when orders ran in the same process; here each
  stream runs in its own process, so the parent listing is fetched again: one request per 250 orders).
* CPU: the CDK re-compiles Jinja templates and reloads the JSON schema for every record (about 20-50 ms of
  CPU per record here), which bounds it even when the API does not.
* products: GET /v3/catalog/products?sort=date_modified&date_modified:min=YYYY-MM-DD, no `include`: no
  variants; the connector has no variants stream.
* 429 and 5xx: the CDK's default exponential backoff. Requests are sequential (one at a time).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

from bench.peers.common import LAUNCHER, Invocation

SCRIPT = "source-bigcommerce"
STREAMS = ("customers", "orders", "products", "order_products")
KIND_OF = {"customers": "customers", "orders": "orders", "products": "products", "order_products": "line_items"}


def invocations(python: Path, api_url: str, store_hash: str, token: str, start_date: str, workdir: Path) -> list[Invocation]:
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "airbyte_config.json"
    config.write_text(json.dumps({"start_date": start_date, "access_token": token, "store_hash": store_hash}))
    config.chmod(0o600)
    discovered = subprocess.run(
        [str(python), str(LAUNCHER), "--to", api_url, "--script", SCRIPT, "--", "discover", "--config", str(config)],
        capture_output=True, text=True, timeout=180, check=True,
    )
    catalog = next(
        json.loads(line)["catalog"] for line in discovered.stdout.splitlines()
        if line.startswith("{") and json.loads(line).get("type") == "CATALOG"
    )
    configured = {"streams": [
        {"stream": s, "sync_mode": "incremental", "cursor_field": s.get("default_cursor_field") or [],
         "destination_sync_mode": "append"}
        for s in catalog["streams"] if s["name"] in STREAMS
    ]}
    result = []
    for name in STREAMS:
        path = workdir / f"airbyte_catalog_{name}.json"
        path.write_text(json.dumps({"streams": [s for s in configured["streams"] if s["stream"]["name"] == name]}))
        result.append(Invocation(name, SCRIPT, ["read", "--config", str(config), "--catalog", str(path)],
                                 count_message))
    return result


def count_message(message: dict, counts: Counter) -> None:
    if message.get("type") != "RECORD":
        return
    record = message.get("record") or {}
    kind = KIND_OF.get(record.get("stream"))
    if kind:
        counts[kind] += 1
    if kind == "products" and isinstance((record.get("data") or {}).get("variants"), list):
        counts["variants"] += len(record["data"]["variants"])
