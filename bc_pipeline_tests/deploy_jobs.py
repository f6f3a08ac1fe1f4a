"""A tiny code location for the deploy/ process test: `store_job` stands for one store's sync. Its run
leaves a marker named after its `bc/store` tag, then waits until a run of another store has started too: if
the queue ran only one store at a time, it would fail instead of waiting forever."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg

WAIT_FOR_OTHER_STORE_S = 90


@dg.op(config_schema={"marker_dir": str})
def stand_in_for_a_sync(context) -> None:  # no annotation: a string one (future import) is refused
    store = context.run.tags["bc/store"]
    folder = Path(context.op_config["marker_dir"])
    (folder / f"{store}.{context.run_id}").touch()
    deadline = time.monotonic() + WAIT_FOR_OTHER_STORE_S
    while not any(marker.name.split(".")[0] != store for marker in folder.iterdir()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no other store's run started while {store}'s ran: the stores were serialised")
        time.sleep(0.2)
    time.sleep(1.0)  # still running while the same store's next run is queued


@dg.job
def store_job() -> None:
    stand_in_for_a_sync()


defs = dg.Definitions(jobs=[store_job])
