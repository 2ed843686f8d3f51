"""Who consumes which event: the broker topology every service declares at start-up.

Declaring every consumer queue before anything is published is what keeps an event published while its
consumer has never run from being dropped (RELIABILITY.md, fact 5). Each queue is a quorum queue with a
delivery limit; a message that fails that many times, or is rejected as permanently invalid, goes to
the queue's dead-letter queue ``<queue>.dlq`` through the consumer's dead-letter exchange.

A service that starts consuming a new event adds its line here. Every event a service publishes has at
least one consumer here (notifications offers them all to webhook subscribers): the relay keeps an event
that no queue is bound to in the outbox, retrying, rather than let the broker drop it.
"""

from dataclasses import dataclass


def event_exchange(source):
    """The topic exchange a service publishes on (nameko's convention)."""
    return f"{source}.events"


def dead_letter_exchange(consumer):
    return f"{consumer}.dlx"


@dataclass(frozen=True)
class Subscription:
    consumer: str
    source: str
    event_type: str

    @property
    def queue(self):
        return f"{self.consumer}.{self.source}.{self.event_type}"

    @property
    def dead_letter_queue(self):
        return f"{self.queue}.dlq"


SUBSCRIPTIONS = (
    # members shows a member's learning titles on the record
    Subscription("members", "evaluations", "evaluation_completed"),
    # funds scopes funds by org subtree with its own projection of the units
    Subscription("funds", "members", "unit_created"),
    # a reorganisation of units moves balances by ledger transfers and re-points funds (issue 11)
    Subscription("funds", "members", "units_merged"),
    Subscription("funds", "members", "unit_split"),
    # evaluations keeps its own projection of the units and of who belongs to which unit (ARCHITECTURE.md)
    Subscription("evaluations", "members", "unit_created"),
    Subscription("evaluations", "members", "member_registered"),
    Subscription("evaluations", "members", "member_transferred"),
    Subscription("evaluations", "members", "member_left"),
    Subscription("evaluations", "members", "member_rejoined"),
    Subscription("evaluations", "members", "units_merged"),
    Subscription("evaluations", "members", "unit_split"),
    # notifications: welcome messages and webhooks for provincial systems
    Subscription("notifications", "members", "member_registered"),
    Subscription("notifications", "members", "member_updated"),
    Subscription("notifications", "members", "member_transferred"),
    Subscription("notifications", "members", "member_left"),
    Subscription("notifications", "members", "member_rejoined"),
    Subscription("notifications", "members", "unit_created"),
    Subscription("notifications", "members", "units_merged"),
    Subscription("notifications", "members", "unit_split"),
    Subscription("notifications", "evaluations", "evaluation_registered"),
    Subscription("notifications", "evaluations", "self_assessment_submitted"),
    Subscription("notifications", "evaluations", "evaluation_completed"),
    Subscription("notifications", "funds", "donation_received"),
    Subscription("notifications", "funds", "disbursement_requested"),
    Subscription("notifications", "funds", "disbursement_approved"),
    Subscription("notifications", "funds", "disbursement_paid"),
    Subscription("notifications", "funds", "fund_transfer_completed"),
)


def subscriptions_of(consumer):
    return [s for s in SUBSCRIPTIONS if s.consumer == consumer]


def subscription(consumer, source, event_type):
    for s in SUBSCRIPTIONS:
        if (s.consumer, s.source, s.event_type) == (consumer, source, event_type):
            return s
    raise LookupError(f"{consumer} has no subscription to {source}.{event_type} in contracts.topology")


# Queue arguments must be the same wherever a queue is declared, or RabbitMQ answers PRECONDITION_FAILED:
# they are contract, not configuration.
DELIVERY_LIMIT = 5
# RabbitMQ dead-letters a message once it has been returned more than DELIVERY_LIMIT times: the first
# delivery plus DELIVERY_LIMIT redeliveries (measured on RabbitMQ 3.10).
MAX_DELIVERIES = DELIVERY_LIMIT + 1


def queue_arguments(subscription_):
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": dead_letter_exchange(subscription_.consumer),
        "x-dead-letter-routing-key": subscription_.queue,
    }
