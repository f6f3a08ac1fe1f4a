"""The progress line `bc-pipeline sync` prints per stream: counts, rate, and where its time went (shares and
thread-seconds, so several streams can be weighted together)."""

from bc_pipeline.sync.report import StreamReport


def test_line_gives_each_phase_share_and_seconds():
    report = StreamReport("orders", records=1000, pages=4, requests=5, seconds=2.0,
                          fetch_seconds=3.0, parse_seconds=0.5, transform_seconds=0.5, write_seconds=1.0)
    line = report.progress_line()
    assert "1,000 records" in line and "500 rec/s" in line
    assert "(fetch 60% 3.0s, parse 10% 0.5s, transform 10% 0.5s, write 20% 1.0s)" in line


def test_a_failed_stream_says_so():
    line = StreamReport("customers", error="BigCommerce answered 500").progress_line()
    assert "FAILED: BigCommerce answered 500" in line
