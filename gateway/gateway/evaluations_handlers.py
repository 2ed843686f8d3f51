"""The gateway's handlers of the evaluations routes (``evaluations_routes``): a mixin of ``GatewayService``."""


class EvaluationsHandlers:
    pass
