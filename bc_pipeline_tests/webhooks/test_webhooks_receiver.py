"""The webhook receiver over real HTTP on 127.0.0.1: what it accepts, what it refuses, what it writes."""

from __future__ import annotations

import http.client
import json
import logging
from pathlib import Path

import pytest
import requests

from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline.webhooks.plan import read_events
from bc_pipeline.webhooks.receiver import DEFAULT_SECRET_HEADER, WebhookReceiver

SECRET = "s3cret-for-tests-only"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"


@pytest.fixture
def receiver(tmp_path: Path):
    with WebhookReceiver(tmp_path, SECRET, max_bytes=4096) as r:
        yield r


def _post(receiver: WebhookReceiver, body: bytes, secret: str | None = SECRET) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[DEFAULT_SECRET_HEADER] = secret
    return requests.post(f"{receiver.url}/webhooks", data=body, headers=headers, timeout=10)


def test_accepts_a_payload_with_the_right_secret(receiver: WebhookReceiver, tmp_path: Path, caplog) -> None:
    body = (FIXTURES / "store_order_created.json").read_bytes()
    with caplog.at_level(logging.DEBUG, logger="bc_pipeline.webhooks.receiver"):
        response = _post(receiver, body)
    assert response.status_code == 200
    assert response.content == b""
    files = Inbox(tmp_path).list()
    assert len(files) == 1
    assert (tmp_path / "inbox" / files[0].name).read_bytes() == body  # byte for byte
    assert [e.scope for e in read_events(tmp_path / "inbox" / files[0].name)] == ["store/order/created"]
    assert SECRET not in caplog.text
    assert SECRET not in repr(receiver)


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
def test_refuses_a_bad_secret(receiver: WebhookReceiver, tmp_path: Path, secret: str | None) -> None:
    response = _post(receiver, (FIXTURES / "store_order_created.json").read_bytes(), secret=secret)
    assert response.status_code == 401
    assert Inbox(tmp_path).list() == []


def test_refuses_a_huge_body(receiver: WebhookReceiver, tmp_path: Path) -> None:
    body = json.dumps({"scope": "store/order/created", "padding": "x" * 50_000}).encode()
    assert _post(receiver, body).status_code == 413
    assert Inbox(tmp_path).list() == []


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe\x00"])
def test_refuses_non_json(receiver: WebhookReceiver, tmp_path: Path, body: bytes) -> None:
    assert _post(receiver, body).status_code == 400
    assert Inbox(tmp_path).list() == []


def test_each_payload_gets_its_own_file_and_no_temp_file_remains(receiver: WebhookReceiver, tmp_path: Path) -> None:
    body = (FIXTURES / "store_sku_updated.json").read_bytes()
    for _ in range(5):
        assert _post(receiver, body).status_code == 200
    assert len(Inbox(tmp_path).list()) == 5
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir() if p.name.startswith(".")) == []
    assert receiver.accepted == 5


def test_needs_a_secret_and_binds_localhost_by_default(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="secret"):
        WebhookReceiver(tmp_path, "")
    with WebhookReceiver(tmp_path, SECRET) as r:
        assert r.server_address[0] == "127.0.0.1"


def test_refuses_a_body_without_a_length(receiver: WebhookReceiver, tmp_path: Path) -> None:
    host, port = receiver.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.putrequest("POST", "/webhooks")
    conn.putheader(DEFAULT_SECRET_HEADER, SECRET)
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    conn.send(b"2\r\n{}\r\n0\r\n\r\n")
    assert conn.getresponse().status == 411
    conn.close()
    assert Inbox(tmp_path).list() == []
