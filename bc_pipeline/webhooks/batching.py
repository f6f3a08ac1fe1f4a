"""What the webhook sensor decides on each tick, as plain code: which inbox files go in the next run.

The inbox is the queue (files leave it only when applied), so the sensor needs no memory of what it has
applied; its cursor only remembers what it has *asked for* and not yet seen finish ("in flight"), so a
queued or running batch is not requested again on every tick while its files wait in the inbox:
* a file is identified by name and mtime (`InboxFile.key`): a file re-dropped under the same name is new;
* a batch whose run is still queued or running keeps its files out of new batches;
* a batch whose run failed keeps them out for RETRY_AFTER_S (then the next tick retries them, so a store
  outage costs one failed run per RETRY_AFTER_S, not one per tick);
* a batch whose run cannot be found (not created yet, or no instance to ask) counts as running for
  LOST_AFTER_S, then its files are eligible again;
* a batch whose run succeeded is forgotten (its files have left the inbox);
* at most MAX_INFLIGHT batches are in flight: a backlog waits in the inbox rather than as queued runs, and
  the cursor stays small (it lists the in-flight files).
The run key is a digest of the batch's sorted name:mtime list plus a sequence number, so it names the files
and never repeats (a retried batch of the same files gets a new key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from bc_pipeline.webhooks.inbox import InboxFile

RETRY_AFTER_S = 120.0
LOST_AFTER_S = 600.0
MAX_INFLIGHT = 4
RunState = Callable[[str], str | None]  # run key -> "active" | "failed" | "succeeded" | None (not found)


@dataclass(frozen=True)
class Batch:
    run_key: str
    files: list[InboxFile]
    cursor: str


def run_key_for(files: list[InboxFile], seq: int) -> str:
    digest = hashlib.sha1("\n".join(sorted(f.key for f in files)).encode("utf-8")).hexdigest()
    return f"webhooks-{digest[:16]}-{seq}"


def _load(cursor: str | None) -> dict:
    try:
        state = json.loads(cursor) if cursor else {}
    except json.JSONDecodeError:
        state = {}
    if not isinstance(state, dict):
        state = {}
    state.setdefault("seq", 0)
    state.setdefault("inflight", [])
    return state


def _still_holding(entry: dict, now: float, run_state: RunState) -> bool:
    state = run_state(entry["run_key"])
    age = now - float(entry["at"])
    if state == "active":
        return True
    if state == "failed":
        return age < RETRY_AFTER_S
    if state is None:
        return age < LOST_AFTER_S
    return False  # succeeded


def next_batch(
    files: list[InboxFile], cursor: str | None, now: float, run_state: RunState, limit: int
) -> tuple[Batch | None, str]:
    """The next batch to run (None: nothing waits that is not in flight, or enough is in flight) and the
    new cursor."""
    state = _load(cursor)
    present = {f.key for f in files}
    inflight = [
        e for e in state["inflight"] if set(e["files"]) & present and _still_holding(e, now, run_state)
    ]
    held = {key for e in inflight for key in e["files"]}
    waiting = [f for f in files if f.key not in held]
    if not waiting or len(inflight) >= MAX_INFLIGHT:
        return None, json.dumps({"seq": state["seq"], "inflight": inflight})
    chosen = sorted(waiting)[:limit]
    seq = int(state["seq"]) + 1
    run_key = run_key_for(chosen, seq)
    inflight.append({"run_key": run_key, "at": now, "files": [f.key for f in chosen]})
    new_cursor = json.dumps({"seq": seq, "inflight": inflight})
    return Batch(run_key, chosen, new_cursor), new_cursor
