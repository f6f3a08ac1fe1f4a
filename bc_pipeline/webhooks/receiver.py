"""The webhook receiver: accepts BigCommerce callbacks and drops each one as a file in the inbox.

It does as little as possible so it can answer 200 at once (BigCommerce blocklists slow or failing
destinations and retries for 48 hours): check the shared-secret header in constant time, check the size and
that the body is JSON, write the body atomically (temp file in the inbox, fsync, rename), answer 200 with no
body. It never fetches anything and never touches DuckDB; the sensor picks the files up.

Fit for bursts and abuse, on the standard library's HTTP server:
* a listen backlog of BACKLOG (1024): a burst of simultaneous deliveries waits in the kernel's queue instead
  of being reset (socketserver's default of 5 reset 40-55% of 500 simultaneous deliveries);
* at most `threads` requests are handled at once, by a fixed pool; while all are busy the accept loop waits
  and new connections queue in the backlog, so memory and threads stay bounded whatever arrives;
* `Content-Length` is required and must be digits only (411 without it or when chunked, 400 when negative or
  not a number, 413 above the limit): a body is never read to EOF;
* each connection has a total deadline (`deadline_s`, default DEADLINE_S): a watchdog shuts down the socket of
  a sender still sending when it passes, however slowly the bytes trickle in (the per-read timeout alone
  restarts with each byte); one request per connection (`Connection: close`), so the deadline is per request;
* one log line per request (logger `bc_pipeline.webhooks.receiver`, INFO): status, method, path, bytes,
  client address and the reason; never a header value, so never the secret.
See docs/webhooks.md for why this is the standard library and not a WSGI server.

The secret travels as a custom header, which is how BigCommerce authenticates callbacks
(`headers` on POST /v3/hooks). Run it behind a TLS-terminating proxy: BigCommerce only calls https on 443.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from bc_pipeline.config import WEBHOOK_SECRET_HEADER
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.plan import DEFAULT_MAX_BYTES
from bc_pipeline.webhooks.routing import producer_hash

log = logging.getLogger(__name__)
DEFAULT_SECRET_HEADER = WEBHOOK_SECRET_HEADER
UNKNOWN_STORE = "a webhook of no configured store (its producer names no store of the stores file); not applied"
BACKLOG = 1024
DEFAULT_THREADS = 16
DEADLINE_S = 10.0
READ_TIMEOUT_S = 5.0  # one read waiting longer than this ends the request sooner than the deadline
DISCARD_CAP = 16 * 1024 * 1024


def write_atomically(folder: Path, body: bytes) -> Path:
    """Write `body` into `folder` under a new unique name: temp file, fsync, rename (never half a file)."""
    name = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:12]}.json"
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        final = folder / name
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a crash
    finally:
        os.close(dir_fd)
    return final


class _Handler(BaseHTTPRequestHandler):
    server: WebhookReceiver
    timeout = READ_TIMEOUT_S
    protocol_version = "HTTP/1.1"
    reason = ""  # why this request got its status; logged with it
    size: int | str = "-"  # the body's declared length, as logged

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        srv = self.server
        length_header = self.headers.get("Content-Length")
        if length_header is not None and length_header.strip().isdigit():
            self.size = int(length_header)
        given = self.headers.get(srv.secret_header, "")
        if not hmac.compare_digest(given.encode("utf-8"), srv.secret.encode("utf-8")):
            return self._answer(HTTPStatus.UNAUTHORIZED, "wrong or missing secret header")
        if self.headers.get("Transfer-Encoding") or length_header is None:
            return self._answer(HTTPStatus.LENGTH_REQUIRED, "no Content-Length")
        if not length_header.strip().isdigit():  # "-1" would read to EOF, past any limit
            return self._answer(HTTPStatus.BAD_REQUEST, f"Content-Length {length_header[:20]!r} is not a size")
        length = int(length_header)
        if length > srv.max_bytes:
            self._discard(length)
            return self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"over the limit of {srv.max_bytes} bytes")
        body = self._body(length)
        if body is None:
            return None
        try:
            payload = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._answer(HTTPStatus.BAD_REQUEST, "body is not JSON")
        inbox = srv.inbox_for(payload)
        try:
            path = write_atomically(inbox.inbox, body)
            if inbox.root == srv.root and srv.routes is not None:  # routing on, and no store's callback
                path = inbox.quarantine(path.name, UNKNOWN_STORE)
        except OSError as exc:
            return self._answer(HTTPStatus.SERVICE_UNAVAILABLE, f"cannot write the inbox: {exc.strerror}")
        with srv.count_lock:
            srv.accepted += 1
        self._answer(HTTPStatus.OK, f"written as {path.name}" + (" (quarantined: no such store)"
                                                                  if path.parent.name == "quarantine" else ""))

    def do_GET(self) -> None:  # noqa: N802
        self._answer(HTTPStatus.METHOD_NOT_ALLOWED, "only POST")

    def _body(self, length: int) -> bytes | None:
        """The whole body, or None (logged) when the sender stopped or the deadline cut it."""
        try:
            body = self.rfile.read(length)
        except OSError:
            body = b""
        if len(body) == length:
            return body
        cut = self.server.connection_state(self.connection).cut
        self.server.count_rejected(408)
        self.close_connection = True
        self._log_line(408, f"{'cut at the deadline' if cut else 'sender stopped'} after {len(body)} bytes")
        return None

    def _discard(self, length: int) -> None:
        """Read (and drop) a too-large body up to a cap, so the sender sees the 413 rather than a reset."""
        left = min(length, DISCARD_CAP)
        while left > 0:
            chunk = self.rfile.read(min(left, 64 * 1024))
            if not chunk:
                break
            left -= len(chunk)

    def _answer(self, status: HTTPStatus, reason: str) -> None:
        if status != HTTPStatus.OK:
            self.server.count_rejected(int(status))
        self.reason = reason
        self.close_connection = True  # one request per connection: the deadline is the request's
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """send_response calls it once per answer: the request's one log line."""
        self._log_line(code, self.reason)

    def _log_line(self, status: int | str, reason: str) -> None:
        """Status, method, path, declared size, client, reason; never a header value, so never the secret."""
        method, _, rest = (getattr(self, "requestline", "") or "-").partition(" ")
        path = rest.rsplit(" ", 1)[0] if rest else "-"
        self.server.connection_state(self.connection).logged = True
        log.info("webhook receiver: %s %s %s %s bytes from %s (%s)", status, method[:10], path[:100], self.size,
                 self.client_address[0], reason or "-")

    def log_error(self, format: str, *args: object) -> None:  # noqa: A002 - overrides the stdlib name
        """http.server's own refusals (a malformed request line, headers too long): the reason of the line."""
        self.reason = (format % args)[:200]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("webhook receiver: %s", format % args)


