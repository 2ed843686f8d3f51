"""``@event_handler(source, event_type)``: consume an event reliably.

nameko's own handler acks a failed event (it is lost) or, with ``requeue_on_error``, redelivers it in a
hot loop (RELIABILITY.md, facts 2-3). This one consumes from a quorum queue with a delivery limit and a
dead-letter queue, declared at start-up (``contracts.topology``):

- the envelope and payload are validated before the worker runs; an invalid event is rejected at once
  to the dead-letter queue (retrying cannot fix it);
- the handler is called as ``handler(self, envelope, payload)``, payload upcast to the current version;
- an error from the handler is taken as transient: the event is returned to the queue after a short
  backoff, and after ``contracts.topology.MAX_DELIVERIES`` deliveries the broker dead-letters it;
- the pause before a retry doubles from ``EVENT_RETRY_BACKOFF_SECONDS`` (0.2) up to 5 s;
- a handled event is acked after the worker returned, so it can run twice (a crash before the ack, a
  redelivery on stop): handlers claim the event id in their transaction (``uow.claim``);
- an ack, requeue or reject that finds the broker gone is dropped (``settle``): the broker gives unacked
  messages back when the connection dies. nameko catches only amqp's ``ConnectionError``, so the socket's
  own ``ConnectionResetError`` or ``BrokenPipeError`` killed the whole container (tests/faults saw it).
"""

import logging
from functools import partial

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from marshmallow import ValidationError
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer, QueueConsumer

from contracts import topology as contract_topology
from contracts.envelope import load_event
from contracts.errors import ValidationFailed
from servicekit import metrics, topology
from servicekit.config import kit_setting

log = logging.getLogger(__name__)

PERMANENT_ERRORS = (ValidationFailed, ValidationError)
BROKER_GONE = (OSError, AmqpConnectionError)


def _tolerate_a_gone_broker(method, what):
    def settled(queue_consumer, message):
        settle(lambda m: method(queue_consumer, m), message, what)

    settled.__wrapped__ = method
    return settled


# nameko's QueueConsumer serves every consumer of a container (RPC replies in the gateway too): its ack and
# requeue get the same tolerance as this module's handlers.
if not hasattr(QueueConsumer.ack_message, "__wrapped__"):
    QueueConsumer.ack_message = _tolerate_a_gone_broker(QueueConsumer.ack_message, "ack")
    QueueConsumer.requeue_message = _tolerate_a_gone_broker(QueueConsumer.requeue_message, "requeue")


def settle(operation, message, what):
    """``operation(message)`` (an ack, a requeue, a reject); if the broker is gone, the message is already
    back in its queue: log it and go on rather than let the error kill the container."""
    try:
        operation(message)
    except BROKER_GONE as error:
        log.warning("%s of a delivery not sent, the broker redelivers it: %r", what, error)


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service, event_type, **kwargs):
        super().__init__(source_service, event_type, handler_type=SERVICE_POOL, reliable_delivery=True, **kwargs)

    def setup(self):
        self.subscription = contract_topology.Subscription(
            self.container.service_name, self.source_service, self.event_type
        )
        self.queue = topology.consumer_queue(self.subscription)
        self.backoff = kit_setting(self.container.config, "EVENT_RETRY_BACKOFF_SECONDS", float)
        topology.ensure_declared(self.container.config["AMQP_URI"], subscriptions=[self.subscription])
        Consumer.setup(self)  # skip EventHandler.setup: it would declare a classic queue of its own

    def handle_message(self, body, message):
        try:
            envelope, payload = load_event(body)
        except ValidationFailed as error:
            self._dead_letter(message, error)
            return
        context_data = self.unpack_message_headers(message)
        try:
            self.container.spawn_worker(
                self,
                (envelope, payload),
                {},
                context_data=context_data,
                handle_result=partial(self.handle_result, message),
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)  # tolerates a gone broker (see below)
        elif isinstance(exc_info[1], PERMANENT_ERRORS):
            self._dead_letter(message, exc_info[1])
        else:
            deliveries = int(message.headers.get("x-delivery-count", 0)) + 1
            log.warning(
                "%s failed on delivery %d of %d: %r",
                self.subscription.queue,
                deliveries,
                contract_topology.MAX_DELIVERIES,
                exc_info[1],
            )
            if deliveries >= contract_topology.MAX_DELIVERIES:
                metrics.record_dead_letter(self.container.service_name, self.source_service, self.event_type)
            eventlet.sleep(min(self.backoff * 2**deliveries, 5.0))  # let a passing fault pass before the next try
            self.queue_consumer.requeue_message(message)

    def _dead_letter(self, message, error):
        log.error("%s: dead-lettering an event that can never be handled: %s", self.subscription.queue, error)
        metrics.record_dead_letter(self.container.service_name, self.source_service, self.event_type)
        if message.channel.connection:  # else the broker already took the message back
            settle(lambda m: m.reject(requeue=False), message, "reject")


event_handler = ReliableEventHandler.decorator
