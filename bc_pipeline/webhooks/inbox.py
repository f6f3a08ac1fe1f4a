"""The webhook inbox on disk: BC_WEBHOOK_DIR/{inbox, processed/YYYY-MM-DD, quarantine}.

The folder is the queue. A file stays in inbox/ until the data it names is committed, then moves to
processed/<UTC date>/; a file that cannot be a webhook moves to quarantine/ with `<name>.reason` beside it.
Nothing here ever deletes a payload: a move never overwrites (a clash gets a `-1`, `-2`... suffix) and
crosses no file system (all folders sit under one root). A move is `os.link` to the new name (atomic, and it
fails rather than overwrite) then `os.unlink` of the old one, so a crash between the two leaves one file under
two names: inbox/x.json and processed/<day>/x.json, the same inode (st_nlink 2). Before a run reads a file it
calls `finish_interrupted_move`: an inbox file whose other link is in processed/ or quarantine/ was already
dealt with, so its inbox name is removed and it is neither applied nor stored twice. A copy (a new inode) is a
deliberate re-drop and is applied again.

Listing is cheap on purpose (os.scandir and one stat per file, no reads): the Dagster sensor calls it on
every tick. Names starting with "." and names ending in ".tmp" are writers' temp files and are skipped
(the receiver and the emulator write `.name.tmp` then rename).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

INBOX, PROCESSED, QUARANTINE = "inbox", "processed", "quarantine"
REASON_SUFFIX = ".reason"


@dataclass(frozen=True, order=True)
class InboxFile:
    """One file waiting in inbox/ (sorted by arrival: mtime, then name)."""

    mtime_ns: int
    name: str
    size: int

    @property
    def key(self) -> str:
        """Name and version: a file re-dropped under the same name gets a new key."""
        return f"{self.name}:{self.mtime_ns}"


def is_candidate(name: str) -> bool:
    return not name.startswith(".") and not name.endswith(".tmp")


class Inbox:
    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.inbox = self.root / INBOX
        self.processed = self.root / PROCESSED
        self.quarantine_dir = self.root / QUARANTINE

    def ensure(self) -> Inbox:
        for folder in (self.inbox, self.processed, self.quarantine_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def list(self, limit: int | None = None) -> list[InboxFile]:
        """Regular files waiting in inbox/, oldest first; no file is opened."""
        found: list[InboxFile] = []
        try:
            entries = os.scandir(self.inbox)
        except FileNotFoundError:
            return []
        with entries:
            for entry in entries:
                if not is_candidate(entry.name):
                    continue
                try:
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:  # moved away by a run between scandir and stat
                    continue
                found.append(InboxFile(st.st_mtime_ns, entry.name, st.st_size))
        found.sort()
        return found[:limit] if limit is not None else found

    def path(self, name: str) -> Path:
        """The inbox path of `name`; names come from run config, so they may not point elsewhere."""
        if not name or name != os.path.basename(name) or name in {".", ".."} or not is_candidate(name):
            raise ValueError(f"not an inbox file name: {name!r}")
        return self.inbox / name

    def present(self, names: Iterable[str]) -> list[str]:
        """The names still waiting (another run may have moved some), in the order given, without repeats."""
        seen: dict[str, None] = {}
        for name in names:
            if name not in seen and self.path(name).is_file():
                seen[name] = None
        return list(seen)

    def mark_processed(self, name: str, at: datetime | None = None) -> Path:
        day = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d")
        return _move_no_clobber(self.path(name), self.processed / day)

    def finish_interrupted_move(self, name: str) -> Path | None:
        """If inbox/`name` is the leftover link of a move a crash interrupted, remove it and return where the
        file is (processed/ or quarantine/); else None. Only looked for when the file has several links."""
        src = self.path(name)
        st = src.stat()
        if st.st_nlink < 2:
            return None
        stem = glob.escape(name.partition(".")[0])
        for other in [*self.processed.glob(f"*/{stem}*"), *self.quarantine_dir.glob(f"{stem}*")]:
            try:
                same = os.path.samestat(st, other.stat())
            except FileNotFoundError:
                continue
            if same:
                src.unlink()
                if other.parent == self.quarantine_dir and not other.with_name(other.name + REASON_SUFFIX).exists():
                    self._write_reason(other, "quarantined by a run interrupted before it wrote the reason; see its log")
                return other
        return None

    def quarantine(self, name: str, reason: str) -> Path:
        """Move `name` to quarantine/ and write `<final name>.reason` (one line) beside it."""
        moved = _move_no_clobber(self.path(name), self.quarantine_dir, reserve_suffix=REASON_SUFFIX)
        self._write_reason(moved, reason)
        return moved

    @staticmethod
    def _write_reason(quarantined: Path, reason: str) -> None:
        line = " ".join(reason.split())[:1000] + "\n"
        tmp = quarantined.with_name(f".{quarantined.name}{REASON_SUFFIX}.tmp")
        tmp.write_text(line, encoding="utf-8")
        os.replace(tmp, quarantined.with_name(quarantined.name + REASON_SUFFIX))


def _move_no_clobber(src: Path, folder: Path, reserve_suffix: str = "") -> Path:
    """Move `src` into `folder` under its name, or name-1, name-2... if taken; never overwrites."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, ext = src.name.partition(".")
    for n in range(100_000):
        name = src.name if n == 0 else f"{stem}-{n}{dot}{ext}"
        dst = folder / name
        if reserve_suffix and dst.with_name(name + reserve_suffix).exists():
            continue
        try:
            os.link(src, dst)  # atomic and fails if dst exists: no check-then-act race
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: fall back to a checked rename
            if dst.exists():
                continue
            os.rename(src, dst)
            return dst
        src.unlink(missing_ok=True)  # gone: another run finished this move (finish_interrupted_move)
        return dst
    raise RuntimeError(f"no free name for {src.name} in {folder}")
