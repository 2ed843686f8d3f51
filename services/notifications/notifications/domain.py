"""Pure rules of the notifications service: retry schedule, delivery states, the association's day."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))

PENDING, SENDING, FAILED, SENT, DEAD = "PENDING", "SENDING", "FAILED", "SENT", "DEAD"
SKIPPED, HELD, DIGESTED, EXPANDED = "SKIPPED", "HELD", "DIGESTED", "EXPANDED"
DUE_STATES = (PENDING, FAILED)
FINAL_STATES = (SENT, DEAD, SKIPPED, DIGESTED, EXPANDED)


@dataclass(frozen=True)
class Settings:
    """What the use cases read from the service configuration (``service.SettingsProvider``)."""

    max_attempts: int = 8
    backoff_seconds: float = 30.0  # the pause after the first failed attempt; doubles each time
    backoff_max_seconds: float = 6 * 3600.0
    lease_seconds: float = 120.0  # a SENDING row whose process died is taken again after this
    batch_size: int = 50
    digest_threshold: int = 20  # more notes than this of one rule to one officer in the window: digest
    digest_window_seconds: float = 24 * 3600.0
    rotation_grace_seconds: float = 24 * 3600.0
    reminder_days_before: int = 14


def backoff_seconds(attempt, base, cap, rng=random):
    """The pause after failed attempt number ``attempt`` (1, 2, ...): ``base * 2**(attempt-1)``, capped,
    with "equal jitter" (between half and all of it) so that many deliveries failed by one outage do
    not all come back in the same second."""
    ceiling = min(base * 2 ** (attempt - 1), cap)
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def next_attempt_at(now, attempt, settings, rng=random):
    return now + timedelta(
        seconds=backoff_seconds(attempt, settings.backoff_seconds, settings.backoff_max_seconds, rng)
    )


def vietnam_today(now=None):
    """The association's date (UTC+7): a digest is per Vietnamese day, not per UTC day."""
    return (now or datetime.now(UTC)).astimezone(VIETNAM).date()


def start_of_vietnam_day(now):
    return datetime.combine(vietnam_today(now), time(0), VIETNAM).astimezone(UTC)
