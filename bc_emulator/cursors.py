"""Opaque cursors for /v3/customers `after`/`before`: base64 of JSON naming the last record's sort position.

With the default order the cursor is base64('{"id":204}'), like the reference example `eyJpZCI6MjA0fQ`;
with a sort it also carries the sort value ("v"), so a cursor stays valid while records move.
"""

from __future__ import annotations

import base64
import json

from bc_emulator.errors import ApiError


def encode(rid: int, value: object | None = None) -> str:
    payload: dict[str, object] = {"id": int(rid)}
    if value is not None:
        payload["v"] = value
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode(cursor: str) -> tuple[int, object | None]:
    try:
        payload = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return int(payload["id"]), payload.get("v")
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(422, "The cursor is invalid.", {"after": "invalid cursor"}) from exc
