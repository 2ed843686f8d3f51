"""Business counters recorded from use cases, and declared at zero when a service starts.

``self.metrics.inc(name)`` (servicekit.metrics) counts from an entrypoint, before the use case has
committed and also for an idempotent replay. Counting a fact once it is committed belongs where the
commit is, in the use case, which has no ``self``: there ``count(service, name, amount, **labels)``
increments the same counter, ``<service>_<name>_total``, as ``self.metrics.inc`` would.

A counter exists only from its first increment, so a dashboard panel or an ``increase()`` alert on a
fact that has not happened yet in this process finds no series ("No data", and the first increment is
lost to ``increase``). A service declares its counters at start instead, at zero::

    class FundsService(ops.OpsEndpoints):
        business_metrics = business.Declare("donations_vnd", "disbursed_vnd")
        # with labels: one series per value that the dashboard shows
        business_metrics = business.Declare(sent=[{"channel": c} for c in ("EMAIL", "SMS")])

The names the dashboard (deploy/grafana) and the alerts (deploy/prometheus) read are listed in
deploy/README.md, "Metrics".
"""

from nameko.extensions import DependencyProvider

from servicekit.metrics import BusinessCounters


def count(service, name, amount=1, **labels):
    """Add ``amount`` to ``<service>_<name>_total``: call it after the commit of the fact it counts."""
    BusinessCounters(service).inc(name, amount, **labels)


def declare(service, name, label_sets=({},)):
    """Create ``<service>_<name>_total`` at zero, one series per dict of label values in ``label_sets``."""
    for labels in label_sets:
        BusinessCounters(service).inc(name, 0, **labels)


class Declare(DependencyProvider):
    """``business_metrics = Declare("registered", sent=[{"channel": "EMAIL"}])``: the counters exist, at
    zero, from the moment the container is set up, named after its service."""

    def __init__(self, *names, **labelled):
        self.counters = {name: ({},) for name in names}
        self.counters.update(labelled)

    def setup(self):
        for name, label_sets in self.counters.items():
            declare(self.container.service_name, name, label_sets)
