"""A hostile mapping file is refused quickly with one line: an alias bomb (under 400 bytes that expand into 9^9
values) and a 50 MB file, through `load_mapping` and through the `bc-pipeline mapping check` process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bc_pipeline.mapping.errors import MappingError
from bc_pipeline.mapping.load import load_mapping


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """`a: &a [x, x, ...]`, then each level a list of `width` aliases of the one before."""
    names = "abcdefghijklmnopqrstuvwxyz"
    lines = [f"{names[0]}: &{names[0]} [{', '.join(['x'] * width)}]"]
    for level in range(1, levels):
        before = names[level - 1]
        lines.append(f"{names[level]}: &{names[level]} [{', '.join([f'*{before}'] * width)}]")
    return "\n".join(lines) + "\n"


def check_process(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bc_pipeline", "mapping", "check", str(path)],
        capture_output=True, text=True, timeout=120,
    )


def test_the_alias_bomb_is_refused_at_its_first_alias(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    assert path.stat().st_size < 400  # the one seen was 366 bytes
    with pytest.raises(MappingError, match=r"line 2: YAML aliases \(\*a\) are not allowed") as info:
        load_mapping(path)
    assert "\n" not in str(info.value)
    done = check_process(path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"Error: {info.value}"]
    assert "Traceback" not in done.stderr + done.stdout


def test_an_alias_inside_a_valid_mapping_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "anchored.yaml"
    path.write_text("entities:\n  customers: &c\n    columns:\n      id: id\n  subscribers: *c\n")
    with pytest.raises(MappingError, match=r"line 5: YAML aliases \(\*c\)"):
        load_mapping(path)


def test_a_50_mb_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w") as f:
        f.write("entities:\n  customers:\n    columns:\n      id: id\n")
        line = "      # " + "x" * 90 + "\n"
        f.write(line * (50 * 1024 * 1024 // len(line)))
    with pytest.raises(MappingError, match=r"is 52,42\d,\d{3} bytes, over the limit of 1,048,576") as info:
        load_mapping(path)
    done = check_process(path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"Error: {info.value}"]
