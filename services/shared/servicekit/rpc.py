"""RPC with a deadline.

nameko's ``RpcProxy`` waits forever, and a request sent while its target is down runs later, after the
caller gave up (RELIABILITY.md, fact 7). ``RpcClient`` bounds every call with ``eventlet.Timeout`` and
publishes the request with an AMQP ``expiration`` of the same length, so a request that nobody picked
up in time is dropped by the broker instead of running late. On timeout, or when no service of that name
exists, the caller gets ``contracts.errors.ServiceUnavailable``. So it does when the broker cannot be
reached to send the request (the connection refused or lost), and when the service answered that its own
database is unreachable (SQLAlchemy's ``OperationalError`` or ``InterfaceError``, which cross RPC as a
``RemoteError``): both are outages a client retries, 503 at the gateway, never a 500.

Configuration: ``RPC_TIMEOUT_SECONDS`` (default 10).

The expiration alone leaves a race: it counts from when the broker took the request, the caller's deadline
from before it was sent, so a request that reached the broker late (a loaded machine) could still be
delivered, and run, after its caller gave up. Each request therefore also carries its deadline as a header
(``nameko.rpc_deadline``, seconds since the epoch; clocks of a cluster are NTP-synchronised), and the
service's ``rpc`` entrypoint drops, without running or answering it, a request whose deadline has passed.

Once a service's queue has taken one request, later requests are published without a publisher confirm and
not persisted, as replies are: the caller's deadline covers a lost message either way.

Services declare their RPC methods with this module's ``rpc``: nameko's, but answering without a publisher
confirm per reply.
"""

import functools
import logging
import time
import warnings

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import RemoteError, UnknownService
from nameko.rpc import Responder, RpcConsumer, RpcProxy, ServiceProxy, get_rpc_exchange
from nameko.rpc import Rpc as NamekoRpc

import servicekit.events  # noqa: F401  (installs the QueueConsumer's tolerance of a gone broker)
from contracts.errors import ServiceUnavailable
from servicekit.config import kit_setting

log = logging.getLogger(__name__)

# nameko warns at each unconfirmed request that nameko's own mandatory flag cannot be checked: known, see above.
warnings.filterwarnings("ignore", message="Mandatory delivery was requested")


class _Deadline(Exception):
    pass


DEADLINE_KEY = "rpc_deadline"
DEADLINE_HEADER = f"nameko.{DEADLINE_KEY}"

# What a service's database driver raises when the server is down or restarting, as it crosses RPC.
DATABASE_UNAVAILABLE = frozenset({"OperationalError", "InterfaceError", "DisconnectionError"})
BROKER_UNAVAILABLE = (OSError, KombuOperationalError, AmqpConnectionError)


class _MethodCaller:
    def __init__(self, service_proxy, service_name, method_name, timeout, on_routed):
        self._method = getattr(service_proxy, method_name)
        self._name = f"{service_name}.{method_name}"
        self._timeout = timeout
        self._on_routed = on_routed

    def __call__(self, *args, **kwargs):
        # nameko sends the worker's context data as ``nameko.<key>`` headers; a nested call sets its own
        self._method.worker_ctx.context_data[DEADLINE_KEY] = time.time() + self._timeout
        try:
            with eventlet.Timeout(self._timeout, _Deadline):
                reply = self._method.call_async(*args, **kwargs)
                self._on_routed()
                return reply.result()
        except _Deadline:
            raise ServiceUnavailable(
                f"{self._name} did not answer within {self._timeout:g} s. "
                "Retry with the same Idempotency-Key: it is never applied twice.",
                {"service": self._name.split(".")[0]},
            ) from None
        except UnknownService:
            raise ServiceUnavailable(
                f"{self._name.split('.')[0]} is not running.", {"service": self._name.split(".")[0]}
            ) from None
        except BROKER_UNAVAILABLE as error:
            log.warning("rpc %s: the broker is not reachable (%s)", self._name, type(error).__name__)
            raise ServiceUnavailable(
                "The message broker is not reachable. Retry with the same Idempotency-Key.",
                {"service": self._name.split(".")[0], "cause": "broker"},
            ) from None
        except RemoteError as error:
            if error.exc_type not in DATABASE_UNAVAILABLE:
                raise
            log.warning("rpc %s: the service's database is not reachable (%s)", self._name, error.exc_type)
            raise ServiceUnavailable(
                f"{self._name.split('.')[0]} cannot reach its database. Retry with the same Idempotency-Key.",
                {"service": self._name.split(".")[0], "cause": "database"},
            ) from None


