"""Store: the ground truth of one emulated BigCommerce store, as one object for the routes, the mutation
writer, tests and benchmarks.

Its data is a StoreState (state.py); `full`/`records` read through records.py; create, update and delete
go to mutations.py, the cart steps to carts.py. Those modules take the state and never import this one.
"""

from __future__ import annotations

from typing import Any

from bc_emulator import carts, mutations, records
from bc_emulator.state import Mutation, StoreState

__all__ = ["Mutation", "Store"]


class Store(StoreState):
    # -- records (see records.py) ----------------------------------------------------------------------
    def full(self, resource: str, rid: int) -> dict[str, Any] | None:
        """The internal record (every sub-list), or None if it does not exist or was deleted (read-only)."""
        return records.full(self, resource, rid)

    def records(self, resource: str) -> list[dict[str, Any]]:
        """Every current record exactly as the API serves it (with every include), in id order."""
        return records.served(self, resource)

    # -- mutations (see mutations.py) -------------------------------------------------------------------
    def create(self, resource: str, **fields: Any) -> int:
        return mutations.create(self, resource, fields)

    def update(self, resource: str, rid: int, **fields: Any) -> None:
        mutations.update(self, resource, rid, fields)

    def delete(self, resource: str, rid: int) -> None:
        mutations.delete(self, resource, rid)

    # -- carts (see carts.py) ---------------------------------------------------------------------------
    def create_cart(self, customer_id: int | None = None) -> str:
        return carts.create(self, customer_id)

    def abandon_cart(self, cart_id: str) -> None:
        carts.abandon(self, cart_id)

    def convert_cart(self, cart_id: str) -> int:
        return carts.convert(self, cart_id)

    def expire_cart(self, cart_id: str) -> None:
        carts.expire(self, cart_id)
