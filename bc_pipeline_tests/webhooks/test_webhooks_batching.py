"""The sensor's decision, as plain code: which files go in the next run, and when files come back.

Run states are given by a dict (as the Dagster instance would report them); the sensor itself is tested with
build_sensor_context in test_webhooks_sensor.py.
"""

from __future__ import annotations

import json

from bc_pipeline.webhooks.batching import LOST_AFTER_S, MAX_INFLIGHT, RETRY_AFTER_S, next_batch
from bc_pipeline.webhooks.inbox import InboxFile


def _files(*names: str, mtime: int = 1) -> list[InboxFile]:
    return [InboxFile(mtime, n, 10) for n in names]


def test_first_tick_takes_the_oldest_files_up_to_the_limit() -> None:
    files = [InboxFile(3, "c", 1), InboxFile(1, "b", 1), InboxFile(2, "a", 1)]
    batch, cursor = next_batch(files, None, 100.0, lambda key: None, limit=2)
    assert batch is not None
    assert [f.name for f in batch.files] == ["b", "a"]
    assert json.loads(cursor)["inflight"][0]["files"] == ["b:1", "a:2"]


def test_files_in_an_active_run_are_not_asked_for_again() -> None:
    files = _files("a", "b")
    first, cursor = next_batch(files, None, 100.0, lambda key: None, limit=10)
    assert first is not None
    again, cursor2 = next_batch(files, cursor, 110.0, lambda key: "active", limit=10)
    assert again is None
    # a new file arrives while the run is active: only it goes in the next batch
    second, _ = next_batch(files + _files("c"), cursor2, 120.0, lambda key: "active", limit=10)
    assert second is not None and [f.name for f in second.files] == ["c"]
    assert second.run_key != first.run_key


def test_a_redropped_file_gets_a_new_run_key() -> None:
    first, cursor = next_batch(_files("a", mtime=1), None, 100.0, lambda key: None, limit=10)
    # the run succeeded (the file left), then a file with the same name was dropped again
    second, _ = next_batch(_files("a", mtime=2), cursor, 130.0, lambda key: "succeeded", limit=10)
    assert first is not None and second is not None
    assert second.run_key != first.run_key
    # same name, new mtime, even while the first run is still active
    third, _ = next_batch(_files("a", mtime=3), cursor, 130.0, lambda key: "active", limit=10)
    assert third is not None and [f.key for f in third.files] == ["a:3"]


def test_a_failed_batch_is_retried_after_a_pause_with_a_new_key() -> None:
    files = _files("a", "b")
    first, cursor = next_batch(files, None, 100.0, lambda key: None, limit=10)
    waiting, cursor = next_batch(files, cursor, 100.0 + RETRY_AFTER_S - 1, lambda key: "failed", limit=10)
    assert waiting is None
    retry, _ = next_batch(files, cursor, 100.0 + RETRY_AFTER_S + 1, lambda key: "failed", limit=10)
    assert retry is not None and first is not None
    assert [f.name for f in retry.files] == ["a", "b"]
    assert retry.run_key != first.run_key


def test_a_run_never_seen_holds_its_files_only_for_a_while() -> None:
    files = _files("a")
    _, cursor = next_batch(files, None, 0.0, lambda key: None, limit=10)
    assert next_batch(files, cursor, LOST_AFTER_S - 1, lambda key: None, limit=10)[0] is None
    assert next_batch(files, cursor, LOST_AFTER_S + 1, lambda key: None, limit=10)[0] is not None


def test_backlog_waits_in_the_inbox_not_as_queued_runs() -> None:
    cursor = None
    asked = 0
    files = _files(*[f"f{i:03}" for i in range(100)])
    for tick in range(10):
        batch, cursor = next_batch(files, cursor, float(tick), lambda key: "active", limit=5)
        asked += batch is not None
    assert asked == MAX_INFLIGHT


def test_a_garbled_cursor_starts_afresh() -> None:
    batch, cursor = next_batch(_files("a"), "{not json", 1.0, lambda key: None, limit=10)
    assert batch is not None and json.loads(cursor)["seq"] == 1
