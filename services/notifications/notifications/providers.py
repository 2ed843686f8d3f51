"""nameko providers of the notifications service: infrastructure in, the minimum interface out.

- ``RuleBookProvider``: the rules and templates, loaded and checked at start-up (a bad template stops
  the service: ``rules.RulesInvalid``). ``NOTIFICATIONS_RULES_PATH`` / ``NOTIFICATIONS_TEMPLATES_DIR``
  point elsewhere than the package's own files.
- ``SettingsProvider``: ``domain.Settings`` from the config (keys below).
- ``Sessions``: the session factory of the service's ``UnitOfWork`` (the dispatcher's green threads
  each open their own short transaction).
- ``every(key, default)``: a timer whose interval is read from the config at start-up, and that
  ``Wake()`` can fire at once (the dispatcher runs as soon as a handler created deliveries).
"""

import eventlet
from eventlet.event import Event
from nameko.exceptions import ConfigurationError
from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from notifications import domain, rules
from servicekit.config import setting
from servicekit.uow import UnitOfWork

SETTING_KEYS = {
    # config key: (Settings field, cast, default)
    "DELIVERY_MAX_ATTEMPTS": ("max_attempts", int, 8),
    "DELIVERY_BACKOFF_SECONDS": ("backoff_seconds", float, 30.0),
    "DELIVERY_BACKOFF_MAX_SECONDS": ("backoff_max_seconds", float, 6 * 3600.0),
    "DELIVERY_LEASE_SECONDS": ("lease_seconds", float, 120.0),
    "DISPATCH_BATCH_SIZE": ("batch_size", int, 50),
    "DIGEST_THRESHOLD": ("digest_threshold", int, 20),
    "DIGEST_WINDOW_SECONDS": ("digest_window_seconds", float, 24 * 3600.0),
    "WEBHOOK_ROTATION_GRACE_SECONDS": ("rotation_grace_seconds", float, 24 * 3600.0),
    "REMINDER_DAYS_BEFORE": ("reminder_days_before", int, 14),
}


class RuleBookProvider(DependencyProvider):
    def setup(self):
        config = self.container.config
        try:
            self.book = rules.load_rulebook(
                setting(config, "NOTIFICATIONS_RULES_PATH", None), setting(config, "NOTIFICATIONS_TEMPLATES_DIR", None)
            )
        except rules.RulesInvalid as error:
            raise ConfigurationError(f"notification rules are invalid: {error}") from None

    def get_dependency(self, worker_ctx):
        return self.book


def settings_from_config(config):
    return domain.Settings(
        **{field: setting(config, key, default, cast) for key, (field, cast, default) in SETTING_KEYS.items()}
    )


class SettingsProvider(DependencyProvider):
    def setup(self):
        self.settings = settings_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


class Sessions(DependencyProvider):
    def setup(self):
        self.uow = next(d for d in self.container.dependencies if isinstance(d, UnitOfWork))

    def get_dependency(self, worker_ctx):
        return self.uow.session_factory


class ConfiguredTimer(Timer):
    """A timer whose interval is the config key ``interval_key``; ``wake()`` fires it now."""

    def __init__(self, interval_key, default, **kwargs):
        self.interval_key, self.default = interval_key, default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = setting(self.container.config, self.interval_key, self.default, float)
        self._wakeup = Event()

    def wake(self):
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def stop(self):
        self.should_stop.send(True)
        self.wake()
        self.gt.wait()

    def _run(self):
        while not self.should_stop.ready():
            with eventlet.Timeout(self.interval, False):
                self._wakeup.wait()
            self._wakeup = Event()
            if self.should_stop.ready():
                break
            self.handle_timer_tick()
            self.worker_complete.wait()
            self.worker_complete.reset()


every = ConfiguredTimer.decorator


class Waker:
    """Calling it fires the timers now; ``stopping`` is true once the container began to stop them, so that a
    worker draining a backlog ends after its batch instead of holding a SIGTERM until the backlog is gone."""

    def __init__(self, timers):
        self.timers = timers

    def __call__(self):
        for timer in self.timers:
            timer.wake()

    @property
    def stopping(self):
        return any(timer.should_stop.ready() for timer in self.timers)


class Wake(DependencyProvider):
    """``self.wake_dispatcher()`` fires the timer entrypoint named ``method_name`` now;
    ``self.wake_dispatcher.stopping`` tells its worker to end after the current batch."""

    def __init__(self, method_name):
        self.method_name = method_name

    def get_dependency(self, worker_ctx):
        timers = [
            e
            for e in self.container.entrypoints
            if isinstance(e, ConfiguredTimer) and e.method_name == self.method_name
        ]
        return Waker(timers)
