"""Machine clients and bulk registration: rows of the route table (``routes.py``).

Handlers in ``integration_handlers.py``.
"""

ROUTES = []
