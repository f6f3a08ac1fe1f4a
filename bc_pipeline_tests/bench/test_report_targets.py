"""The issue-14 summary at the top of latest.md: each target is read from the run's own results, judged
pass or missed (by how much), and a part the run did not measure says so instead of passing."""

from __future__ import annotations

from bench.report_targets import target_lines


def _row(lines: list[str], starts: str) -> list[str]:
    row = next(line for line in lines if line.startswith(f"| {starts}"))
    return [cell.strip() for cell in row.strip("|").split("|")]


RESULTS = {
    "demo_noop": {"repeat": 5, "wall_s": [3.1, 3.4, 3.9, 3.5, 5.0], "median_wall_s": 3.5, "median_cpu_s": 3.2},
    "scenarios": [
        {"scenario": "2k_pro", "bc_pipeline": {"status": "complete", "wall_s": 7.0, "requests": 52}},
        {"scenario": "50k_standard", "floor": {"wall_s": 60.0, "requests": 339},
         "floor_completed": {"wall_s": 90.0, "requests": 540},
         "bc_pipeline": {"status": "complete", "wall_s": 99.0, "requests": 558, "ratio_to_floor": 1.65,
                         "ratio_to_floor_completed": 1.1}},
    ],
    "sizes": [{"size": "100k", "bc_pipeline": {"unconstrained": {"full": {
        "status": "complete", "cpu_s": 40.0, "records_landed": 1_000_000}}}}],
}


def test_each_target_is_judged_from_the_results():
    lines = target_lines(RESULTS)
    assert _row(lines, "no-op `bc-pipeline sync`")[2:4] == ["3.50 s", "**pass**"]
    assert _row(lines, "2,000 orders")[3] == "**missed** by 1.50 s (1.27x the target)"
    assert _row(lines, "50k orders, 200 ms, Standard quota, x floor (minimum pages)")[3].startswith("**missed**")
    assert _row(lines, "50k orders, 200 ms, Standard quota, x floor (+ completions)")[3] == "**pass**"
    assert _row(lines, "CPU per 1,000 rows, unconstrained 100k")[2:4] == ["0.0400 CPU-s", "**pass**"]


def test_a_part_not_measured_says_so_and_does_not_pass():
    lines = target_lines(RESULTS)
    for name in ("no-op sync at 1M orders", "CPU per 1,000 rows, unconstrained 1M"):
        row = _row(lines, name)
        assert row[2:4] == ["–", "–"] and row[4] == "not measured"
    empty = target_lines({"sizes": [], "scenarios": []})
    assert not any("**pass**" in line for line in empty)


def test_the_cpu_target_reads_the_median_of_the_repeated_full_syncs():
    runs = {"full": {"status": "complete", "cpu_s": 60.0, "records_landed": 1_000_000},
            "full_repeats": [{"status": "complete", "cpu_s": 44.0, "records_landed": 1_000_000},
                             {"status": "failed: x", "cpu_s": 1.0, "records_landed": 1_000_000},
                             {"status": "complete", "cpu_s": 50.0, "records_landed": 1_000_000}]}
    results = {**RESULTS, "sizes": [{"size": "100k", "bc_pipeline": {"unconstrained": runs}}]}
    row = _row(target_lines(results), "CPU per 1,000 rows, unconstrained 100k")
    assert row[2:4] == ["0.0500 CPU-s", "**missed** by 0.0050 CPU-s (1.11x the target)"]
    assert row[4].startswith("median of 3 full syncs (0.0440, 0.0500, 0.0600), 50.0 CPU-s")  # the failed run left out
