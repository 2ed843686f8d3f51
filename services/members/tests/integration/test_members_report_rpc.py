"""The RPC entrypoints of activities and the report part, over RabbitMQ: what crosses is JSON, arguments are
loaded at the edge and errors arrive as themselves (contracts.reports)."""

import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from contracts.errors import PermissionDenied, ValidationFailed
from contracts.reports import ActivityNotFound, MembersReportPartSchema

ACTIVITY = {"kind": "TRAINING_CLASS", "title": "Lớp tập huấn", "started_on": "2026-02-10", "participants": 80}


def actor(role, unit_code):
    officer_id = str(uuid.uuid4())
    return {"officer_id": officer_id, "username": f"t.rpc.{officer_id[:8]}", "role": role, "unit_code": unit_code}


@pytest.fixture(scope="module")
def members_rpc(amqp_uri, members_service):
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as cluster:
        yield cluster.members


def test_an_activity_is_recorded_listed_read_and_deleted_over_rpc(members_rpc):
    officer = actor("OFFICER", "00091")
    recorded = members_rpc.record_activity(officer, "00091", {**ACTIVITY, "sessions": 2})
    page = members_rpc.list_activities(officer, "00091", {"from": "2026-02-01", "to": "2026-02-28"})
    assert [item["id"] for item in page["items"]] == [recorded["id"]]
    assert members_rpc.get_activity(officer, recorded["id"]) == recorded
    assert members_rpc.delete_activity(officer, recorded["id"]) is None
    with pytest.raises(ActivityNotFound):
        members_rpc.get_activity(officer, recorded["id"])


def test_a_malformed_activity_id_is_not_found_over_rpc(members_rpc):
    with pytest.raises(ActivityNotFound):
        members_rpc.get_activity(actor("VIEWER", "01"), "not-an-id")


def test_an_activity_with_an_unknown_field_is_refused_over_rpc(members_rpc):
    with pytest.raises(ValidationFailed) as caught:
        members_rpc.record_activity(actor("OFFICER", "00091"), "00091", {**ACTIVITY, "budget": 1})
    assert "budget" in caught.value.fields


def test_a_viewer_cannot_record_an_activity_over_rpc(members_rpc):
    with pytest.raises(PermissionDenied):
        members_rpc.record_activity(actor("VIEWER", "00091"), "00091", ACTIVITY)


def test_the_report_part_arrives_as_the_contract_describes(members_rpc):
    members_rpc.record_activity(actor("OFFICER", "00097"), "00097", ACTIVITY)
    part = members_rpc.review_report_part(actor("VIEWER", "01"), "01", "2026-01-01", "2026-03-31")
    assert MembersReportPartSchema().load(part)["unit"]["code"] == "01"
    [row] = [r for r in part["by_unit"] if r["unit"]["code"] == "00097"]
    assert {a["kind"]: a["participants"] for a in row["activities"]}["TRAINING_CLASS"] == 80


def test_a_report_part_for_a_reversed_period_is_refused_over_rpc(members_rpc):
    with pytest.raises(ValidationFailed) as caught:
        members_rpc.review_report_part(actor("VIEWER", "01"), "01", "2026-03-31", "2026-01-01")
    assert "to" in caught.value.fields
