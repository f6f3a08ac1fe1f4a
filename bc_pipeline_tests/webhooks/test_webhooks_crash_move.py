"""The inbox move is crash-safe (issue 16, case 9): a process killed between linking a file into processed/ and
unlinking it from inbox/ leaves one file under two names; the next run finishes the move instead of applying
the file again, so it is applied once and stored once. The crash is real: a child process applying the batch
is SIGKILLed at the unlink."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from bc_pipeline.webhooks.apply import apply_batch
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline_tests.webhooks_support import backfilled_store, client_for, connector, rows, tree

CHILD = textwrap.dedent("""
    import os, pathlib, signal, sys
    from bc_pipeline.bigcommerce.client import BigCommerceClient
    from bc_pipeline.webhooks.apply import apply_batch
    from bc_pipeline.webhooks.inbox import Inbox
    from bc_pipeline_tests.webhooks_support import connector

    api_url, store_hash, token, db, root = sys.argv[1:]
    real_unlink = pathlib.Path.unlink

    def crash_at_the_inbox_unlink(self, *args, **kwargs):
        if self.parent.name == "inbox":
            os.kill(os.getpid(), signal.SIGKILL)  # the power cut between os.link and os.unlink
        return real_unlink(self, *args, **kwargs)

    pathlib.Path.unlink = crash_at_the_inbox_unlink
    with BigCommerceClient(api_url, store_hash, token, max_retries=0) as client:
        apply_batch(client, connector(pathlib.Path(db)), Inbox(root))
""")


def test_a_move_killed_half_way_is_finished_not_applied_twice(make_emulator, tmp_path: Path) -> None:
    emu, db, root = backfilled_store(make_emulator, tmp_path)
    customer = emu.store.records("customers")[0]["id"]
    emu.store.update("customers", customer, first_name="Once")
    (name,) = [Path(p).name for p in tree(root)]

    child = subprocess.run([sys.executable, "-c", CHILD, emu.api_url, emu.store_hash, emu.access_token, str(db),
                            str(root)], cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=120)

    assert child.returncode == -signal.SIGKILL, child.stderr
    assert rows(db, "SELECT first_name FROM bigcommerce.customers WHERE id = ?", [customer]) == [("Once",)]
    in_both = [p for p in tree(root) if p.endswith(name)]
    assert [p.split("/")[0] for p in in_both] == ["inbox", "processed"]  # the crash state: one file, two names
    assert os.path.samefile(root / in_both[0], root / in_both[1])

    emu.clear_request_log()
    with client_for(emu) as client:
        report = apply_batch(client, connector(db), Inbox(root))

    assert (report.recovered, report.applied, report.quarantined) == ([name], [], {})
    assert emu.request_log == []  # not refetched: it was applied before the crash
    assert tree(root) == [in_both[1]]  # stored once, no name-1.json
    assert os.stat(root / in_both[1]).st_nlink == 1


def test_a_copy_in_the_inbox_is_a_redrop_and_is_applied(tmp_path: Path) -> None:
    """Only the other link of the same file counts as an interrupted move; a copy (new inode) or a hard link
    kept outside the webhook folders is left to be applied."""
    inbox = Inbox(tmp_path / "wh").ensure()
    (inbox.processed / "2026-01-01").mkdir()
    (inbox.processed / "2026-01-01" / "a.json").write_text("{}")
    (inbox.inbox / "a.json").write_text("{}")
    (inbox.inbox / "b.json").write_text("{}")
    os.link(inbox.inbox / "b.json", tmp_path / "b-backup.json")

    assert inbox.finish_interrupted_move("a.json") is None
    assert inbox.finish_interrupted_move("b.json") is None
    assert sorted(f.name for f in inbox.list()) == ["a.json", "b.json"]


def test_a_quarantine_interrupted_before_its_reason_gets_one(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "wh").ensure()
    (inbox.inbox / "bad.json").write_text("{not json")
    os.link(inbox.inbox / "bad.json", inbox.quarantine_dir / "bad.json")  # the crash: linked, no reason yet

    assert inbox.finish_interrupted_move("bad.json") == inbox.quarantine_dir / "bad.json"
    assert sorted(p.name for p in inbox.quarantine_dir.iterdir()) == ["bad.json", "bad.json.reason"]
    assert "interrupted" in (inbox.quarantine_dir / "bad.json.reason").read_text()
    assert inbox.list() == []
