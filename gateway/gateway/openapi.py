"""The OpenAPI 3.0.3 document, generated from ``routes.ROUTES`` (the table that also registers the
handlers) with apispec's marshmallow plugin and the contracts schemas."""

import functools
import re
from itertools import groupby

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway.auth import ROLE_PERMISSIONS
from gateway.routes import ROUTES, ROUTES_BY_NAME
from gateway.schemas import ErrorSchema
from servicekit.http import MAX_IDEMPOTENCY_KEY_LENGTH, RETRY_AFTER_SECONDS

TITLE = "Hội Khuyến học Việt Nam — API nghiệp vụ / Association for Encouraging Learning — business API"
DESCRIPTION = """\
Quản lý tổ chức, hội viên và cán bộ của Hội Khuyến học ở mọi cấp. Đăng nhập tại `/api/v1/auth/login` \
rồi gửi mã truy cập trong tiêu đề `Authorization: Bearer <token>`. Các yêu cầu tạo mới nhận tiêu đề \
`Idempotency-Key`: gửi lại cùng khóa sẽ nhận lại đúng kết quả cũ, không tạo thêm bản ghi.

Organisation units, members and officer accounts of the Association at every level. Sign in at \
`/api/v1/auth/login`, then send the token as `Authorization: Bearer <token>`. Requests that create \
something take an `Idempotency-Key` header: repeating it replays the first result instead of creating \
a second record. Every error answers with the `Error` body: `code`, `message` (Vietnamese), \
`message_en` and, for 422, `fields`."""

ERRORS = {
    400: "Thân yêu cầu không phải JSON, hoặc Idempotency-Key sai / Malformed JSON or Idempotency-Key",
    401: "Chưa đăng nhập, mã truy cập sai hoặc hết hạn / Missing, invalid or expired token",
    403: "Vai trò không được phép / The role does not allow this",
    404: "Không tìm thấy trong phạm vi của bạn / Not found in your scope",
    409: "Xung đột với dữ liệu hiện có / Conflicts with the current state",
    413: "Thân yêu cầu quá lớn / The body is too large",
    415: "Thân yêu cầu phải là application/json / The body must be application/json",
    422: "Dữ liệu không hợp lệ, xem `fields` / Invalid fields, see `fields`",
    429: "Quá nhiều yêu cầu (ứng dụng kết nối) / Too many requests (machine clients): see Retry-After",
    500: "Lỗi hệ thống / Internal error",
    503: "Dịch vụ không phản hồi kịp, hãy thử lại / A service did not answer in time: retry",
}
_CONVERTERS = {"uuid": {"type": "string", "format": "uuid"}, "int": {"type": "integer"}}
_RULE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def error_statuses(route):
    """The error statuses a route can answer, from what the route does."""
    statuses = {500, *route.errors}
    if route.permission is not None:
        statuses |= {401, 403, 404, 429}  # 429: a machine client over its rate (any route a token opens)
    if route.body is not None:
        statuses |= {400, 413, 415, 422}
    if route.query is not None:
        statuses.add(422)
    if route.idempotent:
        statuses |= {400, 409}
    if route.calls_service:
        statuses.add(503)
    return sorted(statuses)


def openapi_path(url):
    return _RULE_PARAMETER.sub(r"{\2}", url)


def _path_parameters(url):
    return [
        {"in": "path", "name": name, "required": True,
         "schema": _CONVERTERS.get(converter, {"type": "string"})}
        for converter, name in _RULE_PARAMETER.findall(url)
    ]


def _success(route):
    if route.status == 204:
        return {"description": "Thành công, không có nội dung / Success, no content"}
    content = {"application/json": {"schema": route.response or {"type": "object"}}}
    content.update({media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in route.files})
    return {"description": "Thành công / Success", "content": content}


def _operation(route):
    roles = [role for role, permissions in ROLE_PERMISSIONS.items() if route.permission in permissions]
    operation = {
        "operationId": route.name,
        "tags": [route.tag],
        "summary": route.summary,
        "security": [{"bearerAuth": []}] if route.permission else [],
        "parameters": _path_parameters(route.url),
        "responses": {
            str(route.status): _success(route),
            **{str(s): {"$ref": f"#/components/responses/Error{s}"} for s in error_statuses(route)},
        },
    }
    if roles:
        operation["x-roles"] = roles
        operation["description"] = "Vai trò được phép / Roles allowed: " + ", ".join(roles)
    if route.query is not None:
        operation["parameters"].append({"in": "query", "schema": route.query})
    if route.idempotent:
        operation["parameters"].append({
            "in": "header", "name": "Idempotency-Key", "required": route.key_required,
            "description": "Khóa chống lặp / Replays the first result of a repeated request"
            + (" (bắt buộc: là mã giao dịch / required: it is the transfer's id)" if route.key_required else ""),
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY_LENGTH,
                       "pattern": "^[\\x20-\\x7e]+$"},
        })
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": route.body}}}
    return operation


def _error_response(status):
    response = {"description": ERRORS[status], "content": {"application/json": {"schema": "Error"}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}}
    if status == 503:
        response["headers"] = {"Retry-After": {
            "schema": {"type": "integer"}, "description": f"giây / seconds (usually {RETRY_AFTER_SECONDS})"}}
    if status == 429:
        response["headers"] = {"Retry-After": {
            "schema": {"type": "integer"}, "description": "giây tới khi có lượt / seconds until a token is free"}}
    return response


@functools.cache
def document():
    """The document as a dict, built once."""
    spec = APISpec(
        title=TITLE, version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION}, servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    for status in ERRORS:
        spec.components.response(f"Error{status}", _error_response(status))
    for url, routes in groupby(sorted(ROUTES, key=lambda r: r.url), key=lambda r: r.url):
        spec.path(path=openapi_path(url), operations={r.method.lower(): _operation(r) for r in routes})
    return spec.to_dict()


def response_schema(route_name, status):
    """The JSON schema the document gives for one answer of one route, with the components its ``$ref``
    point into (for validating answers in tests). ``KeyError`` when the status is not documented."""
    route = ROUTES_BY_NAME[route_name]
    response = document()["paths"][openapi_path(route.url)][route.method.lower()]["responses"][str(status)]
    if "$ref" in response:
        response = document()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return {**response["content"]["application/json"]["schema"], "components": document()["components"]}
