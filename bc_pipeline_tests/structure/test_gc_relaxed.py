"""gc_relaxed(): the collector's thresholds and frozen set are restored after a sync, even when it fails."""

import gc

import pytest

from bc_pipeline.gc_pause import gc_relaxed


def test_thresholds_are_raised_inside_and_restored_after():
    before = gc.get_threshold()
    with gc_relaxed(young=123_456):
        assert gc.get_threshold()[0] == 123_456
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_restored_when_the_body_raises():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), gc_relaxed():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_are_still_collected():
    class Node:
        pass

    with gc_relaxed():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
