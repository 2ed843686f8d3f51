"""The gateway's handlers that serve the web console (``console_routes``): a mixin of ``GatewayService``."""


class ConsoleHandlers:
    pass
