"""The retry schedule: doubling, capped, jittered between half and all of the step."""

import random
from datetime import UTC, datetime

from notifications import domain


def test_the_pause_doubles_with_each_attempt_within_its_jitter():
    rng = random.Random(7)
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240)]:
        pause = domain.backoff_seconds(attempt, 30, 3600, rng)
        assert ceiling / 2 <= pause <= ceiling


def test_the_pause_never_exceeds_the_cap():
    assert all(domain.backoff_seconds(attempt, 30, 600, random.Random(attempt)) <= 600 for attempt in range(1, 40))


def test_jitter_spreads_retries_of_one_outage():
    pauses = {round(domain.backoff_seconds(3, 30, 3600, random.Random(seed)), 3) for seed in range(20)}
    assert len(pauses) > 10


def test_the_association_day_starts_at_midnight_in_vietnam():
    late_utc = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)  # 01:30 on 2 March in Hà Nội
    assert domain.vietnam_today(late_utc).isoformat() == "2026-03-02"
    assert domain.start_of_vietnam_day(late_utc) == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
