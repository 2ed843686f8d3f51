"""Access tokens and roles.

Tokens are JWTs signed with HS256 only (one fixed algorithm: a token naming another, or ``none``, is
refused), carrying issuer, audience, issue and expiry times and the officer's id as ``sub``.

Roles: VIEWER reads; OFFICER reads and writes members, funds and evaluations; ADMIN also manages units,
officers and webhook subscriptions. Each route names the permission it needs (``routes.ROUTES``);
``Auth`` checks it for the route being served.

Configuration: ``JWT_SECRET`` (at least 32 bytes; the development default is accepted with a warning),
``JWT_ISSUER`` (default ``khuyenhoc-gateway``), ``JWT_AUDIENCE`` (default ``khuyenhoc-api``),
``JWT_TTL_SECONDS`` (default 28800).
"""

import logging
import time
import uuid
from datetime import UTC, datetime

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
ROLE_PERMISSIONS = {
    "VIEWER": frozenset({READ}),
    "OFFICER": frozenset({READ, WRITE_MEMBERS, WRITE_FUNDS, WRITE_EVALUATIONS}),
    "ADMIN": frozenset({READ, WRITE_MEMBERS, WRITE_FUNDS, WRITE_EVALUATIONS, ADMINISTER}),
}


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


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


class RequestAuth:
    """What a handler sees as ``self.auth``: the caller's identity, checked against its route."""

    def __init__(self, codec, permission):
        self._codec = codec
        self._permission = permission

    def identity(self, request):
        """The verified caller; raises 401 without a valid token and 403 without the route's permission."""
        identity = identity_from_claims(self._codec.verify(bearer_token(request)))
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


class Auth(DependencyProvider):
    """Reads the JWT configuration at start-up (refusing a short secret) and checks each request."""

    def setup(self):
        self.codec = TokenCodec.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        route = getattr(worker_ctx.entrypoint, "route", None)
        return RequestAuth(self.codec, getattr(route, "permission", None))
