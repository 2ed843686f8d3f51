"""Evaluations through the real gateway, the real evaluations and members services and real RabbitMQ: a
commune officer opens the year's campaign, a member's registration is self-assessed, reviewed and
recognised, the statistics show it and the member's record lists the title. Every answer is checked
against the OpenAPI document."""

import uuid

import pytest

from gateway.testing import documented
from members.testing import member_payload
from servicekit.testing import Running, service_config, start_container, wait_for

pytestmark = pytest.mark.rabbit
ANSWERS = dict.fromkeys(("NL1.1", "NL1.2", "NL1.3", "NL1.4", "NL2.1", "NL2.2", "NL2.3", "NL2.4", "NL3.1", "NL3.2"), 9)


@pytest.fixture(scope="module")
def evaluations_service(request, amqp_uri, members_service, databases):
    """The evaluations service on a fresh database of the members service's backend (one run per backend)."""
    from evaluations.service import EvaluationsService

    backend = "sqlite" if members_service.db_url.startswith("sqlite") else "postgres"
    database = databases.fresh(request, "evaluations", backend)
    config, port = service_config(amqp_uri, DATABASE_URL=next(database), OUTBOX_RELAY_INTERVAL_SECONDS=0.2)
    container = start_container(EvaluationsService, config)
    yield Running(container, port)
    container.stop()
    next(database, None)


@pytest.fixture(scope="module")
def year():
    from evaluations.usecases.common import today

    return today().year


@pytest.fixture
def commune(api, evaluations_service):
    return api.as_officer("OFFICER", "00070")


@pytest.fixture
def campaign(commune, year):
    """This year's campaign of 00070, opened once per module (a second opening is a 409)."""
    response = commune.post("/units/00070/evaluation-campaigns", json={"year": year})
    if response.status_code == 409:
        return commune.get("/units/00070/evaluation-campaigns", params={"year": year}).json()["items"][0]
    return documented(response, "open_campaign").json()


def member_in_new_unit(api, commune):
    """A member of a new grassroots unit, once the evaluations service knows both from their events."""
    unit = api.new_unit("00070", "Chi hội Tổ dân phố số 4")
    member = commune.post("/members", json=member_payload(unit_code=unit))
    assert member.status_code == 201, member.text
    return unit, member.json()["id"]


def register_when_known(commune, year, member_id):
    body = {"title_type": "CONG_DAN_HOC_TAP", "year": year, "form_code": "RESIDENT",
            "subject": {"kind": "PERSON", "member_id": member_id}}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    response = wait_for(lambda: (r := commune.post("/evaluations", json=body, headers=key)).status_code != 404 and r,
                        message="the member known to evaluations")
    return documented(response, "register_evaluation")


def test_a_citizen_goes_from_registration_to_recognition_and_the_members_record_lists_the_title(
        api, commune, campaign, year):
    unit, member_id = member_in_new_unit(api, commune)
    registered = register_when_known(commune, year, member_id)
    evaluation_id = registered.json()["id"]
    assessed = documented(commune.post(f"/evaluations/{evaluation_id}/self-assessment", json={"answers": ANSWERS}),
                          "submit_self_assessment")
    review = {"adjustments": [{"indicator": "NL2.2", "points": 7, "reason": "Chưa có chứng chỉ"}]}
    reviewed = documented(commune.post(f"/evaluations/{evaluation_id}/review", json=review), "review_evaluation")
    decided = documented(commune.post(f"/evaluations/{evaluation_id}/decision",
                                      json={"outcome": "RECOGNISED", "decision_reference": "21/QĐ-KH"}),
                         "decide_evaluation")
    assert (registered.status_code, registered.json()["campaign_id"]) == (201, campaign["id"])
    assert (assessed.json()["self_score"], reviewed.json()["score"], decided.json()["status"]) == (90, 88, "RECOGNISED")
    statistics = documented(commune.get(f"/units/{unit}/evaluations/statistics", params={"year": year}),
                            "evaluation_statistics").json()
    [cdht] = [t for t in statistics["titles"] if t["title_type"] == "CONG_DAN_HOC_TAP"]
    assert (cdht["registered"], cdht["recognised"], cdht["all"], cdht["percent_of_all"]) == (1, 1, 1, 100.0)
    record = wait_for(lambda: (r := commune.get(f"/members/{member_id}").json())["titles"] and r,
                      message="the title on the member's record")
    assert record["titles"] == [{"title_type": "CONG_DAN_HOC_TAP", "year": year, "decision_reference": "21/QĐ-KH",
                                 "decided_on": decided.json()["decided_on"]}]


def test_answers_out_of_range_are_422_with_field_codes_and_a_decision_out_of_turn_is_409(
        api, commune, campaign, year):
    _, member_id = member_in_new_unit(api, commune)
    evaluation_id = register_when_known(commune, year, member_id).json()["id"]
    bad = documented(commune.post(f"/evaluations/{evaluation_id}/self-assessment",
                                  json={"answers": {**ANSWERS, "NL1.1": 12}}), "submit_self_assessment")
    early = documented(commune.post(f"/evaluations/{evaluation_id}/decision",
                                    json={"outcome": "RECOGNISED", "decision_reference": "1/QĐ"}), "decide_evaluation")
    assert (bad.status_code, bad.json()["fields"]["answers.NL1.1"][0]["code"]) == (422, "points_out_of_range")
    assert (early.status_code, early.json()["code"]) == (409, "transition_rejected")


def test_a_campaign_whose_deadlines_passed_refuses_registrations_with_409(api, commune):
    opened = commune.post("/units/00070/evaluation-campaigns", json={"year": 2020})
    assert opened.status_code in (201, 409), opened.text
    body = {"title_type": "GIA_DINH_HOC_TAP", "year": 2020,
            "subject": {"kind": "HOUSEHOLD", "name": "Hộ số 9 phố Hàng Bạc", "unit_code": "00070"}}
    response = documented(commune.post("/evaluations", json=body), "register_evaluation")
    assert (response.status_code, response.json()["code"], response.json()["deadline"]) == (
        409, "deadline_passed", "DOSSIER")


def test_viewers_read_but_cannot_open_campaigns_and_other_communes_are_out_of_scope(api, campaign, year):
    viewer = api.as_officer("VIEWER", "00070")
    refused = documented(viewer.post("/units/00070/evaluation-campaigns", json={"year": year}), "open_campaign")
    listed = documented(viewer.get("/units/00070/evaluation-campaigns", params={"year": year}), "list_campaigns")
    hidden = documented(viewer.get("/units/00071/evaluations/statistics", params={"year": year}),
                        "evaluation_statistics")
    assert refused.status_code == 403 and campaign["id"] in [c["id"] for c in listed.json()["items"]]
    assert (hidden.status_code, hidden.json()["code"]) == (404, "unit_not_found")


def test_the_criteria_sets_show_every_value_with_its_status(commune):
    listed = documented(commune.get("/evaluations/criteria-sets"), "list_criteria_sets").json()["items"]
    cdht = documented(commune.get("/evaluations/criteria-sets/CDHT-QD324-2023"), "get_criteria_set").json()
    missing = documented(commune.get("/evaluations/criteria-sets/NOPE"), "get_criteria_set")
    assert {s["title_type"] for s in listed} >= {"CONG_DAN_HOC_TAP", "DON_VI_HOC_TAP"}
    assert (cdht["pass_rule"]["min_total"], cdht["pass_rule"]["status"]) == (80, "secondary")
    assert (missing.status_code, missing.json()["code"]) == (404, "criteria_set_not_found")
