"""The dispatcher drains a backlog batch after batch; once its container stops the timers, it ends after the
batch in hand, so a SIGTERM under load does not wait for the whole backlog (it took about 30 s)."""

from notifications.providers import ConfiguredTimer, Waker


def test_the_waker_tells_the_dispatcher_that_its_timer_is_stopping():
    timer = ConfiguredTimer("DISPATCH_INTERVAL_SECONDS", 1.0)
    waker = Waker([timer])
    assert not waker.stopping
    timer.should_stop.send(True)
    assert waker.stopping

