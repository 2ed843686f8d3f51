"""The web console (``gateway/console``) and the route table.

The console's addresses (``/`` redirects to ``CONSOLE_PATH``; ``CONSOLE_PATH`` and the files under it)
are deliberately not rows of ``routes.ROUTES``: a row is an API operation (it has a permission, a
schema, an operationId and a place in the OpenAPI document, all under ``/api/v1``), and a static file has
none of these. ``console_handlers.py`` declares them with ``console_route`` instead, so the document stays
the API's alone and no field on ``Route`` has to tell the generator to skip anything.
"""

CONSOLE_PATH = "/console/"

ROUTES = []
