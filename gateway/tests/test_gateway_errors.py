"""The one error table and the reading of requests (servicekit.http): every error is a JSON body with a
code and Vietnamese and English messages; bad input is never a 500."""

import inspect
import json
import logging

import pytest
from marshmallow import ValidationError
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from contracts import errors
from contracts.members import CreateOfficerSchema, MemberSchema, MemberSearchSchema, RegisterMemberSchema
from servicekit.http import (
    ERROR_STATUS,
    MAX_BODY_BYTES,
    ContractBroken,
    InternalError,
    InvalidIdempotencyKey,
    MalformedJson,
    PayloadTooLarge,
    TokenExpired,
    Unauthenticated,
    UnsupportedMediaType,
    idempotency_key,
    log_if_unexpected,
    relay,
    response_for_exception,
    validated_body,
    validated_query,
)

CONTRACT_ERRORS = [
    cls for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, errors.PlatformError) and cls is not errors.PlatformError
]


def body_of(response):
    return json.loads(response.get_data())


def request_with(data=None, content_type="application/json", headers=None):
    return Request(EnvironBuilder(method="POST", data=data, content_type=content_type,
                                  headers=headers).get_environ())


STATUSES = [
    (errors.MemberNotFound, 404), (errors.UnitNotFound, 404), (errors.OfficerNotFound, 404),
    (errors.MemberAlreadyRegistered, 409), (errors.IdempotencyKeyReused, 409),
    (errors.TransitionRejected, 409), (errors.ValidationFailed, 422), (errors.AuthenticationFailed, 401),
    (errors.PermissionDenied, 403), (errors.ServiceUnavailable, 503),
]
OFFICER = {"username": "lan.nguyen", "full_name": "Lan", "role": "VIEWER", "password": "long-enough-1",
           "unit_code": "01"}


@pytest.mark.parametrize("cls, status", STATUSES, ids=lambda value: getattr(value, "__name__", value))
def test_each_contract_error_answers_its_status_with_code_and_both_messages(cls, status):
    error = cls()
    response = response_for_exception(error)
    assert response.status_code == status and response.mimetype == "application/json"
    assert body_of(response) == {
        "code": error.code, "message": error.message_vi, "message_en": error.message_en}


@pytest.mark.parametrize("cls", CONTRACT_ERRORS, ids=lambda cls: cls.__name__)
def test_every_contract_error_has_a_row_of_its_own_family_in_the_table(cls):
    assert any(ancestor in ERROR_STATUS for ancestor in cls.__mro__ if ancestor is not errors.PlatformError)


def test_a_service_that_does_not_answer_asks_the_client_to_retry_later():
    error = errors.ServiceUnavailable("members.get_member timed out", {"service": "members"})
    response = response_for_exception(error)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert body_of(response)["service"] == "members"


def test_an_error_raised_with_an_english_detail_only_still_has_a_vietnamese_message():
    body = body_of(response_for_exception(errors.ServiceUnavailable("members.get_member did not answer in 10 s")))
    assert body["message"] == errors.ServiceUnavailable.default_vi
    assert body["message_en"] == "members.get_member did not answer in 10 s"


@pytest.mark.parametrize("error", [Unauthenticated(), TokenExpired(), errors.AuthenticationFailed()])
def test_every_401_carries_a_bearer_challenge(error):
    response = response_for_exception(error)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_told_apart_from_a_missing_one():
    assert body_of(response_for_exception(TokenExpired()))["code"] == "token_expired"
    assert 'error="invalid_token"' in response_for_exception(TokenExpired()).headers["WWW-Authenticate"]


def test_an_unexpected_exception_is_a_generic_500_with_the_call_id_and_no_exception_text():
    response = response_for_exception(KeyError("secret detail 001234567890"), call_id="gateway.get_member.c1")
    assert response.status_code == 500
    generic = body_of(response_for_exception(InternalError()))
    assert body_of(response) == {**generic, "call_id": "gateway.get_member.c1"}
    assert "secret detail" not in response.get_data(as_text=True)


