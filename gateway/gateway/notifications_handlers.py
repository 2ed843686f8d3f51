"""The gateway's handlers of the notifications routes (``notifications_routes``): a mixin of ``GatewayService``."""


class NotificationsHandlers:
    pass
