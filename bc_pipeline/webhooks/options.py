"""The webhook settings that config.py does not carry: the receiver's shared secret and its header, the
size limit of one payload file, and how many files one run takes.

BC_WEBHOOK_SECRET          the shared secret the receiver requires (and `register` sends as a header)
BC_WEBHOOK_SECRET_HEADER   the header that carries it (default X-BC-Webhook-Secret)
BC_WEBHOOK_MAX_BYTES       largest accepted payload / inbox file, in bytes (default 1048576 = 1 MiB)
BC_WEBHOOK_BATCH_FILES     most files one run applies (default 200)
BC_WEBHOOK_SENSOR_RUNNING  whether the inbox sensor starts on (default true; see docs/webhooks.md)
BC_WEBHOOK_DIR             the inbox root, as in config.Settings (default data/webhooks); read here on
                           every call because the sensor reads it on every tick

The secret is a SecretStr, masked in reprs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr

from bc_pipeline.config import ConfigError
from bc_pipeline.webhooks.plan import DEFAULT_MAX_BYTES
from bc_pipeline.webhooks.receiver import DEFAULT_SECRET_HEADER

DEFAULT_BATCH_FILES = 200
DEFAULT_WEBHOOK_DIR = "data/webhooks"
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class WebhookOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    webhook_dir: Path = Path(DEFAULT_WEBHOOK_DIR)
    secret: SecretStr | None = None
    secret_header: str = DEFAULT_SECRET_HEADER
    max_bytes: int = DEFAULT_MAX_BYTES
    batch_files: int = DEFAULT_BATCH_FILES
    sensor_running: bool = True


def _positive(env: Mapping[str, str], name: str, default: int, errors: list[str]) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        errors.append(f"{name}: {raw!r} is not a positive whole number")
        return default
    return int(raw)


def load_webhook_options(env: Mapping[str, str] | None = None) -> WebhookOptions:
    env = os.environ if env is None else env
    errors: list[str] = []
    header = (env.get("BC_WEBHOOK_SECRET_HEADER") or "").strip() or DEFAULT_SECRET_HEADER
    if not _HEADER_NAME.match(header):
        errors.append(f"BC_WEBHOOK_SECRET_HEADER: {header!r} is not an HTTP header name (letters, digits, -)")
    secret = (env.get("BC_WEBHOOK_SECRET") or "").strip()
    if secret and len(secret) < 16:
        errors.append("BC_WEBHOOK_SECRET: is shorter than 16 characters; use a long random value")
    max_bytes = _positive(env, "BC_WEBHOOK_MAX_BYTES", DEFAULT_MAX_BYTES, errors)
    batch = _positive(env, "BC_WEBHOOK_BATCH_FILES", DEFAULT_BATCH_FILES, errors)
    running = (env.get("BC_WEBHOOK_SENSOR_RUNNING") or "true").strip().lower()
    if running not in {"true", "false", "1", "0", "yes", "no"}:
        errors.append(f"BC_WEBHOOK_SENSOR_RUNNING: {running!r} is not true or false")
    if errors:
        raise ConfigError("; ".join(errors))
    return WebhookOptions(
        webhook_dir=Path((env.get("BC_WEBHOOK_DIR") or "").strip() or DEFAULT_WEBHOOK_DIR),
        secret=SecretStr(secret) if secret else None,
        secret_header=header,
        max_bytes=max_bytes,
        batch_files=batch,
        sensor_running=running in {"true", "1", "yes"},
    )
