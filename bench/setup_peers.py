"""Install each peer connector in its own virtual environment under bench/.venvs/ (gitignored), from PyPI.

Singer's tap-bigcommerce runs on Python 3.11; Airbyte's source-bigcommerce needs Python 3.10 (its CDK does
not install on 3.11+). A machine without the interpreter a peer needs gets a reason ("not run: no Python
3.10") instead of a crash, and the benchmark reports the peer as not run.

`python -m bench.setup_peers` installs both and prints what it found.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

VENV_ROOT = Path(__file__).resolve().parent / ".venvs"


@dataclass(frozen=True)
class PeerSpec:
    name: str  # also the venv folder name
    package: str  # pinned requirement
    python: str  # "3.11"
    script: str  # console script the package installs


PEERS: dict[str, PeerSpec] = {
    "singer": PeerSpec("singer", "tap-bigcommerce==1.1.3", "3.11", "tap-bigcommerce"),
    "airbyte": PeerSpec("airbyte", "airbyte-source-bigcommerce==0.2.22", "3.10", "source-bigcommerce"),
}


@dataclass
class PeerEnv:
    spec: PeerSpec
    python: Path | None  # the venv's interpreter, when installed
    reason: str | None  # why it is not available, when it is not

    @property
    def ok(self) -> bool:
        return self.python is not None


def find_interpreter(version: str) -> str | None:
    """A `pythonX.Y` executable: this one if it matches, else PATH, else pyenv's versions folder."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    on_path = shutil.which(f"python{version}")
    if on_path and _reports_version(on_path, version):
        return on_path
    for candidate in sorted(glob.glob(str(Path.home() / f".pyenv/versions/{version}.*/bin/python")), reverse=True):
        if _reports_version(candidate, version):
            return candidate
    return None


def _reports_version(exe: str, version: str) -> bool:
    try:
        out = subprocess.run(
            [exe, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
            capture_output=True, text=True, timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == version


def ensure_peer(spec: PeerSpec, root: Path = VENV_ROOT, log=print) -> PeerEnv:
    """Create the venv and install the pinned package once; later calls reuse it."""
    venv = root / spec.name
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if python.exists() and marker.exists() and marker.read_text().strip() == spec.package:
        return PeerEnv(spec, python, None)
    interpreter = find_interpreter(spec.python)
    if interpreter is None:
        return PeerEnv(spec, None, f"not run: no Python {spec.python}")
    log(f"[setup] {spec.name}: creating {venv} with Python {spec.python} and installing {spec.package}")
    if venv.exists():
        shutil.rmtree(venv)
    steps = [[interpreter, "-m", "venv", str(venv)], [str(python), "-m", "pip", "install", "-q", spec.package]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            return PeerEnv(spec, None, f"not run: install failed ({last[:200]})")
    marker.write_text(spec.package + "\n")
    return PeerEnv(spec, python, None)


def ensure_peers(names: list[str] | None = None, log=print) -> dict[str, PeerEnv]:
    return {name: ensure_peer(PEERS[name], log=log) for name in (names or list(PEERS))}


if __name__ == "__main__":
    for name, env in ensure_peers().items():
        print(f"{name:8} {env.spec.package:40} {env.python or env.reason}")
