"""Request and Response as the route handlers see them, plus the v3 envelope and v2 list helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bc_emulator.errors import ApiError, not_found

if TYPE_CHECKING:
    from bc_emulator.served import ServedStore
    from bc_emulator.store import Store


@dataclass
class Request:
    method: str
    version: str  # "v2" | "v3"
    rest: str  # path after /stores/{hash}/{version}, e.g. "/orders/5/products"
    query: dict[str, str]
    body: bytes
    token: str
    served: ServedStore  # the store the path names: its data, tokens and webhook subscriptions
    now: float

    @property
    def store(self) -> Store:
        return self.served.store

    def record(self, resource: str, rid: str | int) -> dict[str, Any]:
        """The store's internal record (read-only), or this version's 404 if it does not exist or was deleted."""
        full = self.store.full(resource, int(rid))
        if full is None:
            raise not_found(self.version)
        return full

    def includes(self) -> set[str]:
        return {v.strip() for v in self.query.get("include", "").split(",") if v.strip()}

    def json_body(self) -> dict[str, Any]:
        import json
        try:
            data = json.loads(self.body or b"null")
        except ValueError as exc:
            raise ApiError(400, "Input is invalid.") from exc
        if not isinstance(data, dict):
            raise ApiError(422, "JSON data is missing or invalid", {"body": "must be a JSON object"})
        return data


@dataclass
class Response:
    status: int
    body: Any = None
    records: int = 0
    headers: dict[str, str] = field(default_factory=dict)


def v2_list(records: list[dict[str, Any]]) -> Response:
    """A v2 collection: a bare array, or 204 No Content when empty (past the last page)."""
    if not records:
        return Response(204)
    return Response(200, records, len(records))


def v3_pagination(total: int, count: int, per_page: int, page: int) -> dict[str, Any]:
    total_pages = max(1, math.ceil(total / per_page)) if total else 0
    links: dict[str, str] = {}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={per_page}"
    links["current"] = f"?page={page}&limit={per_page}"
    if page < total_pages:
        links["next"] = f"?page={page + 1}&limit={per_page}"
    return {"total": total, "count": count, "per_page": per_page, "current_page": page,
            "total_pages": total_pages, "links": links}


def v3_list(records: list[dict[str, Any]], total: int, per_page: int, page: int) -> Response:
    body = {"data": records, "meta": {"pagination": v3_pagination(total, len(records), per_page, page)}}
    return Response(200, body, len(records))
