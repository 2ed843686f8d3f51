"""Access tokens: one algorithm, issuer, audience and expiry are enforced; roles gate the routes."""

import logging
import time
from pathlib import Path

import jwt
import pytest
import yaml
from nameko.cli.main import setup_yaml_parser
from nameko.exceptions import ConfigurationError
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from contracts.errors import PermissionDenied
from gateway.auth import (
    ADMINISTER,
    DEVELOPMENT_SECRET,
    READ,
    WRITE_MEMBERS,
    RequestAuth,
    TokenCodec,
    identity_from_claims,
)
from servicekit.http import InvalidToken, TokenExpired, Unauthenticated

CONFIG_YML = Path(__file__).resolve().parents[1] / "config.yml"
SECRET = "a-test-secret-that-is-long-enough-0123456789"
OFFICER = {"id": "off-1", "username": "lan.nguyen", "full_name": "Nguyễn Thị Lan", "role": "OFFICER",
           "unit_code": "01", "active": True}


def codec(**overrides):
    return TokenCodec(**{"secret": SECRET, **overrides})


def forged(claims=None, key=SECRET, algorithm="HS256"):
    now = int(time.time())
    base = {"iss": "khuyenhoc-gateway", "aud": "khuyenhoc-api", "sub": "off-1", "iat": now, "exp": now + 60,
            "username": "lan.nguyen", "role": "ADMIN", "unit_code": "01"}
    return jwt.encode({**base, **(claims or {})}, key, algorithm=algorithm)


def request_with(token=None, scheme="Bearer"):
    headers = {"Authorization": f"{scheme} {token}"} if token else {}
    return Request(EnvironBuilder(path="/api/v1/me", headers=headers).get_environ())


def test_an_issued_token_verifies_to_the_officer_it_was_issued_for():
    token, expires_in = codec().issue(OFFICER)
    identity = identity_from_claims(codec().verify(token))
    assert expires_in == 28800
    assert identity["officer_id"] == "off-1" and identity["role"] == "OFFICER"
    assert identity["full_name"] == "Nguyễn Thị Lan" and identity["unit_code"] == "01"


@pytest.mark.parametrize("claims", [{"aud": "another-api"}, {"iss": "someone-else"}], ids=["aud", "iss"])
def test_a_token_for_another_audience_or_issuer_is_refused(claims):
    with pytest.raises(InvalidToken):
        codec().verify(forged(claims))


def test_an_unsigned_token_with_algorithm_none_is_refused():
    with pytest.raises(InvalidToken):
        codec().verify(forged(key=None, algorithm="none"))


def test_a_token_signed_with_another_algorithm_is_refused():
    with pytest.raises(InvalidToken):
        codec().verify(forged(key=SECRET * 2, algorithm="HS512"))


def test_a_token_signed_with_another_secret_is_refused():
    with pytest.raises(InvalidToken):
        codec().verify(forged(key="another-secret-that-is-long-enough-000000"))


def test_an_expired_token_is_refused_as_expired():
    past = int(time.time()) - 3600
    with pytest.raises(TokenExpired) as caught:
        codec().verify(forged({"iat": past - 60, "exp": past}))
    assert caught.value.code == "token_expired"


@pytest.mark.parametrize("claim", ["exp", "iat", "sub"])
def test_a_token_without_a_required_claim_is_refused(claim):
    token = codec().issue(OFFICER)[0]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="khuyenhoc-api")
    del claims[claim]
    with pytest.raises(InvalidToken):
        codec().verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_a_token_with_an_unknown_role_is_refused():
    with pytest.raises(InvalidToken):
        identity_from_claims(codec().verify(forged({"role": "SUPERUSER"})))


def test_a_secret_shorter_than_32_bytes_refuses_to_start():
    with pytest.raises(ConfigurationError):
        TokenCodec.from_config({"JWT_SECRET": "x" * 31})


def test_a_missing_secret_refuses_to_start():
    with pytest.raises(ConfigurationError):
        TokenCodec.from_config({})


def test_the_development_secret_starts_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="gateway.auth"):
        TokenCodec.from_config({"JWT_SECRET": DEVELOPMENT_SECRET})
    assert "development default" in caplog.text


def test_config_yml_defaults_to_the_development_secret_that_is_warned_about(monkeypatch):
    monkeypatch.delenv("GATEWAY_JWT_SECRET", raising=False)
    setup_yaml_parser()
    with CONFIG_YML.open(encoding="utf-8") as file:
        config = yaml.safe_load(file)
    assert config["JWT_SECRET"] == DEVELOPMENT_SECRET
    assert (config["JWT_ISSUER"], config["JWT_AUDIENCE"], config["JWT_TTL_SECONDS"]) == (
        "khuyenhoc-gateway", "khuyenhoc-api", 28800)


def test_a_digits_only_secret_from_the_environment_stays_a_string(monkeypatch):
    monkeypatch.setenv("GATEWAY_JWT_SECRET", "1" * 40)
    setup_yaml_parser()
    with CONFIG_YML.open(encoding="utf-8") as file:
        assert yaml.safe_load(file)["JWT_SECRET"] == "1" * 40


@pytest.mark.parametrize("token, scheme", [(None, "Bearer"), ("abc", "Basic"), (" ", "Bearer")])
def test_a_request_without_a_bearer_token_is_unauthenticated(token, scheme):
    with pytest.raises(Unauthenticated) as caught:
        RequestAuth(codec(), READ).actor(request_with(token, scheme))
    assert caught.value.code == "unauthenticated"


@pytest.mark.parametrize(
    "role, permission, allowed",
    [("VIEWER", READ, True), ("VIEWER", WRITE_MEMBERS, False), ("OFFICER", WRITE_MEMBERS, True),
     ("OFFICER", ADMINISTER, False), ("ADMIN", ADMINISTER, True)],
)
def test_each_role_has_exactly_its_permissions(role, permission, allowed):
    request = request_with(codec().issue({**OFFICER, "role": role})[0])
    if allowed:
        assert RequestAuth(codec(), permission).actor(request)["role"] == role
    else:
        with pytest.raises(PermissionDenied):
            RequestAuth(codec(), permission).actor(request)


def test_the_actor_carries_exactly_the_actor_schema_fields():
    actor = RequestAuth(codec(), READ).actor(request_with(codec().issue(OFFICER)[0]))
    assert actor == {"officer_id": "off-1", "username": "lan.nguyen", "role": "OFFICER", "unit_code": "01"}
