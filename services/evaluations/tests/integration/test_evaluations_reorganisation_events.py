"""The evaluations service as a real nameko container on a real broker: a ``units_merged`` delivered twice
is followed once, and the RPC entrypoints of the report and the dry run load their arguments (ISO dates, a
plan) and answer 422 for a reversed period."""

import uuid
from datetime import date

import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from contracts.envelope import make_event
from contracts.errors import ValidationFailed
from evaluations import models
from evaluations import policy as policy_module
from evaluations.service import EvaluationsService
from evaluations.usecases import campaigns, projection, registrations
from servicekit import orgunits
from servicekit.testing import publish_raw, service_config, start_container, wait_for
from servicekit.uow import Work

pytestmark = pytest.mark.rabbit
ADMIN = {"officer_id": "t-admin", "username": "t.admin", "role": "ADMIN", "unit_code": "01"}
# three communes of Hà Nội no other test of this service uses
SURVIVOR, *MERGED = [u.code for u in orgunits.official_communes() if u.parent_code == "01"][-3:]


def path(code):
    return f"/VN/01/{code}/"


@pytest.fixture(scope="module")
def service(amqp_uri, evaluations_module_db_url):
    config, _ = service_config(amqp_uri, DATABASE_URL=evaluations_module_db_url, OUTBOX_RELAY_INTERVAL_SECONDS=0.2,
                               EVENT_RETRY_BACKOFF_SECONDS=0.01)
    container = start_container(EvaluationsService, config)
    yield container
    container.stop()


@pytest.fixture(scope="module")
def uow(evaluations_module_db_url):
    from servicekit import db

    engine = db.make_engine(evaluations_module_db_url, pool_size=2)
    factory = sessionmaker(engine, expire_on_commit=False)
    yield lambda: Work(factory, models.metadata, "evaluations")
    engine.dispose()


@pytest.fixture(scope="module")
def registered(service, uow):
    """Each commune: a campaign of 2026, a member and the member's Công dân học tập registration."""
    policy = policy_module.build()
    for code in (SURVIVOR, *MERGED):
        campaigns.open_campaign(uow(), policy, ADMIN, code, {"year": 2026, "criteria_sets": {}})
        member_id = uuid.uuid4()
        envelope = {"event_id": uuid.uuid4(), "event_type": "member_registered"}
        projection.record_member_event(uow(), "evaluations", envelope, {"member_id": member_id, "member_version": 1,
                                                                        "unit_code": code, "unit_path": path(code)})
        command = {"title_type": "CONG_DAN_HOC_TAP", "year": 2026, "form_code": "RESIDENT",
                   "subject": {"kind": "PERSON", "member_id": str(member_id)}}
        registrations.register_evaluation(uow(), policy, ADMIN, command, on=date(2026, 6, 1))


def merged_event(survivor, merged, reorganisation_id):
    payload = {"reorganisation_id": reorganisation_id, "effective_on": date(2026, 7, 1), "survivor_code": survivor,
               "survivor_path": path(survivor), "merged": [{"unit_code": c, "unit_path": path(c)} for c in merged]}
    return make_event("units_merged", payload, "members")


def count(uow, query):
    work = uow()
    with work:
        return work.session.execute(query).scalar_one()


def test_a_merge_delivered_twice_over_the_broker_is_followed_once(amqp_uri, uow, registered):
    event = merged_event(SURVIVOR, MERGED, uuid.uuid4())
    for _ in range(2):
        publish_raw(amqp_uri, "members.events", "units_merged", event.to_message())
    probe = merged_event("00004", ["XXXXX"], uuid.uuid4())  # a no-op; handled after the two in the queue
    publish_raw(amqp_uri, "members.events", "units_merged", probe.to_message())
    inbox = models.metadata.tables["inbox"]
    wait_for(lambda: count(uow, select(func.count()).select_from(inbox).where(inbox.c.event_id == probe.event_id)),
             message="the probe event")
    at_survivor = select(func.count()).select_from(models.Evaluation).where(models.Evaluation.unit_code == SURVIVOR)
    history = select(func.count()).select_from(models.RecordUnitHistory)
    wait_for(lambda: (count(uow, at_survivor), count(uow, history)) == (3, 4), message="the merge followed")
    assert (count(uow, at_survivor), count(uow, history)) == (3, 4)  # 2 evaluations + 2 members kept


def test_the_report_entrypoint_takes_iso_dates_and_refuses_a_reversed_period(service, registered):
    with entrypoint_hook(service, "review_report_part") as review_report_part:
        part = review_report_part(ADMIN, "01", "2026-01-01", "2026-06-30")
        with pytest.raises(ValidationFailed):
            review_report_part(ADMIN, "01", "2026-07-01", "2026-06-30")
    rows = {row["unit_code"]: row["titles"][0] for row in part["by_unit"]}
    assert [rows[code]["registered"] for code in (SURVIVOR, *MERGED)] == [1, 1, 1]


def test_the_dry_run_entrypoint_loads_the_plan(service, registered):
    plan = {"effective_on": "2026-07-01", "operations": [{"kind": "MERGE", "survivor_code": "00004",
                                                         "merged_codes": ["00008"]}]}
    with entrypoint_hook(service, "preview_reorganisation") as preview:
        assert preview(ADMIN, plan)["service"] == "evaluations"
        with pytest.raises(ValidationFailed):
            preview(ADMIN, {"operations": [{"kind": "MERGE"}]})
