"""The settings the code location is built from, read once when the definitions load.

Invalid BC_* variables fail the load here, with the message that names each one, so the UI and
`dagster definitions validate` show what to fix before any run starts.
"""

from functools import cache

from bc_pipeline.config import Settings, load_settings


@cache
def settings() -> Settings:
    return load_settings()
