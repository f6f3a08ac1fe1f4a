"""The HTTP side: a stdlib ThreadingHTTPServer (HTTP/1.1 keep-alive) whose handler finds the store by its
hash, checks shedding, auth, quota, scope and faults, routes the request, adds latency, answers and logs it.

Order of checks for /stores/{hash}/{v2|v3}/...: unknown path prefix or store hash -> 404 (with the first
store's rate-limit headers, nothing consumed); then everything is that store's own (served.py): shed fault ->
header-less 429; missing/invalid X-Auth-Token for this store -> 401; its quota spent -> 429 with reset
headers; missing scope -> 403; injected fault; then the route (404/405 for unknown paths).
"""

from __future__ import annotations

import json
import re
import socket
import sys
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from bc_emulator import faults, routes
from bc_emulator.errors import FORBIDDEN, UNAUTHORIZED_V3, ApiError
from bc_emulator.gc_pause import gc_paused
from bc_emulator.request import Request, Response
from bc_emulator.request_log import RequestLog, RequestLogEntry
from bc_emulator.scopes import has_scope

if TYPE_CHECKING:
    from bc_emulator.served import ServedStore

PREFIX = re.compile(r"^/stores/([^/]+)/(v2|v3)(/.*)?$")


def encode_body(body: Any) -> bytes:
    """Compact UTF-8 JSON (byte-identical to json.dumps(..., ensure_ascii=False, separators=(",", ":"))
    for what the emulator serves), about 10x faster than the stdlib: a 1.8 MB orders page in ~6 ms, not ~60.
    orjson refuses integers past 64 bits (a record a test created with one): those bodies go to the stdlib."""
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], stores: Mapping[str, ServedStore], log: RequestLog) -> None:
        self.stores, self.log = stores, log
        self.first = next(iter(stores.values()))
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (an interrupted sync) is not an error worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes; without this, Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet; the request log is the record
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        started, t0 = time.time(), time.perf_counter()
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._pending_log = (method, parts.path, query, t0, started)
        try:
            self._serve(method, parts.path, query, body)
        finally:
            self._log(0)  # no-op unless nothing was sent (reset, or an error escaped)

    def _log(self, status: int) -> None:
        """Log the request once, before its response is written, so a client that has read the
        response always finds it in the log."""
        pending, self._pending_log = getattr(self, "_pending_log", None), None
        if pending is None:
            return
        method, path, query, t0, started = pending
        self.server.log.add(
            RequestLogEntry(method, path, query, status, round((time.perf_counter() - t0) * 1000, 3), started))

    def _serve(self, method: str, path: str, query: dict[str, str], body: bytes) -> int:
        match = PREFIX.match(path)
        version = match.group(2) if match else "v3"
        served = self.server.stores.get(match.group(1)) if match else None
        if served is None:
            headers = self.server.first.limiter.take(False)[1]
            return self._send(404, ApiError(404, "Store not found.").body(version), headers)
        cfg = served.config
        shed, fault = served.trouble.draw(cfg)
        if shed:
            return self._send(429, None, {})  # load shedding: no rate-limit headers, no body
        token = self.headers.get("X-Auth-Token", "")
        scopes = served.scopes_for(token)
        if scopes is None:
            err = ApiError(401, UNAUTHORIZED_V3 if version == "v3" else "You must be authenticated to access this resource.")
            return self._send(401, err.body(version), served.limiter.take(False)[1])
        allowed, headers = served.limiter.take()
        if not allowed:
            return self._send(429, ApiError(429, "Too many requests", {}).body("v3"), headers)
        rest = match.group(3) or "/"
        resolved = routes.resolve(method, version, rest)
        if resolved is None:
            return self._send(404, ApiError(404, "The requested resource was not found.").body(version), headers)
        if resolved == "405":
            return self._send(405, ApiError(405, "Method Not Allowed").body(version), headers)
        handler, args, scope = resolved
        if not has_scope(scopes, scope):
            return self._send(403, ApiError(403, FORBIDDEN, {} if version == "v3" else None).body(version), headers)
        if fault in ("reset",):
            self._log(0)
            faults.reset(self)
            return 0
        if fault in ("500", "502", "503"):
            return self._send(int(fault), faults.error_body(int(fault), version), headers)
        req = Request(method, version, rest, query, body, token, served, time.time())
        try:
            with gc_paused():  # until the page is bytes: its served copies then die without a GC pass
                with served.store.lock:
                    resp = handler(req, *args)
                if resp.body is not None and resp.status != 204:
                    resp.body = encode_body(resp.body)
        except ApiError as err:
            resp = Response(err.status, err.body(version))
        except Exception as exc:  # a bug or an input no check foresaw: still an answer, never a dropped connection
            resp = Response(500, ApiError(500, f"Internal emulator error ({type(exc).__name__})").body(version))
        faults.sleep_latency(cfg, resp.records)
        if fault == "slow":
            time.sleep(cfg.slow_ms / 1000)
        return self._send(resp.status, resp.body, {**headers, **resp.headers}, truncate=fault == "truncated")

    def _send(self, status: int, body: Any, headers: dict[str, str], truncate: bool = False) -> int:
        if body is None or status == 204:
            payload = b""
        else:
            payload = body if isinstance(body, bytes) else encode_body(body)
        self._log(status)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 204:
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if truncate:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                faults.reset(self)
            elif payload:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        return status