class _TimedServiceProxy:
    def __init__(self, service_proxy, service_name, timeout, on_routed):
        self._proxy = service_proxy
        self._service_name = service_name
        self._timeout = timeout
        self._on_routed = on_routed

    def __getattr__(self, method_name):
        return _MethodCaller(self._proxy, self._service_name, method_name, self._timeout, self._on_routed)


class RpcClient(RpcProxy):
    """``members = RpcClient("members")``; then ``self.members.get_member(actor, member_id)``."""

    def __init__(self, target_service, timeout=None, **options):
        self.timeout = timeout
        super().__init__(target_service, **options)

    def setup(self):
        if self.timeout is None:
            self.timeout = kit_setting(self.container.config, "RPC_TIMEOUT_SECONDS", float)
        # The broker drops a request nobody consumed before the caller gave up (kombu takes seconds).
        self.options.setdefault("expiration", self.timeout)
        # Once a request reached the service's queue, later ones go without a publisher confirm: a request
        # lost by the broker ends in the caller's deadline and a retry with the same idempotency key, as a
        # lost reply does (``_ReplyWithoutConfirm``), so waiting for a confirm of each one bought nothing and
        # cost the gateway a round trip to the broker and a fifth of its CPU per call (tests/bench). Not
        # persisted either: a request that outlived a broker restart would run after its caller gave up.
        # Until then requests are confirmed, so that a service that never ran (its queue was never declared:
        # the mandatory request comes back) is reported at once; the queue is durable, it stays once declared.
        self._unconfirmed = {**self.options, "use_confirms": False, "delivery_mode": NON_PERSISTENT}
        self._routed = False
        super().setup()

    def get_dependency(self, worker_ctx):
        options = self._unconfirmed if self._routed else self.options
        proxy = ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **options)
        return _TimedServiceProxy(proxy, self.target_service, self.timeout, self._on_routed)

    def _on_routed(self):
        self._routed = True


class _ReplyWithoutConfirm(Responder):
    """Replies go to a caller that waits with a deadline: a lost reply ends in the caller's timeout and a
    retry with the same idempotency key, so waiting for a broker confirm of each reply buys nothing and
    costs a round trip per call. Replies are not persisted either: reply queues do not outlive callers."""

    publisher_cls = functools.partial(Publisher, use_confirms=False, delivery_mode=NON_PERSISTENT)


class _RpcConsumer(RpcConsumer):
    def handle_message(self, body, message):
        deadline = (message.headers or {}).get(DEADLINE_HEADER)
        if isinstance(deadline, int | float) and time.time() > deadline:
            log.info(
                "rpc %s dropped: its caller gave up %.1f s ago",
                message.delivery_info.get("routing_key"),
                time.time() - deadline,
            )
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = _ReplyWithoutConfirm(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except Exception as error:
            # The broker went away between the request and the reply (tests/faults: a SIGKILLed broker).
            # Raised here, the error would kill the whole container; the caller instead gets no reply,
            # hits its deadline and retries with its idempotency key.
            log.warning("reply to %s not sent (%s): the caller will retry", message.properties.get("reply_to"), error)
        self.queue_consumer.ack_message(message)  # servicekit.events makes it tolerate a gone broker
        return result, exc_info


class Rpc(NamekoRpc):
    """nameko's ``@rpc``, answering without publisher confirms (see ``_ReplyWithoutConfirm``)."""

    rpc_consumer = _RpcConsumer()


rpc = Rpc.decorator
