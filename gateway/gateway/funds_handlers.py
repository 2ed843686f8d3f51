"""The gateway's handlers of the funds routes (``funds_routes``): a mixin of ``GatewayService``."""


class FundsHandlers:
    pass
