"""The gateway serves the officers' web console (``gateway/console``): a mixin of ``GatewayService``.

The console is static files and talks to ``/api/v1`` from the same origin, so it needs no CORS, no
build step and no internet access. The files are read once when the gateway starts (``ConsoleAssets``):
only files that exist in the folder then can ever be served, whatever the path asks for, and a request
never touches the disk. They are not fingerprinted, so every answer carries an ``ETag`` and
``Cache-Control: no-cache``: the browser keeps its copy and revalidates it in one cheap 304, and an
upgraded gateway is seen at the next load.

Every answer carries a Content-Security-Policy that allows only the gateway's own origin (no inline
script or style, no other host, no framing): the console renders people's names and addresses that
officers typed, and the policy is the second line of defence behind escaping them.

These routes are not API routes: they are not rows of ``routes.ROUTES`` and not in the OpenAPI document
(``console_routes`` explains). Errors (an unknown file) still answer the platform's JSON error body.
"""

import hashlib
import mimetypes
from pathlib import Path

from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Response

from gateway.console_routes import CONSOLE_PATH
from servicekit.http import JsonEntrypoint, RouteNotFound, error_response

CONSOLE_DIR = Path(__file__).resolve().parents[1] / "console"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain; charset=utf-8",
}
SKIPPED = {"docs"}  # the README's screenshots live beside the console but are not part of it


class Asset:
    __slots__ = ("body", "content_type", "etag")

    def __init__(self, body, content_type):
        self.body = body
        self.content_type = content_type
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def load_assets(folder=CONSOLE_DIR):
    """``{relative path: Asset}`` of every file under ``folder`` (``index.html`` also under "")."""
    assets = {}
    if not folder.is_dir():
        return assets
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or relative.parts[0] in SKIPPED or relative.name.startswith("."):
            continue
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        assets[relative.as_posix()] = Asset(path.read_bytes(), content_type or "application/octet-stream")
    if "index.html" in assets:
        assets[""] = assets["index.html"]
    return assets


class ConsoleAssets(DependencyProvider):
    """The console's files, read once at start-up (``CONSOLE_DIR``, or ``CONSOLE_DIR`` in the config)."""

    def setup(self):
        configured = self.container.config.get("CONSOLE_DIR")
        self.assets = load_assets(Path(configured) if configured else CONSOLE_DIR)

    def get_dependency(self, worker_ctx):
        return self.assets


console_route = JsonEntrypoint.decorator


def asset_response(request, asset):
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "ETag": asset.etag}
    if asset.etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    return Response(asset.body, status=200, headers=headers, content_type=asset.content_type)


def not_found():
    return error_response(RouteNotFound(), SECURITY_HEADERS)


class ConsoleHandlers:
    console_assets = ConsoleAssets()

    @console_route("GET", "/")
    def console_home(self, request):
        """The gateway's root is the console: people type the host name and nothing else."""
        return Response(status=302, headers={"Location": CONSOLE_PATH, **SECURITY_HEADERS})

    @console_route("GET", CONSOLE_PATH.rstrip("/"))
    def console_bare(self, request):
        return Response(status=301, headers={"Location": CONSOLE_PATH, **SECURITY_HEADERS})

    @console_route("GET", CONSOLE_PATH)
    def console_index(self, request):
        asset = self.console_assets.get("")
        return asset_response(request, asset) if asset else not_found()

    @console_route("GET", CONSOLE_PATH + "<path:path>")
    def console_file(self, request, path):
        asset = self.console_assets.get(path)
        return asset_response(request, asset) if asset else not_found()
