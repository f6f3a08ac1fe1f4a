"""Reading inbox files into events and planning refetches and deletes.

A file is accepted or rejected whole, with a one-line reason; events are de-duplicated by (scope, hash) and by
record, and a delete wins over changes to the same record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bc_pipeline.webhooks.plan import Event, RejectedFile, plan_events, read_events
from bc_pipeline.webhooks.scopes import Target

FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"


def _doc(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_one_payload_per_file(tmp_path: Path) -> None:
    events = read_events(_write(tmp_path, "a.json", json.dumps(_doc("store_order_created"), indent=2)))
    assert [(e.file, e.scope, e.target) for e in events] == [("a.json", "store/order/created", Target("orders", 250))]


def test_ndjson_and_array_files_hold_several(tmp_path: Path) -> None:
    docs = [_doc("store_order_created"), _doc("store_sku_updated"), _doc("store_cart_created")]
    ndjson = read_events(_write(tmp_path, "b.ndjson", "\n".join(json.dumps(d) for d in docs) + "\n\n"))
    array = read_events(_write(tmp_path, "c.json", json.dumps(docs)))
    expected = [Target("orders", 250), Target("products", 206), None]
    assert [e.target for e in ndjson] == expected
    assert [e.target for e in array] == expected


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("", "empty file"),
        ("[]", "empty JSON array"),
        ('"a string"', "not a webhook: a JSON str"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"hello": "world"}', "not a webhook: scope"),
        ('{"scope": "store/order/created", "store_id": "1", "data": {"type": "order"}, "hash": "h", "created_at": 1}',
         "not a known webhook shape: store/order/created: data id"),
    ],
)
def test_rejected_files_say_why(tmp_path: Path, content: str | bytes, reason: str) -> None:
    with pytest.raises(RejectedFile, match=reason):
        read_events(_write(tmp_path, "bad.json", content))


def test_one_bad_line_rejects_the_whole_file(tmp_path: Path) -> None:
    content = json.dumps(_doc("store_order_created")) + "\n{broken\n"
    with pytest.raises(RejectedFile, match="line 2"):
        read_events(_write(tmp_path, "half.ndjson", content))


def test_size_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.json", json.dumps(_doc("store_order_created")))
    assert read_events(path, max_bytes=path.stat().st_size)
    with pytest.raises(RejectedFile, match="too large"):
        read_events(path, max_bytes=path.stat().st_size - 1)


def _event(scope: str, hash_: str, target: Target | None) -> Event:
    return Event("f.json", scope, hash_, 1, target)


def test_plan_dedupes_and_groups() -> None:
    plan = plan_events(
        [
            _event("store/order/created", "h1", Target("orders", 1)),
            _event("store/order/created", "h1", Target("orders", 1)),  # re-delivered: same scope and hash
            _event("store/order/updated", "h2", Target("orders", 1)),  # another event, same record
            _event("store/order/updated", "h3", Target("orders", 2)),
            _event("store/customer/updated", "h4", Target("customers", 9)),
            _event("store/customer/deleted", "h4", Target("customers", 9, delete=True)),  # same hash, other scope
            _event("store/cart/created", "h5", None),
        ]
    )
    assert plan.duplicates == 1
    assert plan.refetch == {"orders": {1, 2}}
    assert plan.delete == {"customers": {9}}  # the delete wins over the update
    assert plan.ignored_scopes == {"store/cart/created": 1}
    assert (plan.events, plan.records) == (7, 3)