@dataclass
class _Connection:
    deadline: float  # time.monotonic() past which the watchdog cuts it
    cut: bool = False
    logged: bool = False


class WebhookReceiver(HTTPServer):
    """`with WebhookReceiver(root, secret, port=0) as r: r.url` serves in a background thread."""

    request_queue_size = BACKLOG  # socketserver passes it to listen()

    def __init__(
        self,
        webhook_dir: Path | str,
        secret: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        secret_header: str = DEFAULT_SECRET_HEADER,
        max_bytes: int = DEFAULT_MAX_BYTES,
        threads: int = DEFAULT_THREADS,
        deadline_s: float = DEADLINE_S,
        routes: dict[str, Path] | None = None,
    ):
        if not secret:
            raise ValueError("the webhook receiver needs a shared secret (BC_WEBHOOK_SECRET)")
        self.root = Path(webhook_dir)
        self.inbox_dir = Inbox(webhook_dir).ensure().inbox
        # store hash -> that store's inbox root (webhooks/routing.py); None: every callback into inbox_dir
        self.routes = {h: Inbox(root).ensure() for h, root in routes.items()} if routes is not None else None
        self.secret, self.secret_header, self.max_bytes = secret, secret_header, max_bytes
        self.threads, self.deadline_s = threads, deadline_s
        self.accepted = 0
        self.rejected: dict[int, int] = {}  # HTTP status -> count
        self.busy = self.peak_busy = 0  # requests being handled now, and the most at once
        self.count_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(threads)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bc-webhook-worker")
        self._live: dict[socket.socket, _Connection] = {}  # the connections being handled
        self._stopping = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="bc-webhook-deadline", daemon=True)
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _Handler)
        self._watchdog.start()

    def inbox_for(self, payload: object) -> Inbox:
        """The inbox of the payload's store; the shared root's (to be quarantined) for no configured store."""
        if self.routes is None:
            return Inbox(self.root)
        return self.routes.get(producer_hash(payload) or "", Inbox(self.root))

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def __repr__(self) -> str:  # never shows the secret
        return f"WebhookReceiver(url={self.url!r}, inbox={str(self.inbox_dir)!r})"

    def count_rejected(self, status: int) -> None:
        with self.count_lock:
            self.rejected[status] = self.rejected.get(status, 0) + 1

    def process_request(self, request: socket.socket, client_address: object) -> None:
        """Hand the connection to the pool; wait (the backlog queues new connections) while all are busy."""
        self._slots.acquire()
        with self.count_lock:
            self._live[request] = _Connection(time.monotonic() + self.deadline_s)
            self.busy += 1
            self.peak_busy = max(self.peak_busy, self.busy)
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: socket.socket, client_address: tuple) -> None:
        state = self.connection_state(request)
        try:
            self.finish_request(request, client_address)
        except Exception:
            if not state.cut:
                log.warning("webhook receiver: a request from %s failed", client_address[0], exc_info=True)
        finally:
            if state.cut and not state.logged:
                self.count_rejected(408)
                log.info("webhook receiver: 408 - - - bytes from %s (cut at the deadline before a whole request)",
                         client_address[0])
            with self.count_lock:
                self._live.pop(request, None)
                self.busy -= 1
            self.shutdown_request(request)
            self._slots.release()

    def connection_state(self, request: socket.socket) -> _Connection:
        with self.count_lock:
            return self._live.get(request) or _Connection(0.0)

    def _watch(self) -> None:
        """Shut down the sockets of requests past their deadline (a blocked read then returns at once)."""
        while not self._stopping.wait(0.2):
            now = time.monotonic()
            with self.count_lock:
                late = [s for s, c in self._live.items() if c.deadline <= now and not c.cut]
                for sock in late:
                    self._live[sock].cut = True
            for sock in late:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def start(self) -> WebhookReceiver:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="bc-webhook-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()

    def server_close(self) -> None:
        super().server_close()
        self._stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=False)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
