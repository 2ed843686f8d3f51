"""The evaluations service's rows of the route table (``routes.py``); handlers in ``evaluations_handlers.py``."""

ROUTES = []
