"""What demo loaders share: waiting until the events of another service's demo have arrived.

A service's demo may depend on what it learns from events (the members the evaluations service projects,
the grassroots units funds hears of). ``make run`` loads each demo before the services start, then runs
``load-demo --after-events`` once every service is up: the loader waits here until its projection has
grown past what it held and stopped growing, then adds what needed those events.
"""

import time

from sqlalchemy import func, select


def wait_until_settled(engine, table, more_than, timeout=90.0, quiet_seconds=3.0, poll=0.5):
    """Wait until ``table`` holds more than ``more_than`` rows and its count has not changed for
    ``quiet_seconds``; returns the count (also when ``timeout`` passes first: the demo then does what it can)."""
    deadline = time.monotonic() + timeout
    last, unchanged_since = None, time.monotonic()
    while True:
        with engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        now = time.monotonic()
        if count != last:
            last, unchanged_since = count, now
        elif count > more_than and now - unchanged_since >= quiet_seconds:
            return count
        if now >= deadline:
            return count
        time.sleep(poll)
