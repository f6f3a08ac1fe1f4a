"""What a peer run produced, and the plumbing shared by both peers (launch through the redirect, count output).

Records are counted per kind the benchmark compares (customers, orders, line_items, products, variants) from
the peer's own stdout messages, so "records" means what the peer emitted, not what the emulator served.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import run_measured

LAUNCHER = Path(__file__).resolve().parent / "redirect_launcher.py"
KINDS = ("customers", "orders", "line_items", "products", "variants")


@dataclass
class Invocation:
    """One peer process: what it is for, its argv after the launcher, and how to count its stdout."""

    label: str
    script: str
    args: list[str]
    count_line: Callable[[dict, Counter], None]


@dataclass
class PeerRun:
    peer: str
    status: str = "complete"  # complete, or what did not finish (see overall_status)
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    requests: int = 0
    requests_by_endpoint: dict[str, int] = field(default_factory=dict)
    throttled_429: int = 0
    not_found: dict[str, int] = field(default_factory=dict)  # endpoints the emulator answered 404
    records: dict[str, int] = field(default_factory=dict)
    invocations: list[dict] = field(default_factory=list)


def run_invocations(
    peer: str,
    python: Path,
    api_url: str,
    invocations: list[Invocation],
    time_limit_s: float,
    clear_log: Callable[[], None],
    read_log: Callable[[], dict],
    launcher_args: list[str] | None = None,
    log=print,
) -> PeerRun:
    """Run each invocation under the redirect launcher, each with an equal share of the time budget.

    The emulator's request log is cleared before and read after each invocation, so requests are counted
    by the server, per invocation and per endpoint.
    """
    result = PeerRun(peer=peer)
    counts: Counter = Counter()
    by_endpoint: Counter = Counter()
    share = time_limit_s / max(1, len(invocations))
    for inv in invocations:
        cmd = [str(python), str(LAUNCHER), "--to", api_url, *(launcher_args or []), "--script", inv.script, "--",
               *inv.args]
        clear_log()
        before = Counter(counts)
        run = run_measured(cmd, time_limit_s=share, on_stdout_line=_line_counter(inv, counts))
        if run.timed_out:
            time.sleep(1.5)  # requests in flight when it was killed are logged when their latency ends
        served = read_log()
        by_endpoint.update(served.get("by_endpoint", {}))
        result.requests += served.get("requests", 0)
        result.throttled_429 += int(served.get("by_status", {}).get("429", 0))
        for endpoint, n in served.get("not_found", {}).items():
            result.not_found[endpoint] = result.not_found.get(endpoint, 0) + n
        result.wall_s += run.wall_s
        result.cpu_s += run.cpu_user_s + run.cpu_sys_s
        result.peak_rss_mb = max(result.peak_rss_mb, run.peak_rss_mb)
        status = "timed out" if run.timed_out else ("complete" if run.returncode == 0 else "failed")
        last_error = _last_error(run.stderr_tail) if status == "failed" else ""
        emitted = {k: counts.get(k, 0) - before.get(k, 0) for k in KINDS if counts.get(k, 0) - before.get(k, 0)}
        result.invocations.append({"label": inv.label, "status": status, "wall_s": round(run.wall_s, 2),
                                   "cpu_s": round(run.cpu_user_s + run.cpu_sys_s, 2),
                                   "requests": served.get("requests", 0), "records": emitted, "error": last_error})
        log(f"[{peer}] {inv.label}: {status} in {run.wall_s:.1f}s, {served.get('requests', 0)} requests "
            f"{last_error}".rstrip())
    result.status = overall_status(result.invocations)
    result.records = {kind: counts.get(kind, 0) for kind in KINDS}
    result.requests_by_endpoint = dict(by_endpoint.most_common())
    return result


def overall_status(invocations: list[dict]) -> str:
    """'complete', or each unfinished process: 'orders timed out; customers failed: HTTPError 404'."""
    parts = []
    for inv in invocations:
        if inv["status"] == "complete":
            continue
        label = "" if len(invocations) == 1 else inv["label"] + " "
        error = f": {inv['error']}" if inv.get("error") else ""
        parts.append(f"{label}{inv['status']}{error}")
    return "; ".join(parts) or "complete"


def _line_counter(inv: Invocation, counts: Counter) -> Callable[[str], None]:
    def handle(line: str) -> None:
        line = line.strip()
        if not line.startswith("{"):
            return
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            return
        inv.count_line(message, counts)

    return handle


def _last_error(stderr_tail: str) -> str:
    lines = [ln.strip() for ln in stderr_tail.splitlines() if ln.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line or "Exception" in line:
            return line[-300:]
    return lines[-1][-300:] if lines else ""

