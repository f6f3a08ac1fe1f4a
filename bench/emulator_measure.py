"""Measure the emulator: store build time, peak RSS, and server-side time to answer 250-record pages.

    python -m bench.emulator_measure --orders 1000000 --customers 100000 --products 20000

Page times are the emulator's own (request log latency: parse, generate, serialise), median of `--repeat`
cold pages (each page a different one, so the generated-record cache does not help), after one unmeasured
warm-up page per path. On a shared machine
wall times include waiting for the CPU; the CPU columns (process CPU time per request: the server's work plus
reading the bytes) are the load-independent figures, and their minimum is the least disturbed by other jobs.
"""

from __future__ import annotations

import argparse
import http.client
import resource
import statistics
import time

from bc_emulator import Emulator, EmulatorConfig

PATHS = (
    ("orders", "/v2/orders?limit=250&page={page}"),
    ("orders+consignments", "/v2/orders?limit=250&page={page}&include=consignments.line_items"
                            "&consignment_structure=object"),
    ("orders by date_modified", "/v2/orders?limit=250&page={page}&sort=date_modified:asc"
                                "&min_date_modified=2022-01-01T00:00:00Z"),
    ("customers+includes", "/v3/customers?limit=250&page={page}&include=addresses,attributes,formfields,storecredit"),
    ("products+variants", "/v3/catalog/products?limit=250&page={page}&include=variants,custom_fields,images"),
    ("variants", "/v3/catalog/variants?limit=250&page={page}"),
    ("subscribers", "/v3/customers/subscribers?limit=250&page={page}"),
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rss0 = peak_rss_mb()
    cfg = EmulatorConfig(orders=args.orders, customers=args.customers, products=args.products, quota=None)
    started = time.perf_counter()
    Emulator(cfg)  # build only: the generation time and memory of the store
    built = time.perf_counter() - started
    print(f"store: {args.orders} orders, {args.customers} customers, {args.products} products")
    print(f"build: {built:.2f} s; peak RSS {peak_rss_mb():.0f} MB (was {rss0:.0f} MB before building)")
    for name, template in PATHS:
        with Emulator(cfg) as emu:  # a fresh store per path: every page is generated cold
            conn = http.client.HTTPConnection("127.0.0.1", emu.port)
            headers = {"X-Auth-Token": emu.access_token, "Accept": "application/json"}
            cpu = []
            # one unmeasured page first (a later one: the measured pages stay cold): process-wide warm-up
            # such as the per-day date prefixes, which a long-running server has long paid
            conn.request("GET", f"/stores/{emu.store_hash}" + template.format(page=args.repeat + 1), headers=headers)
            conn.getresponse().read()
            for page in range(1, args.repeat + 1):
                c0 = time.process_time()
                conn.request("GET", f"/stores/{emu.store_hash}" + template.format(page=page), headers=headers)
                body = conn.getresponse().read()
                cpu.append((time.process_time() - c0) * 1000)
            times = [e.latency_ms for e in emu.request_log[-args.repeat:]]
            print(f"{name:26s} wall median {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms  "
                  f"CPU median {statistics.median(cpu):6.1f} ms  min {min(cpu):6.1f} ms  ({len(body) // 1024} KB/page)")
            conn.close()
    print(f"peak RSS after serving: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
