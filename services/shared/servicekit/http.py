"""The HTTP edge: the one table from error class to HTTP status, JSON bodies for every error, and
the reading of JSON bodies, queries and Idempotency-Key headers.

Every error answers ``{"code", "message" (Vietnamese), "message_en", "fields"?}``. Errors that cross
RPC come from ``contracts.errors``; the few that only exist at the HTTP edge (malformed JSON, missing
token, unknown route) are defined here, as ``PlatformError`` subclasses so that they share the shape.
``JsonEntrypoint`` turns whatever a handler raises into such a body; ``unmatched_route`` answers
unknown paths (404) and wrong methods (405) in JSON instead of werkzeug's HTML.
"""

import functools
import json
import logging
import string

from marshmallow import ValidationError
from nameko.exceptions import ContainerBeingKilled
from nameko.web.handlers import HttpRequestHandler
from werkzeug.exceptions import MethodNotAllowed as WerkzeugMethodNotAllowed
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import Map, PathConverter, Rule, RuleFactory
from werkzeug.wrappers import Response

from contracts.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    PlatformError,
    ServiceUnavailable,
    ValidationFailed,
    field_error,
)

log = logging.getLogger(__name__)

JSON_MIMETYPE = "application/json"
RETRY_AFTER_SECONDS = 5
MAX_IDEMPOTENCY_KEY_LENGTH = 200
MAX_BODY_BYTES = 1024 * 1024


# --- errors that exist only at the HTTP edge (never sent over RPC) ---------------------------------


class MalformedJson(PlatformError):
    code = "malformed_json"
    default_en = "The request body is not a JSON object."
    default_vi = "Nội dung yêu cầu không phải là một đối tượng JSON hợp lệ."


class UnsupportedMediaType(PlatformError):
    code = "unsupported_media_type"
    default_en = "Send the request body as application/json."
    default_vi = "Hãy gửi nội dung yêu cầu dưới dạng application/json."


class PayloadTooLarge(PlatformError):
    code = "payload_too_large"
    default_en = f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB."
    default_vi = f"Nội dung yêu cầu lớn hơn {MAX_BODY_BYTES // 1024} KiB."


class InvalidCharacters(PlatformError):
    """Text no database can store: PostgreSQL refuses NUL in a string (the request failed with a 500 deep in
    a service), and an unpaired surrogate cannot be encoded as UTF-8 for RPC. Refused at the edge."""

    code = "invalid_characters"
    default_en = "Text may not contain NUL characters (U+0000) or unpaired surrogates."
    default_vi = "Văn bản không được chứa ký tự NUL (U+0000) hoặc ký tự surrogate đơn lẻ."


class InvalidIdempotencyKey(PlatformError):
    code = "invalid_idempotency_key"
    default_en = "Idempotency-Key must be 1-200 printable ASCII characters."
    default_vi = "Idempotency-Key phải gồm 1-200 ký tự ASCII in được."


class Unauthenticated(PlatformError):
    """No usable bearer token. ``challenge`` is the ``WWW-Authenticate`` value (RFC 6750)."""

    code = "unauthenticated"
    default_en = "Sign in first: send an access token as 'Authorization: Bearer <token>'."
    default_vi = "Hãy đăng nhập: gửi mã truy cập trong tiêu đề 'Authorization: Bearer <token>'."
    challenge = 'Bearer realm="khuyenhoc-api"'


class InvalidToken(Unauthenticated):
    default_en = "The access token is not valid."
    default_vi = "Mã truy cập không hợp lệ."
    challenge = 'Bearer realm="khuyenhoc-api", error="invalid_token"'


class TokenExpired(InvalidToken):
    code = "token_expired"
    default_en = "The access token has expired: sign in again."
    default_vi = "Mã truy cập đã hết hạn: hãy đăng nhập lại."
    challenge = 'Bearer realm="khuyenhoc-api", error="invalid_token", error_description="token expired"'


class TooManyRequests(PlatformError):
    """Over a rate limit; ``headers`` carries ``Retry-After`` (seconds)."""

    code = "rate_limited"
    default_en = "Too many requests: slow down and retry after the number of seconds in Retry-After."
    default_vi = "Quá nhiều yêu cầu: hãy giảm tốc độ và thử lại sau số giây trong tiêu đề Retry-After."


class RouteNotFound(NotFound):
    default_en = "There is no such address."
    default_vi = "Không có địa chỉ này."


class MethodNotAllowed(PlatformError):
    code = "method_not_allowed"
    default_en = "This address does not accept this HTTP method."
    default_vi = "Địa chỉ này không hỗ trợ phương thức HTTP đã dùng."


class InternalError(PlatformError):
    code = "internal_error"
    default_en = "Something went wrong on our side. Quote the call_id when you report it."
    default_vi = "Hệ thống gặp lỗi. Hãy cung cấp call_id khi báo lỗi."


