"""Signing in, tokens, roles and the errors of the HTTP edge, through a real gateway and members service.
Every answer is checked against the OpenAPI document's schema for its route and status."""

import time

import jwt
import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.exceptions import ConfigurationError

from gateway.service import GatewayService
from gateway.testing import documented
from members.testing import Api
from servicekit.testing import Running, service_config, start_container

pytestmark = pytest.mark.rabbit




def login(api, username, password):
    return api.http.post(f"{api.base}/auth/login", json={"username": username, "password": password})


def test_an_officer_signs_in_and_the_token_says_who_they_are(api):
    viewer = api.as_officer("VIEWER", "00070")
    me = documented(viewer.get("/me"), "me").json()
    assert (me["username"], me["role"], me["unit_code"], me["permissions"]) == (
        viewer.username, "VIEWER", "00070", ["read"])


def test_the_login_answer_has_a_bearer_token_with_its_lifetime_and_the_officer(api):
    officer = api.as_officer("OFFICER", "00070")
    response = documented(login(api, officer.username, Api.password), "login")
    body = response.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 600)
    assert body["officer"]["username"] == officer.username
    assert "password" not in body["officer"] and "unit_path" not in body["officer"]


def test_a_wrong_password_is_401_with_a_bearer_challenge(api):
    officer = api.as_officer("OFFICER", "00070")
    response = documented(login(api, officer.username, "not the password"), "login")
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_request_without_a_token_is_401_unauthenticated(api):
    response = documented(api.get("/members"), "search_members")
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401_token_expired(api, gateway):
    officer = api.as_officer("OFFICER", "00070")
    claims = jwt.decode(officer.token, options={"verify_signature": False})
    past = int(time.time()) - 3600
    expired = jwt.encode({**claims, "iat": past - 600, "exp": past}, gateway.container.config["JWT_SECRET"])
    response = api.get("/members", headers={"Authorization": f"Bearer {expired}"})
    documented(response, "search_members")
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


def test_a_token_with_algorithm_none_is_401(api):
    officer = api.as_officer("ADMIN", "00070")
    claims = jwt.decode(officer.token, options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    response = api.get("/officers", headers={"Authorization": f"Bearer {unsigned}"})
    documented(response, "list_officers")
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


@pytest.mark.parametrize(
    "role, method, path, route",
    [("VIEWER", "POST", "/members", "register_member"), ("OFFICER", "POST", "/units", "create_unit"),
     ("OFFICER", "GET", "/officers", "list_officers"), ("VIEWER", "POST", "/officers", "create_officer")],
)
def test_a_role_without_the_routes_permission_is_403(api, role, method, path, route):
    response = documented(api.as_officer(role, "00070").request(method, path, json={}), route)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_an_unknown_address_is_a_json_404(api):
    response = api.get("/no-such-thing")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert response.headers["Content-Type"] == "application/json"


def test_a_wrong_method_is_a_json_405_with_the_allowed_methods(api):
    response = api.as_officer("ADMIN", "00070").request("DELETE", "/members")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"a string"'])
def test_a_body_that_is_not_a_json_object_is_400_malformed_json(api, data):
    officer = api.as_officer("OFFICER", "00070")
    response = documented(officer.post("/members", data=data, headers={"Content-Type": "application/json"}),
                          "register_member")
    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")


def test_a_form_body_is_415(api):
    response = documented(api.as_officer("OFFICER", "00070").post("/members", data={"cccd": "1"}),
                          "register_member")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_a_bad_query_is_422_with_field_codes(api):
    viewer = api.as_officer("VIEWER", "00070")
    response = documented(viewer.get("/members?page=0&colour=red"), "search_members")
    fields = response.json()["fields"]
    assert response.status_code == 422
    assert (fields["page"][0]["code"], fields["colour"][0]["code"]) == ("out_of_range", "unknown_field")


def test_the_openapi_document_is_served_without_a_token(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200 and response.json()["openapi"] == "3.0.3"


def test_the_ops_endpoints_answer(gateway):
    assert requests.get(f"{gateway.url}/healthz", timeout=10).json()["status"] == "ok"
    assert requests.get(f"{gateway.url}/readyz", timeout=10).status_code == 200
    assert "http_requests_total" in requests.get(f"{gateway.url}/metrics", timeout=10).text


def test_the_gateway_refuses_to_start_with_a_secret_shorter_than_32_bytes(amqp_uri):
    config, _ = service_config(amqp_uri, JWT_SECRET="s" * 31)
    with pytest.raises(ConfigurationError, match="JWT_SECRET"):
        ServiceContainer(GatewayService, config).start()


@pytest.fixture
def impatient_gateway(amqp_uri, members_service, gateway):
    """A second gateway that gives the services no time to answer."""
    settings = {k: v for k, v in gateway.container.config.items() if k != "WEB_SERVER_ADDRESS"}
    config, port = service_config(amqp_uri, **{**settings, "RPC_TIMEOUT_SECONDS": 0.001})
    container = start_container(GatewayService, config)
    yield Running(container, port)
    container.stop()


def test_a_service_that_does_not_answer_in_time_is_503_with_retry_after(api, impatient_gateway):
    officer = api.as_officer("OFFICER", "00070")
    response = documented(requests.post(f"{impatient_gateway.url}/api/v1/auth/login", timeout=10, json={
        "username": officer.username, "password": Api.password}), "login")
    assert (response.status_code, response.json()["code"]) == (503, "service_unavailable")
    assert int(response.headers["Retry-After"]) > 0


def test_ping_makes_one_round_trip_to_the_members_service(api):
    response = documented(api.as_officer("VIEWER", "00070").get("/ping"), "ping")
    assert (response.status_code, response.json()) == (200, {"pong": "pong"})


def test_ping_needs_a_token(api):
    assert documented(api.get("/ping"), "ping").status_code == 401
