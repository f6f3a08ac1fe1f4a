"""The soak's sender: webhook deliveries at a steady rate, each with a unique `hash` so the audit can find it.

Delivery i is due at start + i / rate; a few threads send them (the receiver closes each connection, as
BigCommerce's deliveries are one request each). Late deliveries are sent at once, never skipped, and the lag
is reported: a sender that could not keep the rate would make the figures meaningless.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import requests

from bc_pipeline.webhooks.receiver import DEFAULT_SECRET_HEADER

SCOPES = {"customers": "store/customer/updated", "orders": "store/order/updated",
          "products": "store/product/updated"}
POISON_ID = 2**63  # past BIGINT: must be quarantined, never block


@dataclass
class SendReport:
    sent: int = 0
    accepted: set[str] = field(default_factory=set)  # hashes answered 200
    statuses: Counter = field(default_factory=Counter)
    poison_sent: int = 0
    max_lag_s: float = 0.0
    seconds: float = 0.0


def payload(n: int, ids: Mapping[str, Sequence[int]], poison_share: float, rng: random.Random) -> tuple[dict, bool]:
    poison = rng.random() < poison_share
    stream = rng.choice(sorted(ids))
    record = POISON_ID if poison else rng.choice(ids[stream])
    return ({"scope": SCOPES[stream], "store_id": "1", "data": {"type": stream[:-1], "id": record},
             "hash": f"soak-{n}", "created_at": int(time.time()), "producer": "stores/soak"}, poison)


def send_steadily(url: str, secret: str, ids: Mapping[str, Sequence[int]], *, rate: float, seconds: float,
                  poison_share: float, threads: int = 8, seed: int = 7) -> SendReport:
    report = SendReport()
    total = int(rate * seconds)
    lock = threading.Lock()
    next_n = iter(range(total))
    start = time.monotonic()

    def worker(worker_seed: int) -> None:
        rng = random.Random(worker_seed)
        session = requests.Session()
        while True:
            with lock:
                n = next(next_n, None)
            if n is None:
                return
            due = start + n / rate
            time.sleep(max(0.0, due - time.monotonic()))
            body, poison = payload(n, ids, poison_share, rng)
            lag = time.monotonic() - due
            try:
                status = session.post(url, data=json.dumps(body), timeout=30,
                                      headers={DEFAULT_SECRET_HEADER: secret}).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            with lock:
                report.sent += 1
                report.poison_sent += poison
                report.statuses[status] += 1
                report.max_lag_s = max(report.max_lag_s, lag)
                if status == 200:
                    report.accepted.add(body["hash"])

    workers = [threading.Thread(target=worker, args=(seed + i,), name=f"soak-sender-{i}") for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    report.seconds = time.monotonic() - start
    return report
