"""`bc-pipeline emulator`: --help documents every knob; the command serves on 127.0.0.1, prints the URL,
store hash and token, and stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys

import requests
from click.testing import CliRunner

from bc_emulator import EmulatorConfig
from bc_pipeline.cli import main
from bc_pipeline_tests.conftest import CLI_STOPPED_BY_CTRL_C

NOT_FLAGS = {"extra_tokens"}  # Python-only: extra tokens are added with Emulator.add_token


def test_help_documents_every_config_knob():
    out = CliRunner().invoke(main, ["emulator", "--help"]).output
    for field in dataclasses.fields(EmulatorConfig):
        if field.name not in NOT_FLAGS:
            assert "--" + field.name.replace("_", "-") in out, field.name


def test_bad_flag_value_is_a_usage_error():
    result = CliRunner().invoke(main, ["emulator", "--fault-rate", "2"])
    assert result.exit_code != 0 and "fault_rate" in result.output


def test_serves_until_interrupted():
    code = CLI_STOPPED_BY_CTRL_C
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "emulator", "--port", "0", "--orders", "20", "--customers", "10",
         "--products", "5", "--quota", "none"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        env = {}
        for line in proc.stdout:
            if "=" in line and line.startswith("BC_"):
                key, value = line.strip().split("=", 1)
                env[key] = value
            if "BC_ACCESS_TOKEN" in env:
                break
        assert env["BC_API_URL"].startswith("http://127.0.0.1:")
        r = requests.get(f"{env['BC_API_URL']}/stores/{env['BC_STORE_HASH']}/v2/orders",
                         headers={"X-Auth-Token": env["BC_ACCESS_TOKEN"]}, params={"limit": 50}, timeout=10)
        assert r.status_code == 200 and len(r.json()) == 20
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    assert proc.returncode == 0


def test_a_port_in_use_is_one_line_error():
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["emulator", "--port", str(port), "--orders", "5", "--customers", "5",
                                           "--products", "3"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: cannot serve on 127.0.0.1:{port}: Address already in use; "
                     "choose another --port (0 = any free port)"]
    assert "Traceback" not in result.output
