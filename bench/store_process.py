"""The harness side of bench.serve_store: start a store in a child process and send it commands.

Keeping the emulator out of the measured process means the sync's peak RSS and CPU are its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class StoreShape:
    orders: int
    customers: int
    products: int
    categories: int
    brands: int


@dataclass(frozen=True)
class Constraints:
    """API conditions: latency per request and a quota per window (quota 0 = unlimited)."""

    name: str
    latency_ms: tuple[float, float] = (0.0, 0.0)
    quota: int = 0
    window_ms: int = 30_000


class StoreProcess:
    def __init__(self, shape: StoreShape, constraints: Constraints, seed: int = 42, log_path: Path | None = None) -> None:
        self.shape, self.constraints, self.seed, self.log_path = shape, constraints, seed, log_path
        self.proc: subprocess.Popen | None = None
        self.api_url = self.store_hash = self.access_token = ""

    def __enter__(self) -> StoreProcess:
        s, c = self.shape, self.constraints
        cmd = [
            sys.executable, "-m", "bench.serve_store", "--seed", str(self.seed), "--orders", str(s.orders),
            "--customers", str(s.customers), "--products", str(s.products), "--categories", str(s.categories),
            "--brands", str(s.brands), "--quota", str(c.quota), "--window-ms", str(c.window_ms),
            "--latency", f"{c.latency_ms[0]},{c.latency_ms[1]}",
        ]
        log = open(self.log_path, "a") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                     text=True, bufsize=1)
        if self.log_path:
            log.close()  # the child keeps its own copy
        ready = self._read()
        if ready.get("event") != "ready":
            self.close()
            raise RuntimeError(f"emulator store did not start: {ready}")
        self.api_url, self.store_hash = ready["api_url"], ready["store_hash"]
        self.access_token = ready["access_token"]
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                self.proc.stdin.write(json.dumps({"cmd": "stop"}) + "\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
        except (BrokenPipeError, subprocess.TimeoutExpired, OSError):
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def command(self, name: str, **kwargs: Any) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": name, **kwargs}) + "\n")
        self.proc.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise RuntimeError(f"emulator store command {name!r} failed: {answer['error']}")
        return answer

    def _read(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("emulator store process ended unexpectedly")
        return json.loads(line)
