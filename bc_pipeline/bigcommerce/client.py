"""The BigCommerce HTTP client: one pooled session, retries, rate limits, and errors users can act on.

`get_json(path, params)` is the one way the pipeline talks to the API. Inside it:
* the quota gate (ratelimit.py) paces the request by the rate-limit headers of every response;
* urllib3 retries 5xx, resets and timeouts with backoff (retries.py); truncated bodies are retried here,
  from the same per-call budget; a 429 waits what it was told and is retried outside that budget
  (bounded by `max_throttled`);
* 401/403/404-on-store fail at once with AuthError/ScopeError/StoreNotFoundError (errors.py).
The access token lives only in the session headers: no message, repr or log line contains it.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import requests
from requests import exceptions as rexc
from urllib3 import exceptions as uexc

from bc_pipeline.bigcommerce.dates import from_unix
from bc_pipeline.bigcommerce.errors import (
    ApiRequestError,
    ApiUnavailableError,
    ApiUnreachableError,
    AuthError,
    ScopeError,
    StoreNotFoundError,
    describe_request,
)
from bc_pipeline.bigcommerce.json_body import parse_json
from bc_pipeline.bigcommerce.ratelimit import QuotaGate
from bc_pipeline.bigcommerce.retries import BudgetedRetryAdapter, retries_used
from bc_pipeline.bigcommerce.scopes import scope_for_path
from bc_pipeline.bigcommerce.stats import RequestStats
from bc_pipeline.bigcommerce.store_clock import StoreClock

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "bc_pipeline/0.1 (BigCommerce to DuckDB ETL; python-requests)"
_TRUNCATION_ERRORS = (rexc.ChunkedEncodingError, rexc.ContentDecodingError, uexc.ProtocolError,
                      rexc.ConnectionError, rexc.Timeout)
_ITEM_PATH = re.compile(r"/(\d+|[0-9a-fA-F]{8}-[0-9a-fA-F-]{27})(/|$)")  # an id: a number, or a cart UUID
# What a header value may hold. requests refuses anything else and quotes the whole value in its error,
# which would carry the token into the stream's error line, the event log and the sync state table.
_HEADER_VALUE = re.compile(r"[\x21-\x7e]+")


def _session_reading_the_environment_once(url: str) -> requests.Session:
    """A session with the environment's proxies and CA bundle for `url`, read now: with `trust_env` requests
    reads them, and looks for a ~/.netrc, on every request (a few percent of a large sync's CPU)."""
    session = requests.Session()
    found = session.merge_environment_settings(url, {}, None, None, None)
    session.trust_env = False
    session.proxies.update(found["proxies"])
    session.verify, session.cert = found["verify"], found["cert"]
    return session


class BigCommerceClient:
    """Thread-safe client for one store. Paths are '/v3/...' or '/v2/...'; '/stores/{hash}' is added."""

    def __init__(self, api_url: str, store_hash: str, access_token: str, *,
                 timeout: tuple[float, float] = (5, 30), max_workers: int = 8, max_retries: int = 5,
                 user_agent: str = DEFAULT_USER_AGENT, backoff_factor: float = 0.5,
                 max_throttled: int = 50, gate: QuotaGate | None = None,
                 clock: StoreClock | None = None, token_env: str = "BC_ACCESS_TOKEN",
                 quota_reserve_percent: int = 0) -> None:
        if not _HEADER_VALUE.fullmatch(access_token):
            raise AuthError(f"the access token in {token_env} holds spaces, line breaks or other characters a "
                            "token never has (it is not shown here); copy it again from the store's API account")
        self.api_url = api_url.rstrip("/")
        self.token_env = token_env  # the variable holding the token, named when the API refuses it
        self.store_hash = store_hash
        self.timeout = timeout
        self.max_workers = max(1, max_workers)
        self.max_retries = max(0, max_retries)
        self.max_throttled = max_throttled
        self.backoff_factor = backoff_factor
        self.gate = gate or QuotaGate(reserve_percent=quota_reserve_percent)  # siblings share it
        self.clock = clock or StoreClock()
        self.stats = RequestStats()
        self._base = f"{self.api_url}/stores/{store_hash}"
        # Connections kept open: a stream's listing runs max_workers requests at once and its completions (up to
        # four batches, each on its own worker pool) as many again; a smaller pool would close and reopen them.
        self._adapter = BudgetedRetryAdapter(backoff_factor=backoff_factor, default_total=self.max_retries,
                                             pool_connections=2, pool_maxsize=5 * self.max_workers)
        self._session = _session_reading_the_environment_once(self._base)
        self._session.mount("http://", self._adapter)
        self._session.mount("https://", self._adapter)
        self._session.headers.update({"X-Auth-Token": access_token, "Accept": "application/json",
                                      "User-Agent": user_agent})

    def __repr__(self) -> str:
        return f"BigCommerceClient(api_url={self.api_url!r}, store_hash={self.store_hash!r})"

    def sibling(self) -> BigCommerceClient:
        """A client for the same store sharing this one's quota gate, with its own session and stats:
        one per stream, so each stream's request count is exact while all share the store's quota."""
        return BigCommerceClient(
            self.api_url, self.store_hash, self._session.headers["X-Auth-Token"], timeout=self.timeout,
            max_workers=self.max_workers, max_retries=self.max_retries, user_agent=self._session.headers["User-Agent"],
            backoff_factor=self.backoff_factor, max_throttled=self.max_throttled, gate=self.gate, clock=self.clock,
            token_env=self.token_env,
        )

    def __enter__(self) -> BigCommerceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def store_time(self) -> datetime:
        """The store's clock (UTC), from GET /v2/time; the reading is kept in `clock`, shared with siblings."""
        body = self.get_json("/v2/time")
        reading = from_unix(int(body["time"]))
        self.clock.remember(reading, time.monotonic())
        return reading

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any | None:
        """GET a path and return its parsed JSON (None for 204 or an empty body)."""
        what = describe_request("GET", path, params)
        url = self._base + path
        used = throttled = 0
        while True:
            asked = time.monotonic()
            self._count_quota_wait(asked, self.gate.acquire())
            response: requests.Response | None = None
            started = time.monotonic()
            try:
                with self._adapter.budget(self.max_retries - used):
                    response = self._session.get(url, params=params, timeout=self.timeout, stream=True)
                used += retries_used(response)
                body = _read_body(response)
                self.stats.add(fetch_seconds=time.monotonic() - started)
            except _TRUNCATION_ERRORS as exc:
                self.gate.release(None if response is None else response.headers)
                if response is None:
                    self.stats.add(requests=1 + self.max_retries - used, retries=self.max_retries - used)
                    raise self._transport_error(exc, what) from None
                response.close()
                used += 1
                self._count(response, b"", truncated=True)
                self._backoff_or_give_up(used, what, f"{response.status_code} with a truncated body")
                continue
            self.gate.release(response.headers)
            self._count(response, body)
            status = response.status_code
            if status == 429:
                throttled += 1
                if throttled > self.max_throttled:
                    raise ApiUnavailableError(
                        f"BigCommerce kept answering 429 (rate limited) to {what} after {throttled - 1} waits",
                        request=what, status=429)
                self.stats.add(throttled=1)
                asked = time.monotonic()
                self._count_quota_wait(asked, self.gate.wait_after_429(response.headers, throttled - 1))
                continue
            if status < 300:
                if status == 204 or not body.strip():
                    return None
                try:
                    started = time.monotonic()
                    parsed = parse_json(body)
                    self.stats.add(parse_seconds=time.monotonic() - started)
                    return parsed
                except ValueError:
                    used += 1
                    self._backoff_or_give_up(used, what, f"{status} with a body that is not JSON")
                    continue
            raise self._status_error(status, body, path, what)

    # -- helpers ---------------------------------------------------------------------------------
    def _count_quota_wait(self, asked: float, seconds: float) -> None:
        """This client's wait for the shared quota gate, from `asked` until now (`seconds` slept)."""
        if seconds:
            self.stats.add(throttled_seconds=seconds)
            self.stats.add_quota_wait(asked, time.monotonic())

    def _count(self, response: requests.Response, body: bytes, truncated: bool = False) -> None:
        repeats = retries_used(response) + (1 if truncated else 0)
        self.stats.add(requests=1 + retries_used(response), retries=repeats, bytes=len(body))

    def _backoff_or_give_up(self, used: int, what: str, last: str) -> None:
        if used > self.max_retries:
            raise ApiUnavailableError(
                f"BigCommerce API unavailable: {what} failed {used} times (retry budget {self.max_retries}); "
                f"last answer: {last}", request=what, status=last)
        self.stats.add(throttled_seconds=self.gate.sleep(min(30.0, self.backoff_factor * (2 ** (used - 1)))))

    def _transport_error(self, exc: Exception, what: str) -> Exception:
        reason: Any = exc
        while reason is not None and not isinstance(reason, uexc.NewConnectionError | uexc.NameResolutionError):
            reason = getattr(reason, "reason", None) or (reason.args[0] if getattr(reason, "args", None)
                                                          and isinstance(reason.args[0], Exception) else None)
        if reason is not None:
            return ApiUnreachableError(
                f"Cannot reach the BigCommerce API at {self.api_url} ({type(reason).__name__}); "
                f"check BC_API_URL and the network", request=what, status="unreachable")
        kind = "timed out" if isinstance(exc, rexc.Timeout) or "timed out" in str(exc).lower() else \
            "connection failed"
        return ApiUnavailableError(
            f"BigCommerce API unavailable: {what} {kind} after {self.max_retries} retries",
            request=what, status=kind)

    def _status_error(self, status: int, body: bytes, path: str, what: str) -> Exception:
        if status == 401:
            return AuthError(f"BigCommerce rejected the access token (401) for {what}; check {self.token_env}",
                             request=what, status=401)
        if status == 403:
            scope = scope_for_path(path)
            grant = f"grant the API account the '{scope}' scope" if scope else "check the API account's scopes"
            return ScopeError(f"The access token may not read {path} (403 for {what}); {grant}",
                              request=what, status=403, scope=scope)
        if status == 404 and not _ITEM_PATH.search(path):
            return StoreNotFoundError(
                f"BigCommerce store '{self.store_hash}' not found (404 for {what}); check BC_STORE_HASH",
                request=what, status=404)
        if status >= 500:
            return ApiUnavailableError(
                f"BigCommerce API unavailable: {what} failed after {self.max_retries} retries; "
                f"last status {status}", request=what, status=status)
        return ApiRequestError(f"BigCommerce answered {status} to {what}: {_error_text(body)}",
                               request=what, status=status)


def _read_body(response: requests.Response) -> bytes:
    """The whole body in one read (`response.content` reads a 2 MB page in 10 kB chunks, a Python call each).
    A body cut short raises urllib3's ProtocolError, as `content` does (urllib3 enforces Content-Length)."""
    body = response.raw.read(decode_content=True)
    response._content = body  # what `response.content` would have cached
    response.raw.release_conn()
    return body


def _error_text(body: bytes) -> str:
    """The title/message of a V3 or V2 error body, short."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace")
    items = parsed if isinstance(parsed, list) else [parsed]
    texts = [str(i.get("title") or i.get("message") or i) for i in items if isinstance(i, dict)]
    return "; ".join(texts)[:300] or str(parsed)[:300]
