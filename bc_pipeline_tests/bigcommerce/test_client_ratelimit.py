"""The quota gate waits for the known reset time and no longer (fake clock: no wall time)."""

import pytest

from bc_pipeline.bigcommerce.ratelimit import QuotaGate


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def headers(left, reset_ms, quota=150, window_ms=3000):
    sent = {"x-rate-limit-requests-left": str(left), "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
            "X-RATE-LIMIT-REQUESTS-QUOTA": str(quota), "X-Rate-Limit-Time-Window-Ms": str(window_ms)}
    return {k: v for k, v in sent.items() if v != "None"}


def test_no_wait_while_quota_is_left():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep)
    gate.acquire()
    gate.release(headers(left=5, reset_ms=1000))
    gate.acquire()
    assert clock.slept == []


def test_exhausted_quota_waits_exactly_until_reset():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep)
    gate.acquire()
    gate.release(headers(left=0, reset_ms=1500))
    clock.now += 0.5
    gate.acquire()
    assert clock.slept == [1.0]


def test_requests_in_flight_count_against_what_is_left():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep)
    gate.acquire()
    gate.release(headers(left=1, reset_ms=2000))
    gate.acquire()               # uses the last one
    assert gate.allowed_workers(8) == 1
    gate.acquire()               # must wait for the reset
    assert clock.slept == [2.0]


def test_429_waits_its_reset_time_then_x_retry_after_then_backoff():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep, backoff_base_s=0.5)
    assert gate.wait_after_429({"X-Rate-Limit-Time-Reset-Ms": "1234"}, 0) == 1.234
    assert gate.wait_after_429({"X-Retry-After": "2"}, 0) == 2.0
    waits = [gate.wait_after_429({}, n) for n in range(3)]
    assert 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0 and 1.0 <= waits[2] <= 2.0
    assert clock.slept[:2] == [1.234, 2.0]


def test_allowed_workers_follows_the_remaining_quota():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep)
    assert gate.allowed_workers(8) == 8
    gate.acquire()
    gate.release(headers(left=3, reset_ms=1000))
    assert gate.allowed_workers(8) == 3
    clock.now += 1.0
    gate.release(headers(left=100, reset_ms=3000))  # the next window
    assert gate.allowed_workers(8) == 8


def test_a_higher_count_released_late_in_the_same_window_is_stale():
    """Threads release responses out of order: the server answered `left=5` before `left=3`, but the gate hears
    3 first. Taking the 5 let two requests too many go out at the window's end, each met by a 429."""
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep)
    for _ in range(2):
        gate.acquire()
    gate.release(headers(left=3, reset_ms=1000))
    clock.now += 0.01
    gate.release(headers(left=5, reset_ms=1010))
    assert gate.snapshot()["left"] == 3
    for _ in range(3):
        gate.acquire()
    assert clock.slept == []
    gate.acquire()  # the fourth would be over the quota: waits for the reset
    assert clock.slept == pytest.approx([0.99])


def test_an_answer_from_the_window_that_turned_over_is_ignored():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep)
    gate.acquire()
    gate.release(headers(left=0, reset_ms=500))
    gate.acquire()  # waits out the window, then the whole quota is there again
    assert clock.slept == [0.5] and gate.snapshot()["left"] == 150
    gate.release(headers(left=1, reset_ms=20))  # a straggler answered just before the reset
    assert gate.snapshot()["left"] == 150
    gate.release(headers(left=149, reset_ms=2990))  # the new window's first answer
    assert gate.snapshot()["left"] == 149 and abs(gate.snapshot()["reset_in_s"] - 2.99) < 1e-9


def test_without_the_window_size_the_latest_count_wins():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep)
    gate.acquire()
    gate.release(headers(left=3, reset_ms=1000, window_ms=None))
    gate.release(headers(left=5, reset_ms=1000, window_ms=None))
    assert gate.snapshot()["left"] == 5


def test_a_reserve_leaves_its_share_of_each_window_to_the_store_s_other_apps():
    clock = FakeClock()
    gate = QuotaGate(clock=clock, sleeper=clock.sleep, reserve_percent=20)  # 30 of 150
    gate.acquire()
    gate.release(headers(left=32, reset_ms=1000))
    assert gate.allowed_workers(8) == 2
    gate.acquire()
    gate.acquire()
    assert clock.slept == []
    gate.acquire()  # the next would spend the others' share: wait for the reset
    assert clock.slept == [1.0]
    with pytest.raises(ValueError, match="is not 0 to 90"):
        QuotaGate(reserve_percent=91)
