"""Fixtures of the evaluations use-case tests: real databases (the root ``evaluations_db_url``, SQLite and
PostgreSQL), one ``servicekit.uow.Work`` per call, no nameko.

- ``uow()``: a fresh unit of work; ``policy``: the shipped criteria sets and default configuration.
- ``actor(role, unit_code)``: who calls, as the gateway passes it.
- ``member(unit_code, status)``: a member the projection holds (as a member_registered event would leave).
- ``unit(kind, parent)``: a grassroots unit in the projection of the tree (as unit_created would leave).
- ``campaign(code, year, **deadlines)``: a campaign opened through the use case.
- ``events(type)``: outbox rows as decoded bodies, oldest first.
- ``evaluate(command, last, on)``: a registration taken through the use cases as far as ``last``.
"""

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from evaluations import models
from evaluations import policy as policy_module
from evaluations.usecases import campaigns, lifecycle, projection, registrations
from servicekit import db, orgunits
from servicekit.uow import Work

YEAR = 2026
DAY = date(2026, 6, 1)  # inside the 2026 campaign: dossiers until 14 January 2027


@pytest.fixture
def engine(evaluations_db_url):
    engine = db.make_engine(evaluations_db_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    factory = sessionmaker(engine, expire_on_commit=False)
    return lambda: Work(factory, models.metadata, "evaluations")


@pytest.fixture(scope="session")
def policy():
    return policy_module.build()


def make_actor(role="OFFICER", unit_code="00070"):
    officer_id = str(uuid.uuid4())
    return {"officer_id": officer_id, "username": f"t.{officer_id[:8]}", "role": role, "unit_code": unit_code}


@pytest.fixture
def actor():
    return make_actor


@pytest.fixture
def officer():
    return make_actor("OFFICER", "00070")


def member_event(event_type, member_id, version, unit_code="00070", unit_path="/VN/01/00070/"):
    envelope = {"event_id": uuid.uuid4(), "event_type": event_type}
    return envelope, {"member_id": member_id, "member_version": version, "unit_code": unit_code,
                      "unit_path": unit_path}


@pytest.fixture
def member(uow):
    def member(unit_code="00070", unit_path=None, version=1):
        member_id = uuid.uuid4()
        path = unit_path or ("/VN/01/00070/" if unit_code == "00070" else f"/VN/01/00070/{unit_code}/")
        projection.record_member_event(uow(), "evaluations", *member_event("member_registered", member_id, version,
                                                                           unit_code, path))
        return member_id

    return member


@pytest.fixture
def unit(uow):
    counter = iter(range(100, 10_000))

    def unit(kind="VILLAGE", parent="00070", parent_path="/VN/01/00070/"):
        code = f"{parent}-G{next(counter):04d}"
        work = uow()
        with work:
            orgunits.record_unit_created(work.session, models.ORG_UNITS, {
                "unit_code": code, "parent_code": parent, "unit_path": f"{parent_path}{code}/", "level": "GRASSROOTS",
                "kind": kind, "name": f"Đơn vị {kind.lower()} {code}", "valid_from": date(2026, 1, 5)})
            work.commit()
        return code

    return unit


@pytest.fixture
def campaign(uow, policy):
    def campaign(code="00070", year=YEAR, by=None, **deadlines):
        command = {"year": year, "criteria_sets": {}, "deadlines": deadlines or None}
        return campaigns.open_campaign(uow(), policy, by or make_actor("ADMIN", code), code, command)

    return campaign


@pytest.fixture
def events(engine):
    def events(event_type=None):
        query = select(models.OUTBOX).order_by(models.OUTBOX.c.id)
        if event_type:
            query = query.where(models.OUTBOX.c.event_type == event_type)
        with engine.connect() as connection:
            return [json.loads(row.body) for row in connection.execute(query)]

    return events


HANOI_ADMIN = {"officer_id": "t-hanoi", "username": "t.hanoi", "role": "ADMIN", "unit_code": "01"}
STEPS = ("REGISTERED", "SELF_ASSESSED", "REVIEWED", "DECIDED")


@pytest.fixture
def evaluate(uow, policy):
    """Register ``command`` (by an ADMIN of Hà Nội, who may do every step) and take it as far as ``last``:
    REGISTERED, SELF_ASSESSED, REVIEWED, RECOGNISED or NOT_RECOGNISED (answers failing the pass rule)."""

    def evaluate(command, last="RECOGNISED", on=DAY):
        evaluation = registrations.register_evaluation(uow(), policy, HANOI_ADMIN, command, on=on)
        criteria_set = policy.criteria[evaluation["criteria_set_id"]]
        passing = last != "NOT_RECOGNISED"
        steps = STEPS.index(last if last in STEPS else "DECIDED")
        if steps >= 1:
            answers = {i.code: _points(criteria_set, i, passing) for i in criteria_set.scored}
            lifecycle.submit_self_assessment(uow(), policy, HANOI_ADMIN, evaluation["id"], {"answers": answers}, on=on)
        if steps >= 2:
            lifecycle.review_evaluation(uow(), policy, HANOI_ADMIN, evaluation["id"], {"adjustments": []}, on=on)
        if steps >= 3:
            decision = {"outcome": "RECOGNISED" if passing else "NOT_RECOGNISED", "decision_reference": "1/QĐ-KH",
                        "degree": criteria_set.levels[0] if criteria_set.levels else None}
            lifecycle.decide_evaluation(uow(), policy, HANOI_ADMIN, evaluation["id"], decision, on=on)
        return evaluation["id"]

    return evaluate


def _points(criteria_set, indicator, passing):
    if criteria_set.scoring == "pass_fail":
        return 1 if passing else 0
    maximum = criteria_set.maximum(indicator)
    return maximum - 1 if passing else maximum // 2
