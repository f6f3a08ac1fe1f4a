"""GET /v2/time, GET /v2/store, and webhook subscriptions: GET/POST /v3/hooks, GET/PUT/DELETE /v3/hooks/{id}.

Hooks are kept per client (a client id derived from the token), as documented: "Webhooks created with one
token are not visible when you retrieve webhooks using a different token". Nothing is ever delivered over
HTTP; the emulator writes webhook payload files instead (see webhook_files.py).
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from bc_emulator import listing
from bc_emulator.errors import ApiError, not_found
from bc_emulator.request import Request, Response, v3_list

_hooks_lock = threading.Lock()


def client_id(token: str) -> str:
    return hashlib.sha1(f"client:{token}".encode()).hexdigest()[:31]


def store_time(req: Request) -> Response:
    return Response(200, {"time": int(req.now)})


def store_info(req: Request) -> Response:
    s = req.store
    return Response(200, {
        "id": s.store_hash, "account_uuid": "8d4d492f-17a1-4d95-b396-e1c5720815a5",
        "domain": "emulator.example", "secure_url": "https://emulator.example",
        "control_panel_base_url": f"https://store-{s.store_hash}.mybigcommerce.com", "status": "live",
        "name": "bc_pipeline emulator", "first_name": "Jane", "last_name": "Doe", "address": "1 Example Street",
        "country": "United States", "country_code": "US", "infrastructure_region": "us-central1",
        "phone": "555-123-4567", "admin_email": "admin@emulator.example", "order_email": "orders@emulator.example",
        "favicon_url": "", "timezone": {"name": "Etc/UTC", "raw_offset": 0, "dst_offset": 0,
                                        "dst_correction": False, "date_format": {"display": "M jS Y",
                                                                                 "export": "M jS Y",
                                                                                 "extended_display": "M jS Y @ g:i A"}},
        "language": "en", "currency": "USD", "currency_symbol": "$", "decimal_separator": ".",
        "thousands_separator": ",", "decimal_places": 2, "currency_symbol_location": "left",
        "weight_units": "Ounces", "dimension_units": "Inches", "dimension_decimal_places": 2,
        "dimension_decimal_token": ".", "dimension_thousands_token": ",", "plan_name": "Standard",
        "plan_level": "Standard", "plan_is_trial": False, "industry": "Home & Garden", "logo": {"url": ""},
        "is_price_entered_with_tax": False, "store_id": s.store_id, "default_channel_id": 1,
        "default_site_id": 1000, "active_comparison_modules": [],
        "features": {"stencil_enabled": True, "sitewidehttps_enabled": True, "facebook_catalog_id": "",
                     "checkout_type": "optimized", "wishlists_enabled": True,
                     "graphql_storefront_api_enabled": True, "shopper_consent_tracking_enabled": True,
                     "multi_storefront_enabled": True},
    })


def _mine(req: Request) -> list[dict[str, Any]]:
    cid = client_id(req.token)
    return [h for h in req.served.hooks.values() if h["client_id"] == cid]


def hooks(req: Request) -> Response:
    page, limit = listing.page_and_limit(req.query, "v3")
    rows = sorted(_mine(req), key=lambda h: h["id"])
    for name in ("scope", "destination"):
        if req.query.get(name):
            rows = [h for h in rows if h[name] == req.query[name]]
    if req.query.get("is_active") in ("true", "false"):
        rows = [h for h in rows if h["is_active"] == (req.query["is_active"] == "true")]
    return v3_list(rows[(page - 1) * limit: page * limit], len(rows), limit, page)


def _validate(body: dict[str, Any], partial: bool) -> None:
    errors = {}
    for name in ("scope", "destination"):
        if not partial and not body.get(name):
            errors[name] = "error.path.missing."
        elif name in body and not isinstance(body[name], str):
            errors[name] = "error.expected.jsstring"
    if "destination" in body and isinstance(body["destination"], str) and not body["destination"].startswith("https://"):
        errors["destination"] = "must be an https URL on port 443"
    if "is_active" in body and not isinstance(body["is_active"], bool):
        errors["is_active"] = "error.expected.jsboolean"
    if "headers" in body and body["headers"] is not None and not isinstance(body["headers"], dict):
        errors["headers"] = "error.expected.jsobject"
    if errors:
        raise ApiError(422, "JSON data is missing or invalid", errors)


def create_hook(req: Request) -> Response:
    body = req.json_body()
    _validate(body, partial=False)
    now = int(req.now)
    cid = client_id(req.token)
    with _hooks_lock:
        for h in req.served.hooks.values():
            if h["client_id"] == cid and h["scope"] == body["scope"] and h["destination"] == body["destination"]:
                raise ApiError(422, "JSON data is missing or invalid",
                               {"scope": "a webhook with this scope and destination already exists"})
        hid = max(req.served.hooks, default=18048286) + 1
        hook = {"id": hid, "client_id": cid, "store_hash": req.store.store_hash, "created_at": now,
                "updated_at": now, "scope": body["scope"], "destination": body["destination"],
                "is_active": body.get("is_active", True), "headers": body.get("headers") or {}}
        req.served.hooks[hid] = hook
    return Response(200, {"data": hook, "meta": {}}, 1)


def _hook(req: Request, hid: str) -> dict[str, Any]:
    hook = req.served.hooks.get(int(hid))
    if hook is None or hook["client_id"] != client_id(req.token):
        raise not_found("v3")
    return hook


def get_hook(req: Request, hid: str) -> Response:
    return Response(200, {"data": _hook(req, hid), "meta": {}}, 1)


def update_hook(req: Request, hid: str) -> Response:
    hook = _hook(req, hid)
    body = req.json_body()
    _validate(body, partial=True)
    with _hooks_lock:
        hook.update({k: v for k, v in body.items() if k in ("scope", "destination", "is_active", "headers")})
        hook["updated_at"] = int(time.time())
    return Response(200, {"data": hook, "meta": {}}, 1)


def delete_hook(req: Request, hid: str) -> Response:
    hook = _hook(req, hid)
    with _hooks_lock:
        req.served.hooks.pop(hook["id"], None)
    return Response(200, {"data": hook, "meta": {}}, 1)
