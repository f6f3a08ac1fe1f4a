"""Errors the BigCommerce client raises, each with a message a user can act on.

Every message names the request (method, path, query) but never the access token: the token only
ever lives in the session's headers, and `safe_query` drops any parameter that could carry a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

_SECRET_PARAM_WORDS = ("token", "secret", "password", "auth", "key")


def safe_query(params: Mapping[str, Any] | None) -> str:
    """The query string of a request with any secret-looking parameter removed."""
    if not params:
        return ""
    kept = {k: v for k, v in params.items() if not any(w in k.lower() for w in _SECRET_PARAM_WORDS)}
    return urlencode(kept, safe=":,")


def describe_request(method: str, path: str, params: Mapping[str, Any] | None = None) -> str:
    """`GET /v3/customers?limit=250` (what the messages call the request)."""
    query = safe_query(params)
    return f"{method} {path}" + (f"?{query}" if query else "")


class BigCommerceError(Exception):
    """Base class: every client failure. `request` names the request that failed (no secrets)."""

    def __init__(self, message: str, *, request: str = "", status: int | str | None = None) -> None:
        super().__init__(message)
        self.request = request
        self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(BigCommerceError):
    """401: the store rejected the access token. Never retried."""


class ScopeError(BigCommerceError):
    """403: the token lacks the OAuth scope a path needs; `scope` is the one to grant (None if unknown)."""

    def __init__(self, message: str, *, request: str = "", status: int | str | None = 403,
                 scope: str | None = None) -> None:
        super().__init__(message, request=request, status=status)
        self.scope = scope


class StoreNotFoundError(BigCommerceError):
    """404 on the store itself: the store hash is wrong."""


class ApiUnreachableError(BigCommerceError):
    """The API URL cannot be reached at all (connection refused, unknown host)."""


class ApiUnavailableError(BigCommerceError):
    """The retry budget is spent: the API kept failing (5xx, resets, timeouts, truncated bodies, 429s)."""


class ApiRequestError(BigCommerceError):
    """Any other 4xx the pipeline cannot recover from (400, 404 on a resource, 413, 422, ...)."""
