"""The full benchmark's report names the commit each size was measured at: a `--merge` run keeps sizes measured
by an earlier run (often at an older commit), so one commit in the header would misattribute them."""

import json

from bench import report
from bench.run import REPO, merged_entry


def test_each_size_shows_its_own_commit():
    results = json.loads((REPO / "bench" / "results" / "latest.json").read_text())
    results["sizes"][0]["commit"] = "abc1234"
    text = report.markdown(results)
    sizes_line = next(line for line in text.splitlines() if line.startswith("Sizes measured: "))
    first = results["sizes"][0]["size"]
    assert f"{first} at {results['sizes'][0]['measured_utc']}, commit abc1234 " in sizes_line
    assert all(f"{z['size']} at " in sizes_line for z in results["sizes"])


def test_a_merge_keeps_only_modes_not_measured_again_and_says_when_each_was_measured():
    previous = {"size": "1m", "measured_utc": "2026-11-25 21:17 UTC", "commit": "55aedf8",
                "bc_pipeline": {"unconstrained": {"wall_s": 652.0}, "constrained": {"wall_s": 807.7}}}
    entry = {"size": "1m", "measured_utc": "2026-12-05 03:31 UTC", "commit": "7241cca", "load_avg_1m_start": 0.2,
             "bc_pipeline": {}, "peers": {}}
    merged = merged_entry(entry, previous, ["unconstrained"])
    assert merged["bc_pipeline"]["constrained"] == {"wall_s": 807.7}  # kept; unconstrained is measured again
    assert merged["commit"] == "7241cca (unconstrained; constrained at 55aedf8)"
    assert merged["measured_utc"] == "2026-12-05 03:31 UTC (unconstrained; constrained at 2026-11-25 21:17 UTC)"
    assert merged_entry(entry, previous, ["constrained", "unconstrained"]) is entry  # all measured anew
