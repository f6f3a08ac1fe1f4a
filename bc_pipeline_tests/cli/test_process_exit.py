"""`bc-pipeline` ends without the interpreter's teardown (cli/process_exit.py): what it printed still arrives
whole through a pipe, and its exit status is click's (0 done, 1 an error, 2 a usage error)."""

from __future__ import annotations

import subprocess
import sys

from bc_pipeline.cli import COMMANDS
from bc_pipeline.cli.process_exit import exit_status


def bc_pipeline(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bc_pipeline", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_every_command_through_a_pipe():
    done = bc_pipeline("--help")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)


def test_an_error_is_one_line_and_status_1():
    done = bc_pipeline("sync", "--full", "--from", "2024-01-01")
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: --full and --from/--to are exclusive: choose one"


def test_a_usage_error_is_status_2():
    done = bc_pipeline("no-such-command")
    assert done.returncode == 2 and "No such command 'no-such-command'" in done.stderr


def test_exit_status_is_what_sys_exit_would_give(capsys):
    assert exit_status(None) == 0 and exit_status(3) == 3
    assert exit_status("stopped") == 1 and capsys.readouterr().err == "stopped\n"
