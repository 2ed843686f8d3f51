"""The evaluations service as a real nameko container on a real broker: member events published
duplicated and out of order build the projection that the 90% rule counts; its own events go out through
the outbox; a bad criteria file stops it at start."""

import uuid
from datetime import date

import pytest
from kombu import Connection
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from contracts.envelope import make_event
from contracts.evaluations import RecognitionRejected
from contracts.topology import Subscription
from evaluations import models
from evaluations import policy as policy_module
from evaluations.criteria_sets import CriteriaFileInvalid
from evaluations.service import EvaluationsService
from evaluations.usecases import campaigns, lifecycle, registrations
from servicekit import db, topology
from servicekit.testing import publish_raw, queue_messages, service_config, start_container, wait_for
from servicekit.uow import Work

pytestmark = pytest.mark.rabbit
YEAR, DAY = 2026, date(2026, 6, 1)
PASSING = dict.fromkeys(("NL1.1", "NL1.2", "NL1.3", "NL1.4", "NL2.1", "NL2.2", "NL2.3", "NL2.4", "NL3.1", "NL3.2"), 9)
OFFICER = {"officer_id": "t-officer", "username": "t.officer", "role": "OFFICER", "unit_code": "00070"}


@pytest.fixture(scope="module")
def probe(amqp_uri):
    """A queue bound to evaluation_completed before the service publishes anything."""
    subscription = Subscription(f"evprobe{uuid.uuid4().hex[:6]}", "evaluations", "evaluation_completed")
    with Connection(amqp_uri) as connection:
        topology.declare_all(connection, sources=["evaluations"], subscriptions=[subscription])
    return subscription


@pytest.fixture(scope="module")
def service(amqp_uri, evaluations_module_db_url, probe):
    config, _ = service_config(amqp_uri, DATABASE_URL=evaluations_module_db_url, OUTBOX_RELAY_INTERVAL_SECONDS=0.2,
                               EVENT_RETRY_BACKOFF_SECONDS=0.01)
    container = start_container(EvaluationsService, config)
    yield container
    container.stop()