# --- the table ---------------------------------------------------------------------------------------

ERROR_STATUS = {
    PlatformError: 400,
    MalformedJson: 400,
    InvalidCharacters: 400,
    InvalidIdempotencyKey: 400,
    AuthenticationFailed: 401,
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    MethodNotAllowed: 405,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    ValidationFailed: 422,
    TooManyRequests: 429,
    InternalError: 500,
    ServiceUnavailable: 503,
}


def status_for(error):
    """The status of the nearest class in the error's ancestry that the table names."""
    for cls in type(error).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500


def json_response(payload, status=200, headers=None):
    return Response(json.dumps(payload, ensure_ascii=False), status=status, headers=headers, mimetype=JSON_MIMETYPE)


def error_response(error, headers=None):
    """The JSON answer for a ``PlatformError``, with the headers its status calls for."""
    status = status_for(error)
    headers = {**(getattr(error, "headers", None) or {}), **(headers or {})}
    if status == 401:
        headers.setdefault("WWW-Authenticate", getattr(error, "challenge", Unauthenticated.challenge))
    if status == 503:
        headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    body = error.to_dict()
    if error.message_vi == error.message_en != error.default_en:
        body["message"] = error.default_vi  # raised with an English detail only: keep a Vietnamese message
    return json_response(body, status, headers)


def response_for_exception(exc, call_id=None):
    """Any exception as a JSON answer; an unexpected one is hidden behind ``internal_error``.

    Pure (metrics call it to learn the status): ``log_if_unexpected`` does the logging."""
    if isinstance(exc, ValidationError):
        exc = validation_failed(exc)
    elif isinstance(exc, ContainerBeingKilled):
        exc = ServiceUnavailable("The gateway is shutting down.", {"service": "gateway"})
    if not isinstance(exc, PlatformError):
        exc = InternalError(details={"call_id": call_id} if call_id else None)
    return error_response(exc)


def log_if_unexpected(exc, call_id=None):
    if not isinstance(exc, PlatformError | ValidationError | ContainerBeingKilled):
        log.error("internal error in call %s: %s", call_id, type(exc).__name__, exc_info=exc)


# --- marshmallow messages as field errors with codes ------------------------------------------------


def validation_failed(error):
    """A marshmallow ``ValidationError`` as ``ValidationFailed`` with per-field lists of coded errors."""
    return ValidationFailed.from_marshmallow(error)


# --- reading requests -------------------------------------------------------------------------------


def read_json(request):
    """The body as a JSON object; an empty body is ``{}``."""
    request.max_content_length = MAX_BODY_BYTES
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise PayloadTooLarge() from None
    if not data.strip():
        return {}
    if request.mimetype != JSON_MIMETYPE and not request.mimetype.endswith("+json"):
        raise UnsupportedMediaType()
    try:
        body = json.loads(data, parse_constant=_refuse_non_finite)
    except (ValueError, RecursionError):
        raise MalformedJson() from None
    if not isinstance(body, dict):
        raise MalformedJson()
    if not _storable(body):
        raise InvalidCharacters()
    return body


def _storable(value):
    """Whether every string in a JSON value (keys too) can be stored and sent: no NUL, no lone surrogate."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


def _refuse_non_finite(name):
    raise ValueError(f"{name} is not JSON")


def _wire(schema, loaded):
    """``loaded`` dumped for the wire, keeping the load-only fields (passwords) that dump drops."""
    wire = schema.dump(loaded)
    for name, field in schema.load_fields.items():
        if field.load_only and name in loaded:
            wire[field.data_key or name] = loaded[name]
    return wire


@functools.cache
def _schema(schema_cls):
    """One instance per schema class: building a marshmallow schema deep-copies its fields, which cost the
    gateway a tenth of its CPU per request when done for every body and every result (tests/bench profile).
    An instance holds no per-call state, and load and dump never yield to another greenthread."""
    return schema_cls()


def validated_body(request, schema_cls):
    """The JSON body loaded through ``schema_cls`` and dumped again: validated and JSON-ready."""
    schema = _schema(schema_cls)
    return _wire(schema, schema.load(read_json(request)))


def validated_query(request, schema_cls):
    """The query string loaded through ``schema_cls`` and dumped again. The first value of each name
    counts; an empty value (``?status=`` from a form) is the same as no value."""
    schema = _schema(schema_cls)
    query = {name: value for name, value in request.args.items() if value != ""}
    bad = sorted(name for name, value in query.items() if "\x00" in name + value)
    if bad:  # a field error like any other (422): PostgreSQL refuses NUL in the strings it compares
        problem = [field_error("invalid_characters", InvalidCharacters.default_vi, InvalidCharacters.default_en)]
        raise ValidationFailed.from_fields({name.replace("\x00", "?"): problem for name in bad})
    return _wire(schema, schema.load(query))


_PRINTABLE_ASCII = frozenset(string.printable) - frozenset("\t\n\r\x0b\x0c")


def idempotency_key(request):
    """The ``Idempotency-Key`` header, or None when it is absent."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH or not set(key) <= _PRINTABLE_ASCII:
        raise InvalidIdempotencyKey()
    return key


