"""Access tokens and roles.

Tokens are JWTs signed with HS256 only (one fixed algorithm: a token naming another, or ``none``, is
refused), carrying issuer, audience, issue and expiry times and the officer's id as ``sub``.

Roles: VIEWER reads; OFFICER reads and writes members, funds and evaluations; ADMIN also manages units,
officers and webhook subscriptions. Each route names the permission it needs (``routes.ROUTES``);
``Auth`` checks it for the route being served.

Machine clients (provincial systems, OAuth2 client credentials) get a token of another kind
(``"kind": "client"``): ``sub`` is the client id, ``unit_code`` its province, ``scope`` its granted scopes.
The gateway maps it to an actor of that province (so every scope check of the services applies) whose
role the scopes allow: OFFICER with ``members:write`` or ``imports:write``, else VIEWER. Its permissions
come from its scopes only (never ADMINISTER, funds or evaluations), and only the routes of
``CLIENT_TAGS`` are open to it. Each request of a client takes a token of its rate limit
(``ratelimit.py``) and is recorded in the audit log once answered (``Auth.worker_result``).

Configuration: ``JWT_SECRET`` (at least 32 bytes; the development default is accepted with a warning),
``JWT_ISSUER`` (default ``khuyenhoc-gateway``), ``JWT_AUDIENCE`` (default ``khuyenhoc-api``),
``JWT_TTL_SECONDS`` (default 28800), ``CLIENT_TOKEN_TTL_SECONDS`` (default 3600: a disabled client's tokens
live at most that long).
"""

import logging
import time
import uuid
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

import jwt
from marshmallow import ValidationError
from nameko.exceptions import ConfigurationError
from nameko.extensions import DependencyProvider

from contracts.errors import PermissionDenied
from contracts.members import ActorSchema
from servicekit.http import InvalidToken, TokenExpired, Unauthenticated

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
DEVELOPMENT_SECRET = "development-only-jwt-secret-change-me-0123456789"  # noqa: S105 (start-up warns when in use)
MIN_SECRET_BYTES = 32
CLOCK_SKEW_SECONDS = 10
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]

READ, WRITE_MEMBERS, ADMINISTER = "read", "write_members", "administer"
WRITE_FUNDS, WRITE_EVALUATIONS = "write_funds", "write_evaluations"
IMPORT_MEMBERS = "import_members"
ROLE_PERMISSIONS = {
    "VIEWER": frozenset({READ}),
    "OFFICER": frozenset({READ, WRITE_MEMBERS, WRITE_FUNDS, WRITE_EVALUATIONS, IMPORT_MEMBERS}),
    "ADMIN": frozenset({READ, WRITE_MEMBERS, WRITE_FUNDS, WRITE_EVALUATIONS, ADMINISTER, IMPORT_MEMBERS}),
}
CLIENT_KIND = "client"
SCOPE_PERMISSIONS = {
    "members:read": frozenset({READ}),
    "members:write": frozenset({READ, WRITE_MEMBERS}),
    "imports:write": frozenset({READ, IMPORT_MEMBERS}),
}
WRITING_SCOPES = frozenset({"members:write", "imports:write"})
# The route tags (``Route.tag``) a machine client may reach at all: members, units and imports, and the
# harmless meta and auth routes. Funds, evaluations, officers, clients and the audit log are for people.
CLIENT_TAGS = frozenset({"auth", "meta", "units", "members", "imports"})


