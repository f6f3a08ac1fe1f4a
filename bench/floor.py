"""The download-only floor: the least time any client can take to fetch a store from this server.

It asks for the minimum pages (one per 250 records per listing, the counts known in advance from the store's
truth, so no planning request), all at once on many threads, by page number, with the same includes as
bc_pipeline's streams (so each page costs the server what the sync's pages cost), honours each 429 by
waiting exactly the reset it gives, and discards the bodies. Nothing is parsed or stored: what is left is
the server's time and the quota. bc_pipeline's wall time is read against it, measured on the same store in
the same run.

`--completions FILE` asks, after (and with) the minimum pages, for what the store makes necessary beyond them
(bench/store_completions.py, from the emulator's truth): one `/v2/orders/{id}/products` per order whose line
items were truncated at 50 per consignment (the API has no bulk endpoint), and the addresses and attribute
values of the customers with more than came inline, many customers per request (`customer_id:in`), packed so
each request's answer fits one page of 250. That is the least a client that lands the whole store can ask.

`--replay FILE` asks instead for exactly the requests a sync made (their paths and queries, from the emulator's
log): the floor for that sync's own request list, which includes what the minimum leaves out (an order's
line items past 50, a customer's addresses past 10, the planning requests).

Run by the benchmark as its own process
(`python -m bench.floor URL HASH TOKEN COUNTS_JSON [--completions FILE | --replay FILE]`);
it prints one JSON line: requests, 429s, pages and its wall time from first request to last answer.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from bc_pipeline.bigcommerce.paging_styles import WholeList
from bc_pipeline.streams import listings

PAGE = 250
THREADS = 64
# The listings of a complete sync and the stream whose path and includes each page repeats.
LISTINGS = ("customers", "subscribers", "orders", "products", "variants", "categories", "brands",
            "order_statuses")


def page_requests(counts: dict[str, int]) -> list[tuple[str, dict[str, str]]]:
    """(path, params) of every page of every listing: the minimum, at least one page each."""
    out = []
    for name in LISTINGS:
        stream = listings()[name]
        params = {k: v for k, v in stream.params.items() if k != "sort" and k != "direction"}
        if isinstance(stream.paging, WholeList):
            out.append((stream.path, params))
            continue
        for page in range(1, max(1, math.ceil(counts.get(name, 0) / PAGE)) + 1):
            out.append((stream.path, {**params, "limit": str(PAGE), "page": str(page)}))
    return out


def completion_requests(needed: dict[str, list[list[int]]]) -> list[tuple[str, dict[str, str]]]:
    """(path, params) of the requests that complete the store past its minimum pages: per truncated order its
    line items (ceil(items / 250) pages), per listing of customers' lists the fewest `customer_id:in`
    requests whose answers each fit one page."""
    known = listings()
    items = known["order_products"]
    out = [(items.path.replace("{id}", str(oid)), {**items.params, "limit": str(PAGE), "page": str(page)})
           for oid, n in needed.get("order_products", []) for page in range(1, max(1, math.ceil(n / PAGE)) + 1)]
    for name in ("customer_addresses", "customer_attribute_values"):
        lst = known[name]
        for ids in _packed(needed.get(name, [])):
            out.append((lst.path, {**lst.params, "customer_id:in": ",".join(map(str, ids)), "limit": str(PAGE)}))
    return out


def _packed(owners: list[list[int]]) -> list[list[int]]:
    """Owner ids grouped in order so each group's children fit one page (an owner with more takes its own)."""
    groups: list[list[int]] = []
    room = 0
    for owner, n in owners:
        if not groups or n > room:
            groups.append([])
            room = PAGE
        groups[-1].append(owner)
        room -= n
    return groups


class Floor:
    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.headers = {"X-Auth-Token": token, "Accept": "application/json"}
        self.local = threading.local()
        self.lock = threading.Lock()
        self.requests = self.throttled = 0
        self.resume_at = 0.0  # monotonic time before which nobody asks (set by a 429)

    def session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            self.local.session.headers.update(self.headers)
        return self.local.session

    def fetch(self, path: str, params: dict[str, str]) -> None:
        while True:
            wait = self.resume_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            response = self.session().get(self.base + path, params=params, timeout=(5, 120))
            with self.lock:
                self.requests += 1
            if response.status_code != 429:
                response.raise_for_status()
                return
            reset_ms = float(response.headers.get("X-Rate-Limit-Time-Reset-Ms") or 1000)
            with self.lock:
                self.throttled += 1
                self.resume_at = max(self.resume_at, time.monotonic() + reset_ms / 1000)


def run(base: str, token: str, pages: list[tuple[str, dict[str, str]]]) -> dict[str, float | int]:
    floor = Floor(base, token)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(floor.fetch, path, params) for path, params in pages]:
            future.result()
    return {"pages": len(pages), "requests": floor.requests, "throttled_429": floor.throttled,
            "wall_s": round(time.monotonic() - started, 2)}


def main(argv: list[str]) -> None:
    url, store, token, counts_json = argv[:4]
    option, path = (argv[4], argv[5]) if len(argv) > 5 else (None, None)
    if option == "--replay":  # [[path, query], ...] with the store's full paths
        pages = [(p, query) for p, query in json.loads(open(path).read())]
        base = url.rstrip("/")
    else:
        pages = page_requests(json.loads(counts_json))
        base = f"{url.rstrip('/')}/stores/{store}"
    extra = completion_requests(json.loads(open(path).read())) if option == "--completions" else []
    print(json.dumps({**run(base, token, pages + extra), "completions": len(extra)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
