"""A faithful local emulator of the BigCommerce REST API parts bc_pipeline reads (see docs/emulator.md).

A package of its own: it imports nothing from bc_pipeline, so the product, its tests and its benchmarks
use it the way any other client would.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bc_emulator.config import EmulatorConfig
    from bc_emulator.emulator import Emulator
    from bc_emulator.request_log import RequestLogEntry
    from bc_emulator.served import ServedStore

# Loaded on first use, so that importing a small module of the package (gc_pause, which bc_pipeline's
# staging uses in every run) does not load the server, the generator and numpy with it.
_EXPORTS = {"Emulator": "bc_emulator.emulator", "EmulatorConfig": "bc_emulator.config",
            "RequestLogEntry": "bc_emulator.request_log", "ServedStore": "bc_emulator.served"}
__all__ = ["Emulator", "EmulatorConfig", "RequestLogEntry", "ServedStore"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bc_emulator' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
