"""The web console (``gateway/console``): its rows of the route table (``routes.py``); handlers in
``console_handlers.py``."""

ROUTES = []
