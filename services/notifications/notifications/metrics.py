"""The service's own Prometheus metrics, at module level (servicekit.metrics explains why)."""

from prometheus_client import Counter, Histogram

SENT = Counter("notifications_sent_total", "Messages accepted by their channel.", ["channel"])
FAILED = Counter("notifications_failed_total", "Failed send attempts, by kind.", ["channel", "kind"])
RETRIED = Counter("notifications_retried_total", "Failed attempts scheduled for another try.", ["channel"])
DEAD = Counter("notifications_dead_total", "Deliveries that gave up after their last attempt.", ["channel"])
SKIPPED = Counter("notifications_skipped_total", "Deliveries not sent, by reason.", ["channel", "reason"])
WEBHOOK_SECONDS = Histogram(
    "notifications_webhook_delivery_seconds",
    "Time a subscriber took to answer a webhook, by outcome.",
    ["outcome"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def declare_at_zero(channels=("EMAIL", "SMS", "IN_APP", "WEBHOOK")):
    """Every channel's series from the start, so rates and alerts see the first failure (Prometheus' advice)."""
    for channel in channels:
        SENT.labels(channel)
        RETRIED.labels(channel)
        DEAD.labels(channel)
        for kind in ("transient", "permanent"):
            FAILED.labels(channel, kind)


declare_at_zero()
