"""The full benchmark's report names the commit each size was measured at: a `--merge` run keeps sizes measured
by an earlier run (often at an older commit), so one commit in the header would misattribute them."""

import json

from bench import report
from bench.run import REPO


def test_each_size_shows_its_own_commit():
    results = json.loads((REPO / "bench" / "results" / "latest.json").read_text())
    results["sizes"][0]["commit"] = "abc1234"
    text = report.markdown(results)
    sizes_line = next(line for line in text.splitlines() if line.startswith("Sizes measured: "))
    first = results["sizes"][0]["size"]
    assert f"{first} at {results['sizes'][0]['measured_utc']}, commit abc1234 " in sizes_line
    assert all(f"{z['size']} at " in sizes_line for z in results["sizes"])