class TokenCodec:
    """Issues and verifies access tokens; knows nothing of nameko."""

    def __init__(self, secret, issuer="khuyenhoc-gateway", audience="khuyenhoc-api", ttl_seconds=28800):
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ConfigurationError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
        self.secret, self.issuer, self.audience = secret, issuer, audience
        self.ttl_seconds = int(ttl_seconds)

    @classmethod
    def from_config(cls, config):
        secret = config.get("JWT_SECRET")
        if secret is None:
            raise ConfigurationError("JWT_SECRET is not set")
        secret = str(secret)
        if secret == DEVELOPMENT_SECRET:
            log.warning("JWT_SECRET is the development default: set GATEWAY_JWT_SECRET outside development")
        return cls(
            secret,
            issuer=config.get("JWT_ISSUER", "khuyenhoc-gateway"),
            audience=config.get("JWT_AUDIENCE", "khuyenhoc-api"),
            ttl_seconds=config.get("JWT_TTL_SECONDS", 28800),
        )

    def issue(self, officer, now=None):
        """A token for an officer (``OfficerSchema`` dict); returns ``(token, expires_in_seconds)``."""
        now = int(time.time() if now is None else now)
        claims = {
            "iss": self.issuer, "aud": self.audience, "sub": officer["id"], "iat": now,
            "exp": now + self.ttl_seconds, "jti": uuid.uuid4().hex,
            "username": officer["username"], "name": officer["full_name"],
            "role": officer["role"], "unit_code": officer["unit_code"],
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM), self.ttl_seconds

    def issue_client(self, client, scopes, ttl_seconds=3600, now=None):
        """A token for a machine client (``ClientSchema`` dict) with ``scopes`` (a subset of its own)."""
        now = int(time.time() if now is None else now)
        claims = {
            "iss": self.issuer, "aud": self.audience, "sub": str(client["id"]), "iat": now,
            "exp": now + int(ttl_seconds), "jti": uuid.uuid4().hex, "kind": CLIENT_KIND,
            "name": client["name"], "unit_code": client["unit_code"], "scope": " ".join(sorted(scopes)),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM), int(ttl_seconds)

    def verify(self, token):
        """The token's claims; raises ``TokenExpired`` or ``InvalidToken``."""
        try:
            return jwt.decode(
                token, self.secret, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS, options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise TokenExpired() from None
        except jwt.InvalidTokenError:
            raise InvalidToken() from None


def identity_from_claims(claims):
    """The officer a verified token speaks for: the ``ActorSchema`` fields plus name and expiry."""
    if claims.get("kind") == CLIENT_KIND:
        return client_identity_from_claims(claims)
    try:
        actor = ActorSchema().load(
            {"officer_id": claims["sub"], "username": claims.get("username"),
             "role": claims.get("role"), "unit_code": claims.get("unit_code")}
        )
    except ValidationError:
        raise InvalidToken() from None
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    return {**actor, "full_name": claims.get("name"), "expires_at": expires_at,
            "permissions": sorted(ROLE_PERMISSIONS[actor["role"]])}


def client_identity_from_claims(claims):
    """The actor a client token speaks for: its province, the role its scopes allow, and ``client_id``."""
    scopes = set(str(claims.get("scope", "")).split())
    if not scopes or not scopes <= set(SCOPE_PERMISSIONS):
        raise InvalidToken()
    role = "OFFICER" if scopes & WRITING_SCOPES else "VIEWER"
    try:
        actor = ActorSchema().load({"officer_id": f"client:{claims['sub']}", "username": f"client:{claims['sub']}",
                                    "role": role, "unit_code": claims.get("unit_code")})
    except ValidationError:
        raise InvalidToken() from None
    permissions = frozenset().union(*(SCOPE_PERMISSIONS[s] for s in scopes))
    return {**actor, "full_name": claims.get("name"), "expires_at": datetime.fromtimestamp(claims["exp"], UTC),
            "permissions": sorted(permissions), "client_id": claims["sub"], "scopes": sorted(scopes)}


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


class RequestAuth:
    """What a handler sees as ``self.auth``: the caller's identity, checked against its route."""

    def __init__(self, codec, permission, tag=None, limiter=None, client_ttl_seconds=3600):
        self._codec = codec
        self._permission = permission
        self._tag = tag
        self._limiter = limiter
        self._client_ttl_seconds = client_ttl_seconds
        self.client_id = None  # set once a machine client is recognised: its exchange is audited

    def identity(self, request):
        """The verified caller; raises 401 without a valid token and 403 without the route's permission
        (429 for a machine client over its rate limit)."""
        identity = identity_from_claims(self._codec.verify(bearer_token(request)))
        if "client_id" in identity:
            self.client_id = identity["client_id"]
            if self._limiter is not None:
                self._limiter.check(identity["client_id"])
            if self._tag is not None and self._tag not in CLIENT_TAGS:
                raise PermissionDenied()
        if self._permission is not None and self._permission not in identity["permissions"]:
            raise PermissionDenied()
        return identity

    def actor(self, request):
        """The verified caller as the ``ActorSchema`` dict every scoped RPC takes."""
        identity = self.identity(request)
        return {name: identity[name] for name in ActorSchema().fields}

    def issue(self, officer):
        token, expires_in = self._codec.issue(officer)
        return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "officer": officer}

    def issue_client(self, client, scopes):
        """The token endpoint's answer (RFC 6749 5.1) for an authenticated client."""
        self.client_id = str(client["id"])
        token, expires_in = self._codec.issue_client(client, scopes, self._client_ttl_seconds)
        return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": " ".join(scopes)}


