"""`bc-pipeline webhooks serve` as a user runs it (a real process on 127.0.0.1), and the webhook settings it
reads: the secret is required, never printed, and bad values are named."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from bc_pipeline.cli import main
from bc_pipeline.config import ConfigError, load_settings
from bc_pipeline_tests.conftest import CLI_STOPPED_BY_CTRL_C

SECRET = "serve-test-secret-abcdefgh"


def test_serve_accepts_the_secret_and_writes_into_the_inbox(tmp_path: Path) -> None:
    env = {**os.environ, "BC_WEBHOOK_DIR": str(tmp_path / "wh"), "BC_WEBHOOK_SECRET": SECRET,
           "BC_WEBHOOK_SECRET_HEADER": "X-Hook-Key"}
    proc = subprocess.Popen([sys.executable, "-c", CLI_STOPPED_BY_CTRL_C, "webhooks", "serve", "--port", "0"],
                            cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        line = proc.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        good = requests.post(url, data=b'{"scope": "store/order/created"}', headers={"X-Hook-Key": SECRET}, timeout=10)
        bad = requests.post(url, data=b"{}", headers={"X-Hook-Key": "nope"}, timeout=10)
    finally:
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=20)
    assert (good.status_code, bad.status_code) == (200, 401)
    assert len(list((tmp_path / "wh" / "inbox").iterdir())) == 1
    assert "1 accepted" in rest
    assert SECRET not in line + rest
    assert re.search(r"webhook receiver: 200 POST / \d+ bytes from 127\.0\.0\.1 \(written as ", rest)  # logged
    assert "webhook receiver: 401 POST / 2 bytes from 127.0.0.1 (wrong or missing secret header)" in rest


def test_serve_refuses_to_start_without_a_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BC_WEBHOOK_SECRET", raising=False)
    result = CliRunner().invoke(main, ["webhooks", "serve", "--port", "0"])
    assert result.exit_code != 0 and "BC_WEBHOOK_SECRET" in result.output


def test_options_defaults_and_errors() -> None:
    defaults = load_settings({})
    assert (defaults.webhook_max_bytes, defaults.webhook_batch_files, defaults.webhook_sensor_running) == (
        1024 * 1024, 200, True)
    assert str(defaults.webhook_dir) == "data/webhooks" and defaults.webhook_secret is None
    custom = load_settings({"BC_WEBHOOK_SECRET": SECRET, "BC_WEBHOOK_SENSOR_RUNNING": "false"})
    assert SECRET not in repr(custom) and custom.webhook_sensor_running is False
    with pytest.raises(ConfigError) as err:
        load_settings({"BC_WEBHOOK_SECRET": "short", "BC_WEBHOOK_MAX_BYTES": "1MB",
                              "BC_WEBHOOK_SECRET_HEADER": "Bad Header", "BC_WEBHOOK_BATCH_FILES": "0"})
    message = str(err.value)
    for name in ("BC_WEBHOOK_SECRET:", "BC_WEBHOOK_MAX_BYTES", "BC_WEBHOOK_SECRET_HEADER", "BC_WEBHOOK_BATCH_FILES"):
        assert name in message
    assert "short" not in message.replace("shorter", "")  # the (bad) secret itself is not echoed
