"""Reorganisations through the real gateway and the real members, funds, evaluations and notifications
services on RabbitMQ: a dry run that shows what would move (the services' previews included) and writes
nothing, then the merge applied once, applied again without effect, and listed; a mapping file; only an
ADMIN; bad plans and bad rows are 422."""

import uuid

import pytest

from gateway.testing import documented
from members.testing import member_payload
from notifications.testing import HttpReceiver, SmtpServer, start_notifications
from servicekit.testing import service_config, start_container

pytestmark = pytest.mark.rabbit
SERVICES = {"funds", "evaluations", "notifications"}


@pytest.fixture(scope="module")
def followers(request, amqp_uri, members_service, databases):
    """Funds, evaluations and notifications: the services whose previews a dry run adds."""
    from evaluations.service import EvaluationsService
    from funds.service import FundsService

    backend = "sqlite" if members_service.db_url.startswith("sqlite") else "postgres"
    started = []
    for service_cls, name in ((FundsService, "funds"), (EvaluationsService, "evaluations")):
        database = databases.fresh(request, name, backend)
        config, _ = service_config(amqp_uri, DATABASE_URL=next(database), OUTBOX_RELAY_INTERVAL_SECONDS=0.2)
        started.append((start_container(service_cls, config), database))
    smtp, sms = SmtpServer(), HttpReceiver()
    notifications_database = databases.fresh(request, "notifications", backend)
    notifications = start_notifications(amqp_uri, next(notifications_database), smtp, sms)
    yield
    notifications.container.stop()
    smtp.stop()
    sms.stop()
    next(notifications_database, None)
    for container, database in started:
        container.stop()
        next(database, None)


@pytest.fixture
def admin(api, followers):
    return api.as_officer("ADMIN", "00070")


def units_with_a_member(admin, count):
    codes = [admin.new_unit("00070", f"Chi hội Tổ dân phố {uuid.uuid4().hex[:4]}") for _ in range(count)]
    for code in codes:
        assert admin.post("/members", json=member_payload(unit_code=code)).status_code == 201
    return codes


def merge(survivor, *merged):
    return {"kind": "MERGE", "survivor_code": survivor, "merged_codes": list(merged)}


def reorganise(client, body, **params):
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    return documented(client.post("/reorganisations", json=body, params=params, headers=headers), "reorganise_units")


def test_a_dry_run_shows_what_would_move_in_every_service_and_changes_nothing(admin):
    survivor, first, second = units_with_a_member(admin, 3)
    preview = reorganise(admin, {"operations": [merge(survivor, first, second)]}, dry_run="true")
    in_body = reorganise(admin, {"operations": [merge(survivor, first)], "dry_run": True})
    [operation] = preview.json()["operations"]
    assert (preview.status_code, preview.json()["dry_run"], in_body.json()["dry_run"]) == (200, True, True)
    assert (sorted(operation["closed_units"]), operation["moved_members"]) == (sorted([first, second]), 2)
    assert {service["service"] for service in preview.json()["services"]} == SERVICES
    assert admin.get(f"/units/{first}").json()["valid_to"] is None


def test_a_merge_is_applied_once_and_listed(admin):
    survivor, merged = units_with_a_member(admin, 2)
    body = {"decision_ref": "Nghị quyết 01/NQ-KH", "operations": [merge(survivor, merged)]}
    applied, again = reorganise(admin, body), reorganise(admin, body)
    listed = documented(admin.get("/reorganisations"), "list_reorganisations").json()["items"]
    members = admin.get("/members", params={"unit_code": survivor}).json()
    assert (applied.status_code, applied.json()["dry_run"], applied.json()["operations"][0]["already_applied"]) == (
        200,
        False,
        False,
    )
    assert (again.status_code, again.json()["operations"][0]["already_applied"]) == (200, True)
    assert admin.get(f"/units/{merged}").json()["valid_to"] is not None
    assert [(r["survivor_code"], r["decision_ref"]) for r in listed if r["survivor_code"] == survivor] == [
        (survivor, "Nghị quyết 01/NQ-KH")
    ]
    assert members["total"] == 2


def test_a_mapping_file_is_one_merge_per_survivor(admin):
    survivor, first, second = units_with_a_member(admin, 3)
    csv = f"from_code,to_code\n{first},{survivor}\n{second},{survivor}\n{survivor},{survivor}\n"
    response = admin.post("/reorganisations/mapping", data=csv.encode(), params={"dry_run": "true"},
                          headers={"Content-Type": "text/csv"})  # fmt: skip
    [operation] = documented(response, "reorganise_from_mapping").json()["operations"]
    assert (operation["survivor_code"], sorted(operation["closed_units"])) == (survivor, sorted([first, second]))


def test_a_mapping_with_bad_rows_is_422_naming_the_rows(admin):
    files = {"file": ("sap-nhap.csv", b"from_code,to_code\n00071,\n00072,00070\n00072,00073\n", "text/csv")}
    response = documented(admin.post("/reorganisations/mapping", files=files), "reorganise_from_mapping")
    json_body = admin.post("/reorganisations/mapping", json={"from_code": "x"})
    assert (response.status_code, sorted(response.json()["fields"])) == (422, ["rows.2.to_code", "rows.4.to_code"])
    assert (json_body.status_code, json_body.json()["code"]) == (415, "unsupported_media_type")


def test_only_an_admin_reorganises_and_a_bad_plan_is_422(api, admin):
    officer = api.as_officer("OFFICER", "00070")
    survivor, merged = units_with_a_member(admin, 2)
    forbidden = reorganise(officer, {"operations": [merge(survivor, merged)]}, dry_run="true")
    listing = documented(officer.get("/reorganisations"), "list_reorganisations")
    no_survivor = reorganise(admin, {"operations": [{"kind": "MERGE", "merged_codes": [merged]}]})
    outside = reorganise(admin, {"operations": [merge("00073", "00076")]}, dry_run="true")
    assert (forbidden.status_code, listing.status_code) == (403, 403)
    assert (no_survivor.status_code, list(no_survivor.json()["fields"])) == (422, ["operations.0.survivor_code"])
    assert (outside.status_code, outside.json()["code"]) == (404, "unit_not_found")
