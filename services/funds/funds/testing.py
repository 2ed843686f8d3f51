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