def test_an_unexpected_exception_is_logged_with_the_call_id(caplog):
    with caplog.at_level(logging.ERROR, logger="servicekit.http"):
        log_if_unexpected(KeyError("boom"), call_id="gateway.get_member.c1")
        log_if_unexpected(errors.MemberNotFound(), call_id="gateway.get_member.c2")
    assert "gateway.get_member.c1" in caplog.text and "c2" not in caplog.text


def test_a_marshmallow_error_is_a_422_with_coded_errors_per_field():
    with pytest.raises(ValidationError) as caught:
        RegisterMemberSchema().load({"cccd": "001", "gender": "X", "email": "nope", "consent": {"given": "?"},
                                     "extra": 1, "unit_code": "01", "birth_year": 1990})
    response = response_for_exception(caught.value)
    fields = body_of(response)["fields"]
    assert response.status_code == 422
    assert fields["full_name"][0]["code"] == "required"
    assert fields["gender"][0]["code"] == "not_allowed_value"
    assert fields["email"][0]["code"] == "invalid_email"
    assert fields["extra"][0]["code"] == "unknown_field"
    assert fields["consent.given"][0]["code"] == "invalid_type"
    assert {"code", "message", "message_en"} <= set(fields["consent.channel"][0])


def test_a_field_error_from_a_service_keeps_its_own_code():
    mismatch = errors.field_error("cccd_birth_year_mismatch", "vi", "en")
    error = errors.ValidationFailed.from_fields({"cccd": [mismatch]})
    assert body_of(response_for_exception(error))["fields"]["cccd"][0]["code"] == "cccd_birth_year_mismatch"


NOT_OBJECTS = [b"{bad", b"[1, 2]", b'"text"', b"NaN", b'{"a": NaN}', b"\xff\xfe{", b"[" * 100_000]


@pytest.mark.parametrize("data", NOT_OBJECTS, ids=range(len(NOT_OBJECTS)))
def test_a_body_that_is_not_a_json_object_is_malformed(data):
    with pytest.raises(MalformedJson):
        validated_body(request_with(data), RegisterMemberSchema)


def test_a_body_over_the_limit_is_refused_before_it_is_parsed():
    with pytest.raises(PayloadTooLarge) as caught:
        validated_body(request_with(b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}'), RegisterMemberSchema)
    assert response_for_exception(caught.value).status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_an_unsupported_media_type(content_type):
    with pytest.raises(UnsupportedMediaType) as caught:
        validated_body(request_with(b"cccd=1", content_type), RegisterMemberSchema)
    assert response_for_exception(caught.value).status_code == 415


def test_json_with_a_charset_is_accepted():
    request = request_with(json.dumps(OFFICER), "application/json; charset=utf-8")
    assert validated_body(request, CreateOfficerSchema)["username"] == "lan.nguyen"


def test_a_password_survives_the_dump_that_normalises_a_body():
    body = validated_body(request_with(json.dumps(OFFICER)), CreateOfficerSchema)
    assert body["password"] == "long-enough-1"


@pytest.mark.parametrize("key", ["", "x" * 201, "khóa", "a\tb", "a\x7fb"])
def test_an_invalid_idempotency_key_is_refused(key):
    with pytest.raises(InvalidIdempotencyKey):
        idempotency_key(request_with(headers={"Idempotency-Key": key}))


def test_an_idempotency_key_of_printable_ascii_is_passed_on_and_its_absence_is_none():
    assert idempotency_key(request_with(headers={"Idempotency-Key": "reg 2025/01 #7"})) == "reg 2025/01 #7"
    assert idempotency_key(request_with(headers={"Idempotency-Key": "k" * 200})) == "k" * 200
    assert idempotency_key(request_with()) is None


def test_an_empty_query_value_is_no_value():
    request = Request(EnvironBuilder(query_string="status=&q=lan&page=2").get_environ())
    assert validated_query(request, MemberSearchSchema) == {
        "q": "lan", "cccd": None, "unit_code": None, "status": None, "page": 2, "page_size": 20}


def test_a_result_that_breaks_its_contract_is_our_500_not_the_clients_422():
    with pytest.raises(ContractBroken) as caught:
        relay(MemberSchema, {"id": "not-a-uuid"})
    assert response_for_exception(caught.value).status_code == 500
