"""The webhook receiver: accepts BigCommerce callbacks and drops each one as a file in the inbox.

It does as little as possible so it can answer 200 at once (BigCommerce blocklists slow or failing
destinations and retries for 48 hours): check the shared-secret header in constant time, check the size and
that the body is JSON, write the body atomically (temp file in the inbox, fsync, rename), answer 200 with no
body. It never fetches anything and never touches DuckDB; the sensor picks the files up. The secret is never
logged: log lines carry the method, path, status and the client address only.

The secret travels as a custom header, which is how BigCommerce authenticates callbacks
(`headers` on POST /v3/hooks). Run it behind a TLS-terminating proxy: BigCommerce only calls https on 443.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import tempfile
import threading
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.plan import DEFAULT_MAX_BYTES

log = logging.getLogger(__name__)
DEFAULT_SECRET_HEADER = "X-BC-Webhook-Secret"
READ_TIMEOUT_S = 10
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

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        srv = self.server
        given = self.headers.get(srv.secret_header, "")
        if not hmac.compare_digest(given.encode("utf-8"), srv.secret.encode("utf-8")):
            return self._answer(HTTPStatus.UNAUTHORIZED)
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or length_header is None:
            return self._answer(HTTPStatus.LENGTH_REQUIRED)
        try:
            length = int(length_header)
        except ValueError:
            return self._answer(HTTPStatus.BAD_REQUEST)
        if length > srv.max_bytes:
            self._discard(length)
            return self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = self.rfile.read(length)
        try:
            json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._answer(HTTPStatus.BAD_REQUEST)
        try:
            path = write_atomically(srv.inbox_dir, body)
        except OSError as exc:
            log.error("webhook receiver: could not write to %s: %s", srv.inbox_dir, exc)
            return self._answer(HTTPStatus.SERVICE_UNAVAILABLE)  # BigCommerce retries later
        with srv._count_lock:
            srv.accepted += 1
        log.debug("webhook receiver: accepted %s", path.name)
        self._answer(HTTPStatus.OK)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(HTTPStatus.METHOD_NOT_ALLOWED)

    def _discard(self, length: int) -> None:
        """Read (and drop) a too-large body up to a cap, so the sender sees the 413 rather than a reset."""
        left = min(length, DISCARD_CAP)
        while left > 0:
            chunk = self.rfile.read(min(left, 64 * 1024))
            if not chunk:
                break
            left -= len(chunk)

    def _answer(self, status: HTTPStatus) -> None:
        if status != HTTPStatus.OK:
            self.server.count_rejected(int(status))
            self.close_connection = True  # an unread body must not be parsed as the next request
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - overrides the stdlib name
        log.info("webhook receiver: %s - %s", self.client_address[0], format % args)


class WebhookReceiver(ThreadingHTTPServer):
    """`with WebhookReceiver(root, secret, port=0) as r: r.url` serves in a background thread."""

    daemon_threads = True

    def __init__(
        self,
        webhook_dir: Path | str,
        secret: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        secret_header: str = DEFAULT_SECRET_HEADER,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ):
        if not secret:
            raise ValueError("the webhook receiver needs a shared secret (BC_WEBHOOK_SECRET)")
        self.inbox_dir = Inbox(webhook_dir).ensure().inbox
        self.secret, self.secret_header, self.max_bytes = secret, secret_header, max_bytes
        self.accepted = 0
        self.rejected: dict[int, int] = {}  # HTTP status -> count
        self._count_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def __repr__(self) -> str:  # never shows the secret
        return f"WebhookReceiver(url={self.url!r}, inbox={str(self.inbox_dir)!r})"

    def count_rejected(self, status: int) -> None:
        with self._count_lock:
            self.rejected[status] = self.rejected.get(status, 0) + 1

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

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
