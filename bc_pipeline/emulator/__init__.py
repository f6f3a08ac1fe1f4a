"""A faithful local emulator of the BigCommerce REST API parts bc_pipeline reads (see docs/emulator.md)."""

from bc_pipeline.emulator.config import EmulatorConfig
from bc_pipeline.emulator.emulator import Emulator
from bc_pipeline.emulator.request_log import RequestLogEntry

__all__ = ["Emulator", "EmulatorConfig", "RequestLogEntry"]
