"""Helpers for tests of the gateway's HTTP answers. Only tests import this module."""

from gateway.openapi import response_schema


def documented(response, route):
    """The answer, after checking its body against the document's schema for ``route`` and its status."""
    from openapi_schema_validator import OAS30Validator

    schema = response_schema(route, response.status_code)
    OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER).validate(response.json())
    return response
