"""The OpenAPI document is valid, generated from the route table, and the table registers the handlers."""

import inspect

import pytest
from openapi_spec_validator import validate

from gateway.openapi import document, error_statuses, openapi_path
from gateway.routes import ROUTES, ApiRoute
from gateway.service import GatewayService


def handlers_with_api_route():
    return {
        name for name, method in inspect.getmembers(GatewayService)
        if any(isinstance(e, ApiRoute) for e in getattr(method, "nameko_entrypoints", ()))
    }


def operation(route):
    return document()["paths"][openapi_path(route.url)][route.method.lower()]


def test_the_document_is_valid_openapi_3_0():
    assert document()["openapi"] == "3.0.3"
    validate(document())


def test_the_title_is_in_vietnamese_and_english():
    title = document()["info"]["title"]
    assert "Hội Khuyến học" in title and "Association for Encouraging Learning" in title


def test_every_route_has_a_handler_and_every_api_handler_has_a_route():
    assert handlers_with_api_route() == {route.name for route in ROUTES}


def test_routes_are_unique_by_name_and_by_method_and_path():
    assert len({route.name for route in ROUTES}) == len(ROUTES)
    assert len({(route.method, route.url) for route in ROUTES}) == len(ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_every_route_is_in_the_document_with_its_success_and_error_responses(route):
    responses = operation(route)["responses"]
    assert operation(route)["operationId"] == route.name
    assert set(responses) == {str(route.status), *map(str, error_statuses(route))}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_a_route_needs_a_bearer_token_exactly_when_it_has_a_permission(route):
    assert operation(route)["security"] == ([{"bearerAuth": []}] if route.permission else [])


@pytest.mark.parametrize("route", [r for r in ROUTES if r.body], ids=lambda route: route.name)
def test_a_route_with_a_body_documents_it_and_its_400_415_422(route):
    assert operation(route)["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert {"400", "415", "422"} <= set(operation(route)["responses"])


@pytest.mark.parametrize("route", [r for r in ROUTES if r.idempotent], ids=lambda route: route.name)
def test_a_creating_route_documents_the_idempotency_key_and_its_409(route):
    headers = [p["name"] for p in operation(route)["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"] and "409" in operation(route)["responses"]


def test_path_parameters_and_query_parameters_come_from_the_rule_and_the_query_schema():
    by_name = {route.name: route for route in ROUTES}
    statistics = {(p["in"], p["name"]) for p in operation(by_name["unit_statistics"])["parameters"]}
    member = operation(by_name["get_member"])["parameters"]
    assert statistics == {("path", "code"), ("query", "from"), ("query", "to")}
    assert member == [{"in": "path", "name": "member_id", "required": True,
                       "schema": {"type": "string", "format": "uuid"}}]


def test_every_error_response_has_the_error_body():
    components = document()["components"]
    assert components["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for response in components["responses"].values():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert {"code", "message", "message_en", "fields"} <= set(components["schemas"]["Error"]["properties"])


@pytest.mark.parametrize("route", [r for r in ROUTES if r.idempotent], ids=lambda route: route.name)
def test_the_idempotency_key_is_documented_as_required_exactly_where_money_moves(route):
    [key] = [p for p in operation(route)["parameters"] if p["in"] == "header"]
    assert key["required"] is route.key_required


def test_the_routes_that_move_money_require_their_key():
    assert {r.name for r in ROUTES if r.key_required} == {
        "record_donation", "pay_disbursement", "transfer_between_funds", "reverse_transfer",
    }
