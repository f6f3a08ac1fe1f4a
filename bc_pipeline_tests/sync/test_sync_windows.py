"""Which window a run asks for, and when the high-water mark may move."""

from datetime import UTC, datetime, timedelta

from bc_pipeline.sync.windows import next_high_water_mark, plan_window

START = datetime(2021, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = datetime(2026, 11, 25, tzinfo=UTC)
LOOKBACK = timedelta(minutes=10)


def plan(**kw):
    args = dict(kind="incremental", high_water_mark=None, bulk_start=START, store_now=NOW, lookback=LOOKBACK)
    args.update(kw)
    return plan_window(**args)


def test_first_incremental_run_backfills_from_the_bulk_start():
    w = plan()
    assert (w.since, w.until, w.incremental) == (START, NOW, True)
    assert next_high_water_mark(None, w) == NOW


def test_incremental_starts_at_the_mark_minus_lookback_even_days_back():
    mark = NOW - timedelta(days=3)
    w = plan(high_water_mark=mark)
    assert w.since == mark - LOOKBACK and w.until == NOW


def test_full_starts_at_the_bulk_start_whatever_the_mark():
    mark = NOW - timedelta(days=3)
    w = plan(kind="full", high_water_mark=mark)
    assert (w.since, w.until, w.incremental) == (START, NOW, False)
    assert next_high_water_mark(mark, w) == NOW


def test_old_range_is_exact_and_moves_no_mark_when_not_contiguous():
    mark = datetime(2023, 1, 1, tzinfo=UTC)
    w = plan(kind="range", range_start=datetime(2024, 3, 1, tzinfo=UTC), range_end=datetime(2024, 4, 1, tzinfo=UTC),
             high_water_mark=mark)
    assert (w.since, w.until, w.incremental) == (datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC), False)
    assert next_high_water_mark(mark, w) == mark


def test_range_from_the_start_to_today_moves_the_mark_to_the_store_clock():
    w = plan(kind="range", range_start=START, range_end=TODAY + timedelta(days=1))
    assert w.until == NOW and w.moves_high_water_mark
    assert next_high_water_mark(None, w) == NOW


def test_a_range_before_the_bulk_start_is_clamped_to_it():
    w = plan(kind="range", range_start=START - timedelta(days=30), range_end=START + timedelta(days=1))
    assert (w.since, w.until) == (START, START + timedelta(days=1))


def test_the_mark_never_moves_backwards():
    later = NOW + timedelta(hours=1)
    w = plan(kind="range", range_start=START, range_end=TODAY, high_water_mark=later)
    assert next_high_water_mark(later, w) == later
