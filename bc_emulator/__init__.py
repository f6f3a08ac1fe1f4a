"""A faithful local emulator of the BigCommerce REST API parts bc_pipeline reads (see docs/emulator.md).

A package of its own: it imports nothing from bc_pipeline, so the product, its tests and its benchmarks
use it the way any other client would.
"""

from bc_emulator.config import EmulatorConfig
from bc_emulator.emulator import Emulator
from bc_emulator.request_log import RequestLogEntry
from bc_emulator.served import ServedStore

__all__ = ["Emulator", "EmulatorConfig", "RequestLogEntry", "ServedStore"]
