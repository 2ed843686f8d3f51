"""Declaring the broker topology of ``contracts.topology`` (exchanges, quorum queues, dead-letter queues).

Every service declares all of it when it starts (declaring is idempotent when the arguments agree), so
no event is ever published before its consumers' queues exist.
"""

from kombu import Exchange, Queue

from contracts import topology


def event_exchange(source):
    return Exchange(topology.event_exchange(source), type="topic", durable=True)


def consumer_queue(subscription):
    return Queue(
        subscription.queue,
        exchange=event_exchange(subscription.source),
        routing_key=subscription.event_type,
        durable=True,
        queue_arguments=topology.queue_arguments(subscription),
    )


def dead_letter_queue(subscription):
    dlx = Exchange(topology.dead_letter_exchange(subscription.consumer), type="direct", durable=True)
    return Queue(
        subscription.dead_letter_queue,
        exchange=dlx,
        routing_key=subscription.queue,
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )


def declare_subscription(channel, subscription):
    event_exchange(subscription.source)(channel).declare()
    dead_letter_queue(subscription)(channel).declare()
    consumer_queue(subscription)(channel).declare()


def declare_all(connection, sources=(), subscriptions=topology.SUBSCRIPTIONS):
    """Declare the exchanges of ``sources`` and every subscription; ``connection`` is a kombu Connection."""
    channel = connection.channel()
    try:
        for source in sources:
            event_exchange(source)(channel).declare()
        for subscription in subscriptions:
            declare_subscription(channel, subscription)
    finally:
        channel.close()