class Auth(DependencyProvider):
    """Reads the JWT configuration at start-up (refusing a short secret) and checks each request.

    When a machine client was recognised in a request, the answered exchange (route, method, path,
    status, duration, job or member id; never a body) goes to the service's audit trail: a dependency of
    the gateway with a ``record_exchange(record)`` method (``integration_handlers.AuditTrail``)."""

    def setup(self):
        from gateway.ratelimit import RateLimiter

        config = self.container.config
        self.codec = TokenCodec.from_config(config)
        self.limiter = RateLimiter.from_config(config)
        self.client_ttl_seconds = int(config.get("CLIENT_TOKEN_TTL_SECONDS") or 3600)
        self._requests = WeakKeyDictionary()

    def get_dependency(self, worker_ctx):
        route = getattr(worker_ctx.entrypoint, "route", None)
        auth = RequestAuth(self.codec, getattr(route, "permission", None), getattr(route, "tag", None),
                           self.limiter, self.client_ttl_seconds)  # fmt: skip
        self._requests[worker_ctx] = (auth, time.monotonic())
        return auth

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        auth, started = self._requests.pop(worker_ctx, (None, None))
        trail = next((d for d in self.container.dependencies if hasattr(d, "record_exchange")), None)
        if auth is None or auth.client_id is None or trail is None:
            return
        trail.record_exchange(exchange_record(worker_ctx, auth.client_id, result, exc_info, started))


def exchange_record(worker_ctx, client_id, result, exc_info, started):
    """The audit record of one answered request of a machine client."""
    from servicekit.http import response_for_exception

    request = worker_ctx.args[0] if worker_ctx.args else None
    if exc_info is not None:
        status, payload = response_for_exception(exc_info[1]).status_code, {}
    elif isinstance(result, tuple):
        status, payload = result[0], result[-1]
    else:
        status, payload = getattr(result, "status_code", 200), {}
    route = worker_ctx.entrypoint.method_name
    ids = {**worker_ctx.kwargs}
    if isinstance(payload, dict) and "id" in payload:
        ids.setdefault({"create_import": "job_id", "register_member": "member_id"}.get(route, "_"), payload["id"])
    return {
        "id": str(uuid.uuid4()), "client_id": str(client_id), "at": datetime.now(UTC).isoformat(),
        "method": getattr(request, "method", "?"), "route": route, "path": getattr(request, "path", "")[:300],
        "status": int(status), "duration_ms": int((time.monotonic() - started) * 1000) if started else None,
        "job_id": _text(ids.get("job_id")), "member_id": _text(ids.get("member_id")),
        "call_id": worker_ctx.call_id,
    }  # fmt: skip


def _text(value):
    return str(value) if value is not None else None
