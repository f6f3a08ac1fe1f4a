"""docs/configuration.md, generated from config.Settings so that every BC_* variable, its default and its
meaning are written once (the Field in config.py) and the documentation cannot drift.

Regenerated with the other generated docs by `python -m bc_pipeline.structure`; a test fails when the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic.fields import PydanticUndefined

from bc_pipeline.config import Settings

HEADER = """# Configuration: the BC_* variables

Generated from `bc_pipeline/config.py` (class `Settings`) by `python -m bc_pipeline.structure`
(with the other generated docs); do not edit by hand.

Every variable is read from the environment (and from a `.env` file in the working directory, for the
`bc-pipeline` commands), once per process, and validated at once: an invalid value stops the command or the
definitions from loading with one line naming the variable and what is wrong. With a stores file
(`BC_STORES_FILE`), the store variables (hash, token, URL, start date, timezone, file, mapping, quota
reserve) come from each store's entry instead (README, "Production and many stores"); the others apply to
every store.

| Variable | Default | Meaning |
|---|---|---|
"""
DERIVED = {"duckdb_path": "`data/<label>.duckdb`"}


def _default(name: str) -> str:
    if name in DERIVED:
        return DERIVED[name]
    value = Settings.model_fields[name].default
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def configuration_markdown() -> str:
    rows = [f"| `{field.alias}` | {_default(name)} | {field.description} |"
            for name, field in Settings.model_fields.items()]
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(configuration_markdown(), encoding="utf-8")
