"""The soak's receiver: `bc-pipeline webhooks serve` in its own process, and its peak memory and threads.

Peaks are sampled from /proc/<pid>/status once a second (VmHWM is the kernel's own high-water mark of the
resident set, so a spike between samples is still counted; Threads is sampled). Its log (one line per request)
goes to a file, counted by status at the end.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from bench.store_process import REPO


class ReceiverProcess:
    def __init__(self, webhook_dir: Path, secret: str, log_path: Path, threads: int | None = None):
        self.webhook_dir, self.secret, self.log_path, self.threads = webhook_dir, secret, log_path, threads
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.peak_rss_mb = 0.0
        self.peak_threads = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, name="soak-receiver-sampler", daemon=True)

    def __enter__(self) -> ReceiverProcess:
        env = {**os.environ, "BC_WEBHOOK_DIR": str(self.webhook_dir), "BC_WEBHOOK_SECRET": self.secret}
        cmd = [sys.executable, "-m", "bc_pipeline", "webhooks", "serve", "--port", "0"]
        if self.threads:
            cmd += ["--threads", str(self.threads)]
        log = open(self.log_path, "w")  # noqa: SIM115 - handed to the child, closed below
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=log)
        log.close()
        self.url = self._wait_for_url()
        self._sampler.start()
        return self

    def _wait_for_url(self) -> str:
        for _ in range(300):
            found = re.search(r"http://127\.0\.0\.1:\d+", self.log_path.read_text())
            if found:
                return found.group(0)
            if self.proc.poll() is not None:
                raise RuntimeError(f"the receiver did not start: {self.log_path.read_text()[-500:]}")
            threading.Event().wait(0.1)
        raise RuntimeError("the receiver did not print its address within 30 s")

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            try:
                status = Path(f"/proc/{self.proc.pid}/status").read_text()
            except OSError:
                return
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            self.peak_rss_mb = max(self.peak_rss_mb, int(fields["VmHWM"].split()[0]) / 1024)
            self.peak_threads = max(self.peak_threads, int(fields["Threads"]))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_statuses(self) -> Counter:
        """Requests per status, from its one log line per request."""
        found = re.findall(r"webhook receiver: (\d{3}) ", self.log_path.read_text())
        return Counter(found)
