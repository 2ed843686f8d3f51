"""The consumer of the event-pipeline benchmark: claims each member_registered event in its own database,
as every real consumer does before its effects, and does nothing else.

    nameko run --config <file> pipeline_consumer:PipelineSink     (tests/bench on PYTHONPATH)
"""

from servicekit import ops
from servicekit.events import event_handler
from servicekit.testing import kit_only_metadata
from servicekit.uow import UnitOfWork

metadata = kit_only_metadata()


class PipelineSink(ops.OpsEndpoints):
    name = "benchsink"

    uow = UnitOfWork(metadata)

    @event_handler("members", "member_registered")
    def on_member_registered(self, envelope, payload):
        with self.uow:
            self.uow.claim(self.name, envelope)
            self.uow.commit()
