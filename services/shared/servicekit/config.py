"""Reading nameko's configuration.

nameko hands every provider the service's config dict (``self.container.config``), loaded from the
service's ``config.yml`` with ``${ENV_VAR:default}`` substitution. ``setting`` reads one key with a
default and fails with the key's name when the value cannot be used, so ``RPC_TIMEOUT_SECONDS: "abc"``
stops the service at start-up instead of in the middle of a request. Nothing here reads configuration
at import time: providers call ``setting`` in ``setup()``.

``SETTINGS`` documents the keys the kit itself reads; each service documents its own (``DATABASE_URL``,
...) in its ``config.yml``.
"""

from typing import NamedTuple

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Setting(NamedTuple):
    key: str
    default: object
    meaning: str


SETTINGS = [
    Setting(
        "AMQP_URI",
        "pyamqp://guest:guest@localhost",
        "RabbitMQ URL, with the vhost: pyamqp://user:pw@host:5672/vhost",
    ),
    Setting(
        "WEB_SERVER_ADDRESS",
        "0.0.0.0:8000",
        "host:port of the HTTP entrypoints, /metrics, /healthz and /readyz",
    ),
    Setting("RPC_TIMEOUT_SECONDS", 10, "how long an RPC caller waits; also the request's expiration in the broker"),
    Setting("OUTBOX_RELAY_INTERVAL_SECONDS", 0.5, "how often the outbox relay looks for rows when nobody woke it"),
    Setting("OUTBOX_BATCH_SIZE", 500, "outbox rows published per batch (one round trip of confirms)"),
    Setting("OUTBOX_RELAY_ENABLED", True, "false keeps events in the outbox (broker maintenance)"),
    Setting("OUTBOX_RELAY_LINGER_SECONDS", 0.005, "after a commit, how long the relay waits for others to join"),
    Setting("OUTBOX_CONFIRM_TIMEOUT_SECONDS", 10, "how long the relay waits for the broker's confirms"),
    Setting("EVENT_RETRY_BACKOFF_SECONDS", 0.2, "first pause before an event handler's retry; doubles, 5 s at most"),
    Setting("DB_POOL_SIZE", 10, "database connections per service process"),
    Setting("LOG_LEVEL", "INFO", "level of the root logger (DEBUG, INFO, WARNING, ERROR)"),
]
DEFAULTS = {item.key: item.default for item in SETTINGS}


def _to_bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def setting(config, key, default, cast=str):
    """``config[key]`` converted by ``cast``; ``default`` (also converted) when the key is absent or empty.

    ``cast=bool`` understands true/false, yes/no, on/off and 1/0 rather than Python's truthiness.
    A value that does not convert raises ``ValueError`` naming the key.
    """
    value = config.get(key)
    if value is None or value == "":
        value = default
    if value is None:
        return None
    convert = _to_bool if cast is bool else cast
    try:
        return convert(value)
    except (TypeError, ValueError) as error:
        name = getattr(cast, "__name__", str(cast))
        raise ValueError(f"configuration {key}={value!r} is not a valid {name}: {error}") from None


def kit_setting(config, key, cast=str):
    """One of the kit's own keys (``SETTINGS``), with its documented default."""
    return setting(config, key, DEFAULTS[key], cast)
