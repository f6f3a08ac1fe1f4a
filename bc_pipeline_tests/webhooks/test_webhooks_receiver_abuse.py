"""The receiver under bursts and abuse (issue 16, cases 4, 5 and 11), over real sockets on 127.0.0.1: 500
simultaneous deliveries all accepted and written with a bounded pool, a negative or non-numeric
Content-Length refused, a trickling sender cut at the deadline, and one log line per request that never holds
the secret."""

from __future__ import annotations

import json
import logging
import socket
import threading
from pathlib import Path

import pytest

from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.receiver import BACKLOG, DEFAULT_SECRET_HEADER, WebhookReceiver

SECRET = "abuse-test-secret-0123456789"
BODY = json.dumps({"scope": "store/order/updated", "store_id": "1", "hash": "h", "created_at": 1,
                   "data": {"type": "order", "id": 7}}).encode()


def _request(body: bytes = BODY, length: str | None = None, secret: str = SECRET) -> bytes:
    length = str(len(body)) if length is None else length
    head = (f"POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n{DEFAULT_SECRET_HEADER}: {secret}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n")
    return head.encode() + body


def _status(sock: socket.socket) -> int | None:
    """The status code of the answer, or None when the server closed without one."""
    answer = b""
    while b"\r\n" not in answer:
        try:
            chunk = sock.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        answer += chunk
    return int(answer.split(b" ", 2)[1])


def _deliver(address: tuple[str, int], raw: bytes, start: threading.Barrier | None = None) -> int | None:
    with socket.create_connection(address, timeout=60) as sock:
        if start is not None:
            start.wait(timeout=60)
        sock.sendall(raw)
        return _status(sock)


def test_a_burst_of_500_simultaneous_deliveries_is_all_accepted_and_written(tmp_path: Path) -> None:
    n = 500
    statuses: list[int | None] = [None] * n
    start = threading.Barrier(n)

    def one(i: int) -> None:
        try:
            statuses[i] = _deliver(receiver.server_address[:2], _request(), start)
        except OSError:  # a reset connection: what a backlog of 5 did to most of a burst
            statuses[i] = None

    with WebhookReceiver(tmp_path, SECRET, threads=8) as receiver:
        senders = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for t in senders:
            t.start()
        for t in senders:
            t.join(timeout=120)

    assert statuses.count(200) == n, {s: statuses.count(s) for s in set(statuses)}
    assert len(Inbox(tmp_path).list()) == n and receiver.accepted == n
    assert 1 <= receiver.peak_busy <= 8  # the pool is bounded, whatever arrives
    assert receiver.request_queue_size == BACKLOG >= 1024


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "+5", ""])
def test_a_content_length_that_is_not_a_size_is_refused(tmp_path: Path, length: str) -> None:
    with WebhookReceiver(tmp_path, SECRET) as receiver:
        status = _deliver(receiver.server_address[:2], _request(b"x" * 64, length=length))
    assert status == 400
    assert Inbox(tmp_path).list() == []


def test_a_trickling_sender_is_cut_at_the_deadline(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="bc_pipeline.webhooks.receiver"), \
            WebhookReceiver(tmp_path, SECRET, deadline_s=1.0) as receiver:
        raw = _request()
        with socket.create_connection(receiver.server_address[:2], timeout=30) as sock:
            sock.sendall(raw[: len(raw) - len(BODY)])  # the headers; then the body, a byte every 50 ms
            cut = False
            for byte in BODY:  # takes far longer than the deadline if never cut
                try:
                    sock.sendall(bytes([byte]))
                    threading.Event().wait(0.05)
                except OSError:
                    cut = True
                    break
            status = _status(sock) if not cut else None
        receiver_rejected = dict(receiver.rejected)
    assert status is None  # never answered 200: cut
    assert Inbox(tmp_path).list() == []
    assert receiver_rejected == {408: 1}
    assert "408 POST /webhooks" in caplog.text and "cut at the deadline" in caplog.text


def test_one_log_line_per_request_with_status_size_client_and_reason_never_the_secret(tmp_path: Path,
                                                                                     caplog) -> None:
    with caplog.at_level(logging.INFO, logger="bc_pipeline.webhooks.receiver"), \
            WebhookReceiver(tmp_path, SECRET, max_bytes=4096) as receiver:
        address = receiver.server_address[:2]
        statuses = [_deliver(address, _request()), _deliver(address, _request(secret="wrong-secret-guess")),
                    _deliver(address, _request(b"x" * 5000)), _deliver(address, _request(b"{not json"))]
    lines = [r.getMessage() for r in caplog.records if r.name == "bc_pipeline.webhooks.receiver"]
    assert statuses == [200, 401, 413, 400]
    assert len(lines) == 4
    assert lines[0].startswith(f"webhook receiver: 200 POST /webhooks {len(BODY)} bytes from 127.0.0.1 (written as")
    assert "401" in lines[1] and "wrong or missing secret header" in lines[1]
    assert "413" in lines[2] and "5000 bytes" in lines[2] and "over the limit" in lines[2]
    assert "400" in lines[3] and "not JSON" in lines[3]
    assert SECRET not in caplog.text and "wrong-secret-guess" not in caplog.text
