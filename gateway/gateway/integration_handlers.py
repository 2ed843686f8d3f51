"""The gateway's handlers of the integration routes (``integration_routes``): a mixin of ``GatewayService``."""


class IntegrationHandlers:
    pass
