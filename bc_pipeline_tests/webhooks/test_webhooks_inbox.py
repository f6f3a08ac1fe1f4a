"""The inbox folder: listing without reading, moves that never overwrite, quarantine with a reason."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bc_pipeline.webhooks.inbox import Inbox


def _drop(inbox: Inbox, name: str, body: str = "{}", mtime: int | None = None) -> Path:
    path = inbox.inbox / name
    path.write_text(body)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_list_skips_temp_files_and_folders_oldest_first(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    _drop(inbox, "b.json", mtime=2_000)
    _drop(inbox, "a.json", mtime=3_000)
    _drop(inbox, ".c.json.tmp")
    _drop(inbox, "d.json.tmp")
    (inbox.inbox / "sub").mkdir()
    listed = inbox.list()
    assert [f.name for f in listed] == ["b.json", "a.json"]
    assert listed[0].key == f"b.json:{2_000 * 10**9}"
    assert [f.name for f in inbox.list(limit=1)] == ["b.json"]
    assert Inbox(tmp_path / "missing").list() == []


def test_processed_by_date_and_clashes_get_a_suffix(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    at = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    _drop(inbox, "a.json", body="first")
    first = inbox.mark_processed("a.json", at)
    _drop(inbox, "a.json", body="second")
    second = inbox.mark_processed("a.json", at)
    assert first == tmp_path / "processed" / "2026-11-25" / "a.json"
    assert second == tmp_path / "processed" / "2026-11-25" / "a-1.json"
    assert (first.read_text(), second.read_text()) == ("first", "second")
    assert inbox.list() == []


def test_quarantine_writes_a_reason_beside_the_file(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    _drop(inbox, "x.json", body="garbage")
    moved = inbox.quarantine("x.json", "not valid JSON\n(line 1)")
    _drop(inbox, "x.json", body="garbage again")
    moved_again = inbox.quarantine("x.json", "still not JSON")
    assert moved.read_text() == "garbage"
    assert (tmp_path / "quarantine" / "x.json.reason").read_text() == "not valid JSON (line 1)\n"
    assert moved_again.name == "x-1.json"
    assert (tmp_path / "quarantine" / "x-1.json.reason").read_text() == "still not JSON\n"


def test_names_from_run_config_cannot_escape_the_inbox(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    for bad in ["../secret.json", "/etc/passwd", "..", "", ".hidden", "sub/a.json"]:
        with pytest.raises(ValueError, match="not an inbox file name"):
            inbox.path(bad)
    _drop(inbox, "a.json")
    assert inbox.present(["a.json", "gone.json", "a.json"]) == ["a.json"]
