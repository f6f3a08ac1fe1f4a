"""The progress line `bc-pipeline sync` prints per stream: counts, rate, wall time, and where its time went
(shares and seconds summed over threads, labelled so, so several streams can be weighted together); the
benchmark reads the same line back."""

from bc_pipeline.sync.report import StreamReport
from bench.sync_progress import parse_line


def test_line_gives_each_phase_share_and_seconds():
    report = StreamReport("orders", records=1000, pages=4, requests=5, seconds=2.0,
                          fetch_seconds=3.0, parse_seconds=0.5, transform_seconds=0.5, write_seconds=1.0)
    line = report.progress_line()
    assert "1,000 records" in line and "500 rec/s over 2.0s" in line
    assert "(summed over threads: fetch 60% 3.0s, parse 10% 0.5s, transform 10% 0.5s, write 20% 1.0s)" in line


def test_the_benchmark_reads_the_line_back():
    report = StreamReport("orders", records=1000, pages=4, requests=5, seconds=2.0,
                          fetch_seconds=3.0, parse_seconds=0.5, transform_seconds=0.5, write_seconds=1.0)
    parsed = parse_line(report.progress_line())
    assert (parsed["records"], parsed["wall_s"], parsed["failed"]) == (1000, 2.0, None)
    assert parsed["phase_seconds"] == {"fetch": 3.0, "parse": 0.5, "transform": 0.5, "write": 1.0}
    older = parse_line("orders   40,000 records   177 pages   286 requests   970 rec/s (fetch 80%, parse 6%, "
                       "transform 4%, write 9%)")
    assert older["shares"]["fetch"] == 0.8 and older["wall_s"] is None


def test_a_failed_stream_says_so():
    line = StreamReport("customers", error="BigCommerce answered 500").progress_line()
    assert "FAILED: BigCommerce answered 500" in line


def test_a_stream_that_asked_for_nothing_says_why_and_shows_no_breakdown():
    note = "no request: on a first sync the products stream brings every variant; 752 rows came with products"
    line = StreamReport("variants", seconds=0.01, write_seconds=0.001, note=note).progress_line()
    assert line.endswith(f"over 0.0s ({note})") and "summed over threads" not in line
    assert parse_line(line)["failed"] is None
