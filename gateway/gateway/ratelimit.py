"""Per-client rate limits at the gateway: a token bucket per machine client.

A client may send ``burst`` requests at once and ``rate`` a second on average; over that it gets 429
with ``Retry-After`` (whole seconds until a token is back) and the standard error body.

The buckets live in the gateway process. With N gateway replicas a client's effective limit is N times
the configured one (each replica counts only what it serves). That is acceptable for now: the limit
protects the platform from one runaway provincial system, not a billing quota; the replicas are few and
fixed (ARCHITECTURE.md), so dividing the configured rate by the replica count gives the intended total;
and a shared counter (Redis or the database) would add a network round trip and a new dependency to every
request. Move the buckets to a shared store when limits become contractual.

Configuration (gateway): ``CLIENT_RATE_PER_SECOND`` (default 20), ``CLIENT_RATE_BURST`` (default 40),
``CLIENT_RATE_LIMITS`` (optional mapping of client id to ``{"rate": r, "burst": b}`` for exceptions).
"""

import math
import time

from eventlet.semaphore import Semaphore

from servicekit.config import setting
from servicekit.http import TooManyRequests


class TokenBucket:
    def __init__(self, rate, burst, now):
        self.rate, self.burst = float(rate), float(burst)
        self.tokens, self.updated = float(burst), now

    def take(self, now):
        """0 when a token was taken, else the seconds until one is back."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else math.inf


class RateLimiter:
    def __init__(self, rate=20.0, burst=40, overrides=None, clock=time.monotonic):
        self.rate, self.burst, self.overrides, self.clock = rate, burst, dict(overrides or {}), clock
        self._buckets = {}
        self._lock = Semaphore()

    @classmethod
    def from_config(cls, config):
        return cls(
            setting(config, "CLIENT_RATE_PER_SECOND", 20.0, float),
            setting(config, "CLIENT_RATE_BURST", 40, int),
            config.get("CLIENT_RATE_LIMITS") or {},
        )

    def check(self, client_id):
        """Take one token for ``client_id``; raises ``TooManyRequests`` with Retry-After when none is left."""
        with self._lock:
            bucket = self._buckets.get(client_id)
            if bucket is None:
                limits = self.overrides.get(client_id, {})
                bucket = TokenBucket(limits.get("rate", self.rate), limits.get("burst", self.burst), self.clock())
                self._buckets[client_id] = bucket
            wait = bucket.take(self.clock())
        if wait:
            retry_after = max(1, math.ceil(wait)) if math.isfinite(wait) else 3600
            error = TooManyRequests(details={"retry_after": retry_after})
            error.headers = {"Retry-After": str(retry_after)}
            raise error
