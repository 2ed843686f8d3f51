"""Schemathesis against the gateway's own OpenAPI document: every operation, with a central ADMIN's token
(and the operations a machine client may reach once more with a client token of every scope), valid and
invalid data, a fixed budget and a fixed seed. No answer may be a 5xx, and every answer must be one the
document lists for the operation, with a body that matches the schema given for that status, the declared
content type and the declared headers.

Budget (environment): ``SECURITY_FUZZ_EXAMPLES`` examples per operation and mode (default 3), and
``SECURITY_FUZZ_SECONDS`` (default 60): past it the remaining operations get one example each, so that
every operation is always reached. Hypothesis runs derandomised (the seed is the test's), without its
example database, so two runs send the same requests. In negative mode schemathesis also drops the token
(the answer must then be the documented 401). The figures of the run are printed and written to
``var/security/fuzz.json``.
"""

import json
import os
import time
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.auth import CLIENT_TAGS

pytestmark = [pytest.mark.rabbit, pytest.mark.e2e]

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "3"))
SECONDS = float(os.environ.get("SECURITY_FUZZ_SECONDS", "60"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
UNREACHABLE = "http://127.0.0.1:9/hook"  # the discard port on loopback: nothing leaves the machine


@pytest.fixture(scope="module")
def client_token(security_platform, officers):
    """A token of a machine client of the province 01 with every scope."""
    admin = officers[("ADMIN", "01")]
    created = admin.post("/clients", json={"name": "LGSP fuzz", "unit_code": "01",
                                           "scopes": ["members:read", "members:write", "imports:write"]})
    assert created.status_code == 201, created.text
    token = admin.http.post(f"{admin.base}/oauth/token", auth=(created.json()["id"], created.json()["client_secret"]),
                            data={"grant_type": "client_credentials"}, timeout=30)  # fmt: skip
    assert token.status_code == 200, token.text
    return token.json()["access_token"]


def _tame(case):
    """Keep the fuzzer's side effects on this machine: a webhook it subscribes points at a closed port."""
    if isinstance(case.body, dict) and isinstance(case.body.get("url"), str):
        case.body["url"] = UNREACHABLE


def test_every_operation_answers_as_documented_without_a_server_error(security_platform, officers, client_token):
    schema = schemathesis.openapi.from_url(f"{security_platform.gateway_url}/api/v1/openapi.json")
    base_url = security_platform.gateway_url
    admin_token = officers[("ADMIN", "VN")].token
    operations = [result.ok() for result in schema.get_all_operations()]
    figures = {"operations": 0, "runs": 0, "nothing_to_negate": 0, "requests": 0, "statuses": {}}
    started, failures = time.monotonic(), []

    def fuzz(operation, token, mode, examples):
        headers = {"Authorization": f"Bearer {token}"}

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), phases=["explicit", "generate"])  # fmt: skip
        def run(case):
            _tame(case)
            response = case.call(base_url=base_url, headers=headers, timeout=30)
            figures["requests"] += 1
            figures["statuses"][str(response.status_code)] = figures["statuses"].get(str(response.status_code), 0) + 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as error:  # schemathesis raises its FailureGroup
                failures.append(f"{operation.label} [{mode.value}] -> {response.status_code}: {str(error)[:600]}")

        try:
            run()
        except Unsatisfiable:
            figures["nothing_to_negate"] += 1  # no parameter or body to make invalid (GET /me, negative mode)
            return
        figures["runs"] += 1

    for operation in operations:
        figures["operations"] += 1
        tags = set(operation.tags or [])
        tokens = [admin_token] + ([client_token] if tags & CLIENT_TAGS else [])
        for token in tokens:
            for mode in MODES:
                examples = EXAMPLES if time.monotonic() - started < SECONDS else 1
                fuzz(operation, token, mode, examples)
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["examples_per_operation_and_mode"] = EXAMPLES
    print("schemathesis:", json.dumps(figures))
    out = REPO / "var" / "security"
    out.mkdir(parents=True, exist_ok=True)
    (out / "fuzz.json").write_text(json.dumps({**figures, "failures": failures}, indent=2, ensure_ascii=False))
    # Every documented operation but the document itself (schemathesis leaves out the address it loaded from).
    documented = {f"{m.upper()} {p}" for p, item in schema.raw_schema["paths"].items() for m in item}
    assert {op.label for op in operations} == documented - {"GET /api/v1/openapi.json"}
    assert not failures, "\n".join(failures)
