"""Singer tap-bigcommerce 1.1.3: configuration, catalog and record counting.

What it asks for (read from its installed source, tap_bigcommerce/client.py and bigcommerce.py):
* base URL hard-coded: `https://api.bigcommerce.com/stores/{hash}/v{2|3}/...`; first GET /v2/time.
* customers: GET /v2/customers (the legacy v2 API), one date window per calendar day from start_date to now
  (`min_date_modified`/`max_date_modified`), each paged by `page`/`limit=50`.
* orders: GET /v2/orders?min_date_modified=..&sort=date_modified:asc, `page`/`limit<=50`; then, for every
  order, its three sub-resource URLs (products, shipping_addresses, coupons): 3 requests per order, with
  no paging (line items past the first 50 of an order are never asked for).
* products: GET /v3/catalog/products?date_modified:min=..&sort=date_modified, `page`/`limit=50`, no
  `include`: variants are never fetched.
* 429: sleeps the whole window (`X-Rate-Limit-Time-Window-Ms` + 1 s) and retries the page. 204 = empty page.
  It needs the X-Rate-Limit-* headers on every response (it divides by the quota).
Each stream runs in its own process here, so a failure of one (say, an endpoint the store does not serve)
does not hide the others; each adds one GET /v2/time.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

from bench.peers.common import LAUNCHER, Invocation

SCRIPT = "tap-bigcommerce"
STREAMS = ("customers", "orders", "products")


def invocations(python: Path, api_url: str, store_hash: str, token: str, start_date: str, workdir: Path) -> list[Invocation]:
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "singer_config.json"
    config.write_text(json.dumps({
        "start_date": f"{start_date}T00:00:00Z", "client_id": "bench", "access_token": token, "store_hash": store_hash,
    }))
    config.chmod(0o600)
    discovered = subprocess.run(
        [str(python), str(LAUNCHER), "--to", api_url, "--script", SCRIPT, "--", "--config", str(config), "--discover"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    catalog = json.loads(discovered.stdout)
    result = []
    for stream in STREAMS:
        path = workdir / f"singer_catalog_{stream}.json"
        path.write_text(json.dumps(_select(catalog, stream)))
        result.append(Invocation(stream, SCRIPT, ["--config", str(config), "--catalog", str(path)], count_message))
    return result


def _select(catalog: dict, stream_name: str) -> dict:
    out = json.loads(json.dumps(catalog))
    for stream in out["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] == stream_name
    return out


def count_message(message: dict, counts: Counter) -> None:
    if message.get("type") != "RECORD":
        return
    stream, record = message.get("stream"), message.get("record") or {}
    if stream in ("customers", "orders", "products"):
        counts[stream] += 1
    if stream == "orders" and isinstance(record.get("products"), list):
        counts["line_items"] += len(record["products"])
    if stream == "products" and isinstance(record.get("variants"), list):
        counts["variants"] += len(record["variants"])
