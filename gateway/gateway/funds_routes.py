"""The funds service's rows of the route table (``routes.py``); handlers in ``funds_handlers.py``."""

ROUTES = []
