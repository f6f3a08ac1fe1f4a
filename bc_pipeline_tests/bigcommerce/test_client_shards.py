"""Shard planning: time shards cover the window without gaps or overlap; id batches, parent batches, v2 ranges."""

from datetime import UTC, datetime, timedelta

from bc_pipeline.bigcommerce.shards import batches, id_ranges, packed_batches, shard_count, time_shards

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_time_shards_are_contiguous_on_whole_seconds():
    until = T0 + timedelta(days=10, seconds=7)
    shards = time_shards(T0, T0, until, 4)
    assert len(shards) == 4
    assert shards[0].date_min == T0 and shards[-1].date_max == until
    for a, b in zip(shards, shards[1:], strict=False):
        assert b.date_min - a.date_max == timedelta(seconds=1)  # inclusive bounds: no gap, no overlap


def test_open_start_keeps_everything_before_the_anchor():
    shards = time_shards(None, T0, T0 + timedelta(hours=1), 3)
    assert shards[0].date_min is None and shards[1].date_min > T0


def test_tiny_window_gets_no_more_shards_than_seconds():
    shards = time_shards(T0, T0, T0 + timedelta(seconds=2), 8)
    assert len(shards) == 2 and shards[0].date_max == T0 and shards[1].date_min == T0 + timedelta(seconds=1)
    assert len(time_shards(T0, T0, T0, 8)) == 1


def test_shard_count_is_bounded_by_workers_and_pages_left():
    assert shard_count(100, 1, 8) == 1
    assert shard_count(1000, 1, 8) == 3     # 4 pages, the first read
    assert shard_count(100_000, 1, 8) == 8
    assert shard_count(100_000, 0, 1) == 1


def test_batches_and_v2_ranges():
    assert batches([3, 1, 2, 3], size=2) == [[1, 2], [3]]
    ranges = id_ranges([1, 2, 249, 250, 251, 900])
    assert [(lo, hi) for lo, hi, _ in ranges] == [(1, 250), (251, 251), (900, 900)]
    assert all(hi - lo < 250 for lo, hi, _ in ranges)
    assert sorted(i for _, _, w in ranges for i in w) == [1, 2, 249, 250, 251, 900]


def test_parent_batches_fill_one_page_each():
    counts = [(i, 3) for i in range(1, 201)]  # 600 children: 3 full pages of 83 parents (249 children)
    packed = packed_batches(counts)
    assert [len(b) for b in packed] == [83, 83, 34]
    assert [p for b in packed for p in b] == list(range(1, 201))  # every parent once, in id order


def test_parent_batches_big_parents_alone_and_unknown_ones_still_listed():
    packed = packed_batches([(5, 2), (9, 400), (2, 0), (7, 249), (8, 1), (10, 1)])
    assert packed == [[2, 5], [7, 8], [9], [10]]  # 0 known weighs 1; 7 + 8 fill a page; 9 is bigger than one
    assert packed_batches([(i, 0) for i in range(1, 302)], max_ids=100)[-1] == [301]
    assert packed_batches([]) == []


def test_id_set_drops_repeats_and_stays_small():
    from bc_pipeline.bigcommerce.idset import IdSet

    seen = IdSet()
    assert [seen.add(i) for i in (5, 7, 5, 0, 10**6, 10**6, "a", "a")] == [True, True, False, True, True, False,
                                                                            True, False]
    dense = IdSet()
    for i in range(1, 1_000_001):
        dense.add(i)
    assert dense.memory_bytes() < 200_000 and not dense.add(999_999)
