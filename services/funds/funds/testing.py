"""Helpers for tests that talk to the funds service (its own tests, the gateway's, end-to-end tests).

Only tests import this module.
"""

import uuid

from contracts.funds import RecordDonationSchema


def make_actor(role="OFFICER", unit_code="00070", officer_id=None):
    """Who calls, as the gateway passes it: a new officer id unless one is given."""
    officer_id = officer_id or str(uuid.uuid4())
    return {"officer_id": officer_id, "username": f"t.{role.lower()}.{officer_id[:8]}", "role": role,
            "unit_code": unit_code}


def donation_body(amount_vnd=1_000_000, purpose=None, **overrides):
    """A valid donation body (a named person, in cash)."""
    body = {"donor_kind": "PERSON", "donor_name": "Nguyễn Thị Mai", "amount_vnd": amount_vnd, "channel": "CASH"}
    if purpose:
        body["purpose"] = purpose
    body.update(overrides)
    return body


def donation_command(amount_vnd=1_000_000, purpose=None, **overrides):
    """A donation command as the service passes it to the use case (loaded with the contracts schema)."""
    return RecordDonationSchema().load(donation_body(amount_vnd, purpose, **overrides))


def scholarship_body(amount_vnd=500_000, purpose=None, **overrides):
    body = {"kind": "HOC_BONG", "beneficiary_name": "Trần Minh Khoa", "amount_vnd": amount_vnd,
            "decision_reference": "15/QĐ-KH", **overrides}
    if purpose:
        body["purpose"] = purpose
    return body


def units_merged_event(survivor, merged, effective_on, moved_units=(), reorganisation_id=None):
    """A ``units_merged`` event as the members service emits it (``contracts.envelope.Event``).
    ``survivor`` and each of ``merged`` are ``(code, path)``; ``moved_units`` are ``(code, parent, from, to)``."""
    from contracts.envelope import make_event

    payload = {
        "reorganisation_id": reorganisation_id or uuid.uuid4(),
        "effective_on": effective_on,
        "decision_ref": "Nghị quyết 1656/NQ-UBTVQH15",
        "survivor_code": survivor[0],
        "survivor_path": survivor[1],
        "merged": [{"unit_code": code, "unit_path": path} for code, path in merged],
        "moved_units": [
            {"unit_code": code, "parent_code": parent, "from_path": before, "to_path": after}
            for code, parent, before, after in moved_units
        ],
    }
    return make_event("units_merged", payload, "members")


def race_transfers(url, fund_ids, actor, shared_ids, seed, count):
    """The body of one process of the concurrency test: ``count`` transfers between random funds with
    random amounts (many would overdraw), each also tried under ``shared_ids`` that every process sends
    with the same request. Plain SQLAlchemy with psycopg2 or sqlite, no eventlet: a process of its own.
    Returns ``[(transfer_id, outcome, answer)]`` with outcome "ok" or the error's code.

    Run as ``python -m funds.testing race '<json of the arguments>'``: it prints the result as JSON."""
    import random

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from contracts.errors import PlatformError
    from contracts.funds import FundTransferSchema
    from funds.models import metadata
    from funds.usecases import transfers
    from servicekit.uow import Work

    engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _autobegin_off(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    factory = sessionmaker(engine, expire_on_commit=False)
    rng, results = random.Random(seed), []  # noqa: S311 (a test's plan, not a secret)
    plan = [(str(uuid.uuid4()), rng.sample(fund_ids, 2), rng.randint(1, 400_000)) for _ in range(count)]
    plan += [(tid, pair, amount) for tid, pair, amount in shared_ids]
    rng.shuffle(plan)
    for tid, (source, target), amount in plan:
        command = FundTransferSchema().load({"from_fund_id": source, "to_fund_id": target, "amount_vnd": amount})
        try:
            results.append((tid, "ok", transfers.transfer_between_funds(Work(factory, metadata, "funds"), actor,
                                                                        command, tid)))
        except PlatformError as error:
            results.append((tid, error.code, None))
    engine.dispose()
    return results


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:2] == ["race"]:
        print(json.dumps(race_transfers(**json.loads(sys.argv[2]))))