@pytest.fixture(scope="module")
def engine(evaluations_module_db_url):
    engine = db.make_engine(evaluations_module_db_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    factory = sessionmaker(engine, expire_on_commit=False)
    return lambda: Work(factory, models.metadata, "evaluations")


def publish(amqp_uri, event_type, payload, event=None):
    event = event or make_event(event_type, payload, "members")
    publish_raw(amqp_uri, "members.events", event_type, event.to_message())
    return event


def projection_rows(engine, member_ids):
    with engine.connect() as connection:
        rows = connection.execute(select(models.MemberUnit).where(models.MemberUnit.member_id.in_(member_ids))).all()
    return {row.member_id: (row.status, row.member_version) for row in rows}


def school_with_staff(amqp_uri, engine, count):
    """A SCHOOL unit announced by unit_created and ``count`` members in it, each event sent twice, the
    first member's leaving and rejoining sent before its registration."""
    code = f"00070-G{uuid.uuid4().int % 9000 + 1000}"
    path = f"/VN/01/00070/{code}/"
    publish(amqp_uri, "unit_created", {"unit_code": code, "parent_code": "00070", "unit_path": path,
                                       "level": "GRASSROOTS", "kind": "SCHOOL", "name": "Trường Tiểu học Tràng Thi",
                                       "valid_from": date(2026, 1, 5)})
    members = [uuid.uuid4() for _ in range(count)]
    base = {"unit_code": code, "unit_path": path}
    late = members[0]
    publish(amqp_uri, "member_rejoined", {**base, "member_id": late, "member_version": 3, "join_date": DAY})
    publish(amqp_uri, "member_left", {**base, "member_id": late, "member_version": 2, "left_on": DAY})
    for member_id in members:
        event = publish(amqp_uri, "member_registered", {**base, "member_id": member_id, "member_version": 1,
                                                        "join_date": DAY})
        publish(amqp_uri, "member_registered", {}, event)  # the same event delivered twice
    expected = {m: ("ACTIVE", 3 if m == late else 1) for m in members}
    wait_for(lambda: projection_rows(engine, members) == expected, message="projection of the staff")
    return code, members


def take_to_decision(uow, policy, command, answers, outcome="RECOGNISED", **decision):
    evaluation = registrations.register_evaluation(uow(), policy, OFFICER, command, on=DAY)
    lifecycle.submit_self_assessment(uow(), policy, OFFICER, evaluation["id"], {"answers": answers}, on=DAY)
    lifecycle.review_evaluation(uow(), policy, OFFICER, evaluation["id"], {"adjustments": []}, on=DAY)
    payload = {"outcome": outcome, "decision_reference": "9/QĐ-KH", **decision}
    return lambda: lifecycle.decide_evaluation(uow(), policy, OFFICER, evaluation["id"], payload, on=DAY)


def citizen(member_id):
    return {"title_type": "CONG_DAN_HOC_TAP", "year": YEAR, "form_code": "STAFF_ENTREPRENEUR",
            "subject": {"kind": "PERSON", "member_id": member_id}}


@pytest.fixture(scope="module")
def policy():
    return policy_module.build()


@pytest.fixture(scope="module")
def opened(service, engine, policy):
    factory = sessionmaker(engine, expire_on_commit=False)
    admin = {**OFFICER, "role": "ADMIN"}
    return campaigns.open_campaign(Work(factory, models.metadata, "evaluations"), policy, admin, "00070",
                                   {"year": YEAR, "criteria_sets": {}})


def test_the_90_percent_rule_counts_the_projection_built_from_duplicated_and_reordered_events(
        amqp_uri, engine, uow, policy, opened):
    code, members = school_with_staff(amqp_uri, engine, 10)
    unit_answers = {i.code: 1 for i in policy.criteria["DVHT-TT24-2023-HUYEN"].scored}
    for member_id in members[:8]:
        take_to_decision(uow, policy, citizen(member_id), PASSING)()
    decide_unit = take_to_decision(uow, policy, {"title_type": "DON_VI_HOC_TAP", "year": YEAR,
                                                 "subject": {"kind": "ORGANISATION", "unit_code": code}},
                                   unit_answers, degree="L1")
    with pytest.raises(RecognitionRejected) as error:
        decide_unit()
    assert (error.value.details["members"], error.value.details["recognised"]) == (10, 8)
    take_to_decision(uow, policy, citizen(members[8]), PASSING)()
    assert decide_unit()["outcome"] == "RECOGNISED"


def test_a_member_who_left_last_leaves_the_unit_even_if_the_registration_arrives_after(amqp_uri, engine):
    member_id = uuid.uuid4()
    base = {"member_id": member_id, "unit_code": "00070", "unit_path": "/VN/01/00070/"}
    publish(amqp_uri, "member_left", {**base, "member_version": 2, "left_on": DAY})
    publish(amqp_uri, "member_registered", {**base, "member_version": 1, "join_date": DAY})
    publish(amqp_uri, "member_transferred", {**base, "member_version": 2, "from_unit_code": "00071",
                                             "from_unit_path": "/VN/01/00071/", "transferred_on": DAY})
    probe_id = uuid.uuid4()  # events of one queue are handled in order: once this one is in, the others are
    publish(amqp_uri, "member_registered", {**base, "member_id": probe_id, "member_version": 1, "join_date": DAY})
    wait_for(lambda: probe_id in projection_rows(engine, [probe_id]), message="the probe member")
    assert projection_rows(engine, [member_id]) == {member_id: ("LEFT", 2)}


def test_a_decision_goes_out_as_evaluation_completed_without_names(amqp_uri, engine, uow, policy, opened, probe):
    household = {"title_type": "GIA_DINH_HOC_TAP", "year": YEAR,
                 "subject": {"kind": "HOUSEHOLD", "name": "Hộ ông Phạm Văn Tú", "unit_code": "00070"}}
    answers = {"GD1.1": 10, "GD1.2": 10, "GD1.3": 10, "GD2.1": 10}
    decided = take_to_decision(uow, policy, household, answers)()
    messages = wait_for(lambda: [m for m in queue_messages(amqp_uri, probe.queue)
                                 if m["payload"]["evaluation_id"] == decided["id"]], message="evaluation_completed")
    payload = messages[0]["payload"]
    assert (payload["outcome"], payload["subject_kind"], payload["score"]) == ("RECOGNISED", "HOUSEHOLD", 40)
    assert "Phạm" not in str(messages[0])


def test_a_bad_criteria_file_stops_the_service_at_start_naming_the_file(amqp_uri, evaluations_module_db_url,
                                                                         tmp_path):
    (tmp_path / "CDHT-BROKEN.yml").write_text("id: CDHT-BROKEN\nversion: 1\n", encoding="utf-8")
    config, _ = service_config(amqp_uri, DATABASE_URL=evaluations_module_db_url, CRITERIA_DIR=str(tmp_path))
    with pytest.raises(CriteriaFileInvalid, match=r"CDHT-BROKEN\.yml: .*title_type"):
        start_container(EvaluationsService, config)
