"""MutationWriter: a background thread that keeps changing the store while clients page through it.

About `rate` mutations per second: 70% updates, 20% creates, 10% deletes (orders: archive), spread over
customers, orders, products, variants and subscribers; and carts (one step in eight): a new cart abandoned,
or (30%) an open cart converted into an order. Each bumps date_modified, so a client that pages
naively by page number over a date_modified sort can be caught skipping or repeating records.
"""

from __future__ import annotations

import random
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bc_emulator.store import Store

RESOURCES = ("orders", "orders", "customers", "customers", "products", "variants", "subscribers", "carts")


class MutationWriter:
    def __init__(self, store: Store, rate: float, seed: int) -> None:
        self.store, self.rate = store, rate
        self._rnd = random.Random(f"writer:{seed}")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bc-emulator-writer", daemon=True)
        self.done = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(1.0 / self.rate):
            try:
                self.step()
            except (KeyError, ValueError):
                continue  # picked a record that just went away; try another next tick

    def step(self) -> None:
        rnd, store = self._rnd, self.store
        resource = rnd.choice(RESOURCES)
        if resource == "carts":
            self._cart_step()
            self.done += 1
            return
        with store.lock:
            table = store.tables[resource]
            live = table.live()
            if not len(live):
                return
            rid = int(table.ids[live[rnd.randrange(len(live))]])
            action = rnd.random()
            if action < 0.7:
                store.update(resource, rid, **self._patch(resource, rid))
            elif action < 0.9:
                if resource == "variants":
                    store.update(resource, rid, inventory_level=rnd.randrange(0, 100))
                else:
                    store.create(resource)
            elif resource != "variants":
                store.delete(resource, rid)
        self.done += 1

    def _cart_step(self) -> None:
        """A shopper leaves a cart (created, then abandoned), or an abandoned cart becomes an order."""
        rnd, store = self._rnd, self.store
        with store.lock:
            open_carts = sorted(store.carts)
            if open_carts and rnd.random() < 0.3:
                store.convert_cart(open_carts[rnd.randrange(len(open_carts))])
                return
            customers = store.tables["customers"]
            live = customers.live()
            customer = int(customers.ids[live[rnd.randrange(len(live))]]) if len(live) and rnd.random() < 0.7 else None
            store.abandon_cart(store.create_cart(customer))

    def _patch(self, resource: str, rid: int) -> dict:
        rnd = self._rnd
        if resource == "orders":
            return {"status_id": rnd.choice((2, 10, 11, 9, 5)), "staff_notes": f"writer {self.done}"}
        if resource == "customers":
            return {"notes": f"updated by the writer ({self.done})"}
        if resource == "products":
            return {"inventory_level": rnd.randrange(0, 500)}
        if resource == "variants":
            return {"inventory_level": rnd.randrange(0, 100)}
        return {"consents": rnd.choice((["marketing_newsletter"], []))}
