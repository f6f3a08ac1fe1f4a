"""From inbox files to a plan: which ids to refetch and which to mark deleted, per stream.

A file holds one payload (a JSON object), several (a JSON array, or newline-delimited JSON), and is the unit
of acceptance: if any part of it is not JSON, over the size limit, or not a webhook envelope, the whole file
is rejected with a one-line reason (it goes to quarantine whole, so nothing in it is lost).

De-duplication happens twice. By (scope, hash): BigCommerce re-delivers an event with the same hash, and
those are counted as duplicates. (Not by hash alone: the hash covers `data` only, so "customer 5 updated" and
"customer 5 deleted" share one.) Then by record: any number of events naming the same record become one id
in one set. A delete wins over changes to the same record, whatever the order the events arrived in,
because BigCommerce never reuses an id: once gone, a refetch could only confirm it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bc_pipeline.config import WEBHOOK_MAX_BYTES
from bc_pipeline.webhooks.carts import CartEvent, cart_event
from bc_pipeline.webhooks.models import WebhookPayload
from bc_pipeline.webhooks.routing import producer_hash
from bc_pipeline.webhooks.scopes import ShapeError, Target, target_of

DEFAULT_MAX_BYTES = WEBHOOK_MAX_BYTES


class RejectedFile(ValueError):
    """The file cannot be applied; the message is the one-line reason written beside it in quarantine."""


@dataclass(frozen=True)
class Event:
    file: str
    scope: str
    hash: str
    created_at: int
    target: Target | None  # None: a scope the pipeline does not store (or a cart event, below)
    cart: CartEvent | None = None  # store/cart/abandoned or converted (webhooks/carts.py)


@dataclass
class Plan:
    refetch: dict[str, set[int]] = field(default_factory=dict)
    delete: dict[str, set[int]] = field(default_factory=dict)
    events: int = 0
    duplicates: int = 0
    ignored_scopes: Counter = field(default_factory=Counter)
    carts: list[CartEvent] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(map(len, self.refetch.values())) + sum(map(len, self.delete.values()))


def read_events(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, store_hash: str | None = None) -> list[Event]:
    """Parse and validate one file; raises RejectedFile with the reason. With `store_hash`, a payload whose
    producer names another store is rejected (webhooks/routing.py)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise RejectedFile(f"too large: {size} bytes, over the limit of {max_bytes}")
    with path.open("rb") as fh:
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise RejectedFile(f"too large: over the limit of {max_bytes} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RejectedFile(f"not UTF-8 text (byte {exc.start})") from None
    values = _json_values(text)
    if store_hash is not None:
        for n, obj in enumerate(values, start=1):
            other = producer_hash(obj)
            if other is not None and other != store_hash.lower():
                where = f"payload {n}: " if n > 1 else ""
                raise RejectedFile(f"{where}a webhook of store {other}, not of this store ({store_hash}): not applied")
    return [_event(path.name, obj, n) for n, obj in enumerate(values, start=1)]


def _json_values(text: str) -> list[object]:
    if not text.strip():
        raise RejectedFile("empty file")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return [_ndjson_line(line, n) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if isinstance(value, list):
        if not value:
            raise RejectedFile("an empty JSON array")
        return value
    return [value]


def _ndjson_line(line: str, n: int) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise RejectedFile(f"not valid JSON (line {n}, column {exc.colno}: {exc.msg})") from None


def _event(file: str, obj: object, n: int) -> Event:
    where = f"payload {n}: " if n > 1 else ""
    if not isinstance(obj, dict):
        raise RejectedFile(f"{where}not a webhook: a JSON {type(obj).__name__}, not an object")
    try:
        payload = WebhookPayload.model_validate(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        raise RejectedFile(f"{where}not a webhook: {loc}: {err['msg']}") from None
    try:
        target = target_of(payload)
    except ShapeError as exc:
        raise RejectedFile(f"{where}not a known webhook shape: {exc}") from None
    return Event(file, payload.scope, payload.hash, payload.created_at, target, cart_event(payload))


def plan_events(events: list[Event]) -> Plan:
    plan = Plan(events=len(events))
    seen: set[tuple[str, str]] = set()
    changed: dict[str, set[int]] = defaultdict(set)
    deleted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if (event.scope, event.hash) in seen:
            plan.duplicates += 1
            continue
        seen.add((event.scope, event.hash))
        if event.cart is not None:
            plan.carts.append(event.cart)
        if event.target is None and event.cart is None:
            plan.ignored_scopes[event.scope] += 1
        elif event.target is None:
            continue
        elif event.target.delete:
            deleted[event.target.stream].add(event.target.id)
        else:
            changed[event.target.stream].add(event.target.id)
    plan.delete = {s: ids for s, ids in sorted(deleted.items())}
    plan.refetch = {
        s: remaining for s, ids in sorted(changed.items()) if (remaining := ids - deleted.get(s, set()))
    }
    return plan
