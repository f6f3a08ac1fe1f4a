"""Webhook subscriptions on the store (/v3/hooks): list them, create the ones the pipeline needs, and remove
them (disconnecting a store: only the hooks to the pipeline's destination).

`ensure_hooks` is idempotent: BigCommerce allows one hook per scope and destination, so a scope that already
has a hook to the destination is skipped, or updated in place when it was deactivated (BigCommerce
deactivates a hook after 48 hours of failed deliveries) or its headers changed (a new shared secret).

Reads go through BigCommerceClient (retries, rate limits). The client only GETs, so the few writes here
(one POST, PUT or DELETE per hook) use a short-lived session of their own with the same token in a header; no
message built here contains the token or any header value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.errors import ApiRequestError

HOOKS_PATH = "/v3/hooks"


@dataclass(frozen=True)
class Hook:
    id: int
    scope: str
    destination: str
    is_active: bool
    headers: dict[str, str]

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Hook:
        return cls(int(raw["id"]), str(raw["scope"]), str(raw["destination"]), bool(raw.get("is_active")),
                   dict(raw.get("headers") or {}))


def list_hooks(client: BigCommerceClient) -> list[Hook]:
    """Every hook the token's API account owns (other accounts' hooks are invisible to it)."""
    hooks: list[Hook] = []
    page = 1
    while True:
        body = client.get_json(HOOKS_PATH, {"page": page, "limit": 250})
        if not isinstance(body, dict):  # the v2-style bare array some docs show
            return [Hook.from_api(h) for h in body or []]
        data = body.get("data") or []
        hooks.extend(Hook.from_api(h) for h in data)
        pagination = (body.get("meta") or {}).get("pagination") or {}
        if not data or page >= int(pagination.get("total_pages") or 1):
            return hooks
        page += 1


@dataclass(frozen=True)
class Outcome:
    scope: str
    action: str  # "created" | "exists" | "reactivated" | "updated" | "removed"
    hook_id: int


def ensure_hooks(
    client: BigCommerceClient, access_token: str, destination: str, scopes: Iterable[str],
    headers: Mapping[str, str],
) -> list[Outcome]:
    existing = {h.scope: h for h in list_hooks(client) if h.destination == destination}
    outcomes = []
    with _Writer(client, access_token) as writer:
        for scope in scopes:
            hook = existing.get(scope)
            body = {"scope": scope, "destination": destination, "is_active": True, "headers": dict(headers)}
            if hook is None:
                created = writer.send("POST", HOOKS_PATH, body)
                outcomes.append(Outcome(scope, "created", int(created["id"])))
            elif not hook.is_active or hook.headers != dict(headers):
                writer.send("PUT", f"{HOOKS_PATH}/{hook.id}", body)
                outcomes.append(Outcome(scope, "reactivated" if not hook.is_active else "updated", hook.id))
            else:
                outcomes.append(Outcome(scope, "exists", hook.id))
    return outcomes


def remove_hooks(client: BigCommerceClient, access_token: str, destination: str) -> list[Outcome]:
    """Delete this account's hooks whose destination is `destination` (DELETE /v3/hooks/{id}); hooks to any
    other destination, and other accounts' hooks (invisible to this token), are left alone."""
    ours = [h for h in list_hooks(client) if h.destination == destination]
    with _Writer(client, access_token) as writer:
        for hook in ours:
            writer.send("DELETE", f"{HOOKS_PATH}/{hook.id}", {"scope": hook.scope}, send_body=False)
    return [Outcome(h.scope, "removed", h.id) for h in ours]


class _Writer:
    def __init__(self, client: BigCommerceClient, access_token: str):
        self.base = f"{client.api_url}/stores/{client.store_hash}"
        self.timeout = client.timeout
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": access_token, "Accept": "application/json",
                                     "Content-Type": "application/json"})

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def send(self, method: str, path: str, body: dict[str, Any], send_body: bool = True) -> dict[str, Any]:
        what = f"{method} {path} (scope {body['scope']})"
        try:
            response = self.session.request(method, self.base + path, data=json.dumps(body) if send_body else None,
                                            timeout=self.timeout)
        except requests.RequestException as exc:
            raise ApiRequestError(f"{what} failed: {type(exc).__name__}", request=what, status=None) from None
        if response.status_code >= 300:
            raise ApiRequestError(f"BigCommerce answered {response.status_code} to {what}: {_error_text(response)}",
                                  request=what, status=response.status_code)
        parsed = response.json() if response.content.strip() else {}
        return parsed.get("data", parsed) if isinstance(parsed, dict) else {}


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return f"{body.get('title', '')} {json.dumps(body.get('errors', ''))}".strip()[:300]
    return str(body)[:300]
