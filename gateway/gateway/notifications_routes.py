"""The notifications service's rows of the route table (``routes.py``); handlers in ``notifications_handlers.py``."""

ROUTES = []