class ContractBroken(Exception):
    """A service answered with something its contract schema refuses."""


def relay(schema_cls, result):
    """A downstream result loaded through its contract schema and dumped for the client.

    A result that breaks its contract is our fault, not the client's: it becomes an internal error."""
    schema = _schema(schema_cls)
    try:
        return schema.dump(schema.load(result))
    except ValidationError as exc:
        raise ContractBroken(f"{schema_cls.__name__}: {sorted(exc.messages)}") from None


# --- entrypoints --------------------------------------------------------------------------------------


class JsonEntrypoint(HttpRequestHandler):
    """An ``@http`` entrypoint whose handlers return ``(status, payload)`` or ``(status, headers,
    payload)`` with a JSON-ready payload, and whose errors become JSON bodies through the table."""

    def __init__(self, method, url, **kwargs):
        kwargs.setdefault("expected_exceptions", (PlatformError, ValidationError))
        super().__init__(method, url, **kwargs)
        self._stopping = False

    def get_entrypoint_parameters(self, request):
        """A NUL in a path segment names nothing that exists: 404 before the worker runs (PostgreSQL refuses
        NUL in any string it is given, so the lookup failed with a 500)."""
        args, kwargs = super().get_entrypoint_parameters(request)
        if any(isinstance(v, str) and "\x00" in v for v in kwargs.values()):
            raise RouteNotFound()
        return args, kwargs

    def stop(self):
        # nameko stops the entrypoints first "so that no new worker starts", but a client's keep-alive
        # connection still reaches handle_request: under steady traffic new workers kept starting and a
        # SIGTERM never finished (tests/faults). From now on: 503, and the client is told to reconnect.
        self._stopping = True
        super().stop()

    def handle_request(self, request):
        if self._stopping:
            return error_response(ServiceUnavailable("The gateway is shutting down.", {"service": "gateway"}),
                                  {"Connection": "close"})  # fmt: skip
        return super().handle_request(request)

    def handle_result(self, event, worker_ctx, result, exc_info):
        if exc_info is not None:
            log_if_unexpected(exc_info[1], call_id=worker_ctx.call_id)
            event.send(response_for_exception(exc_info[1], call_id=worker_ctx.call_id))
        else:
            event.send(result)
        return result, exc_info

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, headers, payload = (200, None, result)
        if isinstance(result, tuple):
            status, headers, payload = result if len(result) == 3 else (result[0], None, result[1])
        return json_response(payload, status, headers)

    def response_from_exception(self, exc):
        return response_for_exception(exc)


class _AnyText(PathConverter):
    """werkzeug's ``path`` converter, newlines included: ``path`` stops at a line break (its regex has no
    DOTALL), so a request for ``/api/v1/x%0Ay`` matched no rule at all and werkzeug answered its own HTML 404."""

    regex = "(?s:[^/].*?)"


class _EveryPathRule(Rule):
    def get_converter(self, variable_name, converter_name, args, kwargs):
        if converter_name == "anytext":
            return _AnyText(self.map, *args, **kwargs)
        return super().get_converter(variable_name, converter_name, args, kwargs)


class _EveryPath(RuleFactory):
    """``/`` and every other path, for the entrypoint set as ``endpoint`` by nameko's ``make_url_map``."""

    endpoint = None

    def get_rules(self, map):
        yield Rule("/", endpoint=self.endpoint)
        yield _EveryPathRule("/<anytext:path>", endpoint=self.endpoint)


class UnmatchedRoute(HttpRequestHandler):
    """Answers in JSON what werkzeug would answer in HTML: 404 for an unknown path, 405 (with
    ``Allow``) for a known path and a wrong method. werkzeug prefers every specific rule to this one,
    so it only sees requests that no other entrypoint matched."""

    def __init__(self, **kwargs):
        super().__init__("", "", **kwargs)

    def get_url_rule(self):
        return _EveryPath()

    def handle_request(self, request):
        providers = [p for p in self.server._providers if not isinstance(p, UnmatchedRoute)]
        rules = []
        for provider in providers:
            rules.append(rule := provider.get_url_rule())
            rule.endpoint = provider
        try:
            provider, values = Map(rules).bind_to_environ(request.environ).match()
        except WerkzeugMethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or ()))
            return error_response(MethodNotAllowed(), {"Allow": allowed})
        except WerkzeugNotFound:
            return error_response(RouteNotFound())
        # Only "/" gets here: it is this rule's and may be another entrypoint's (the gateway's console), and
        # werkzeug picks between two equal rules in the order they were added, which a set decides. Hand over.
        request.path_values = values
        return provider.handle_request(request)


unmatched_route = UnmatchedRoute.decorator
