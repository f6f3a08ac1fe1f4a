"""Read `bc-pipeline sync`'s progress lines (its stderr) into per-stream figures and time shares.

The CLI prints, per stream, a line every few seconds while the stream runs and a final one when it ends
(bc_pipeline/sync/report.py, `StreamReport.progress_line`), e.g.

    orders   40,000 records   177 pages   286 requests   970 rec/s over 41.2s [2020-12-31.. .. ..] (summed over threads: fetch 80% 81.1s, parse 6% 6.1s, transform 4% 4.0s, write 9% 9.1s)

A stream's last line is its summary: `over` gives its wall seconds. Its shares are of that stream's *summed
phase seconds* (thread-seconds: fetch and parse are summed over the stream's concurrent fetch threads, so
they can exceed the wall time), not of wall time. Shares of two streams can only be combined when each
stream's phase seconds are known, so `aggregate` weights the streams by their phase seconds when the line
carries them and otherwise reports no aggregate rather than a guess; `summarise` then names the largest
stream's shares. Lines of earlier versions (no `over`, no `summed over threads:` label, or no phase
seconds) parse too: stored results are re-read by `python -m bench.run --merge`.
"""

from __future__ import annotations

import re
from typing import Any

PHASES = ("fetch", "parse", "transform", "write")
_PREFIX = re.compile(r"^t\+[\d.]+s ")  # the arrival offset the harness puts before each kept line
_LINE = re.compile(
    r"^\s*(?P<stream>[A-Za-z_][\w]*)\s+(?P<records>[\d,]+) records\s+(?P<pages>[\d,]+) pages"
    r"\s+(?P<requests>[\d,]+) requests\s+(?P<rate>[\d,]+) rec/s(?: over (?P<wall>[\d,.]+)s)?"
    r"(?: \[(?P<since>\S+) \.\. (?P<until>\S+)\])?(?P<rest>.*)$"
)
_SHARES = re.compile(r" \((?:summed over threads: )?(?P<shares>fetch \d+%[^()]*)\)\s*$")
_QUOTA_WAIT = re.compile(r" \(waited (?P<sec>[\d,.]+)s of it for the API quota\)")
_PHASE = re.compile(r"(?P<phase>fetch|parse|transform|write) (?P<pct>\d+)%(?: (?P<sec>[\d,.]+) ?s)?")


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_line(line: str) -> dict[str, Any] | None:
    """One progress line as figures, or None for any other stderr line (Dagster banners, warnings)."""
    match = _LINE.match(_PREFIX.sub("", line.rstrip("\n")))
    if match is None:
        return None
    rest = match["rest"]
    shares: dict[str, float] = {}
    seconds: dict[str, float] = {}
    found = _SHARES.search(rest)
    if found:
        rest = rest[: found.start()]
        for part in _PHASE.finditer(found["shares"]):
            shares[part["phase"]] = int(part["pct"]) / 100
            if part["sec"] is not None:
                seconds[part["phase"]] = float(part["sec"].replace(",", ""))
    waited = _QUOTA_WAIT.search(rest)
    if waited:
        rest = rest[: waited.start()] + rest[waited.end():]
    failed = rest.strip()
    return {
        "stream": match["stream"], "records": _int(match["records"]), "pages": _int(match["pages"]),
        "requests": _int(match["requests"]), "records_per_s": _int(match["rate"]),
        "wall_s": float(match["wall"].replace(",", "")) if match["wall"] else None,
        "window": [match["since"], match["until"]] if match["since"] else None,
        "failed": failed.removeprefix("FAILED:").strip() if failed.startswith("FAILED") else None,
        "shares": shares or None,
        "phase_seconds": seconds if seconds and set(seconds) == set(PHASES) else None,
        "quota_wait_s": float(waited["sec"].replace(",", "")) if waited else 0.0,
    }


def final_by_stream(lines: list[str]) -> dict[str, dict[str, Any]]:
    """Each stream's last progress line (its end-of-stream summary), in the order the streams finished."""
    last: dict[str, dict[str, Any]] = {}
    for line in lines:
        parsed = parse_line(line)
        if parsed is not None:
            last.pop(parsed["stream"], None)  # re-insert so the order is the order of the final lines
            last[parsed["stream"]] = parsed
    return last


def aggregate(streams: dict[str, dict[str, Any]]) -> dict[str, float] | None:
    """Shares over all streams, weighted by each stream's phase seconds; None when a line lacks them."""
    with_shares = [s for s in streams.values() if s["shares"]]
    if not with_shares or any(s["phase_seconds"] is None for s in with_shares):
        return None
    totals = {p: sum(s["phase_seconds"][p] for s in with_shares) for p in PHASES}
    whole = sum(totals.values())
    return {p: round(v / whole, 3) for p, v in totals.items()} if whole > 0 else None


def summarise(lines: list[str]) -> dict[str, Any]:
    """Per-stream summaries, and the time shares to show: all streams, or failing that the largest stream."""
    streams = final_by_stream(lines)
    shares: dict[str, Any] = {"all_streams": aggregate(streams)}
    if shares["all_streams"] is not None:
        shares["phase_seconds"] = round(sum(sum(s["phase_seconds"].values()) for s in streams.values()
                                            if s["phase_seconds"]), 1)
    else:
        shares["note"] = ("the progress lines give each stream's shares as percentages only (of its summed "
                          "phase thread-seconds), so streams cannot be weighted together; shown: the largest stream")
    largest = max((s for s in streams.values() if s["shares"]), key=lambda s: s["records"], default=None)
    if largest is not None:
        shares["largest_stream"] = largest["stream"]
        shares["largest_stream_shares"] = largest["shares"]
    return {"streams": streams, "time_shares": shares}


def timeline(lines: list[str], wall_s: float) -> dict[str, float]:
    """When the kept lines arrived (their `t+` prefix, seconds since the process started): the first and the
    last, and the wall time after the last one (the mapped tables, the status table and the exit)."""
    times = [float(m[1]) for m in (re.match(r"^t\+([\d.]+)s ", line) for line in lines) if m]
    if not times:
        return {}
    return {"first_progress_line_at_s": min(times), "last_progress_line_at_s": max(times),
            "after_last_progress_line_s": round(max(0.0, wall_s - max(times)), 1)}


def compact(time_shares: dict[str, Any] | None) -> str | None:
    """'all streams: fetch 71 / parse 11 / transform 4 / write 14 %' (or the largest stream's, named)."""
    if not time_shares:
        return None
    if time_shares.get("all_streams"):
        label, shares = "all streams", time_shares["all_streams"]
    elif time_shares.get("largest_stream_shares"):
        label, shares = time_shares["largest_stream"], time_shares["largest_stream_shares"]
    else:
        return None
    return f"{label}: " + " / ".join(f"{p} {round(shares.get(p, 0) * 100)}" for p in PHASES) + " %"
