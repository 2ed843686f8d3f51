"""Merges and splits of units (issue 11): subscriptions and waiting notes follow the units, the officers of
the survivor are told, the dry run counts what would move, and a redelivered event changes nothing."""

import json
import uuid
from datetime import date

import pytest

from contracts.envelope import load_event, make_event
from contracts.errors import PermissionDenied, UnitNotFound
from contracts.reorganisation import ReorganisationPlanSchema
from notifications.testing import officer
from notifications.usecases import events, reorganisation, webhooks

ADMIN_01 = {"officer_id": "a-01", "username": "admin.hn", "role": "ADMIN", "unit_code": "01"}
SURVIVOR, MERGED, GRASSROOTS = "00004", "00008", "00008-G0001"
PATHS = {SURVIVOR: "/VN/01/00004/", MERGED: "/VN/01/00008/", GRASSROOTS: "/VN/01/00008/00008-G0001/"}
MOVED_PATH = "/VN/01/00004/00008-G0001/"
EFFECTIVE_ON = date(2026, 7, 1)


def members_event(event_type, payload):
    return load_event(make_event(event_type, payload, "members").to_message())


def handle(uow, book, settings, envelope_and_payload):
    envelope, payload = envelope_and_payload
    also = {
        "units_merged": reorganisation.follow,
        "unit_split": reorganisation.follow,
        "unit_created": lambda _envelope, payload: events.unit_created_projection(payload),
    }.get(envelope["event_type"], lambda *_: None)(envelope, payload)
    return events.handle_event(uow(), book, settings, envelope, payload, also)


def unit_created(code, parent_code, path, name="Chi hội Tổ dân phố số 1"):
    payload = {"unit_code": code, "parent_code": parent_code, "unit_path": path, "level": "GRASSROOTS",
               "kind": "VILLAGE", "name": name, "valid_from": date(2026, 1, 1)}  # fmt: skip
    return members_event("unit_created", payload)


def merge(moved=True):
    payload = {
        "reorganisation_id": uuid.uuid5(uuid.NAMESPACE_URL, f"merge:{SURVIVOR}:{MERGED}"),
        "effective_on": EFFECTIVE_ON,
        "decision_ref": "Nghị quyết 1656/NQ-UBTVQH15",
        "survivor_code": SURVIVOR,
        "survivor_path": PATHS[SURVIVOR],
        "merged": [{"unit_code": MERGED, "unit_path": PATHS[MERGED]}],
        "moved_units": [
            {"unit_code": GRASSROOTS, "parent_code": SURVIVOR, "from_path": PATHS[GRASSROOTS], "to_path": MOVED_PATH}
        ]
        if moved
        else [],
    }
    return members_event("units_merged", payload)


def registered(unit_code, unit_path):
    payload = {"member_id": str(uuid.uuid4()), "member_version": 1, "unit_code": unit_code, "unit_path": unit_path,
               "join_date": date(2026, 8, 1)}  # fmt: skip
    return members_event("member_registered", payload)


def subscribe(uow, hook, unit_code, event_types=("member_registered",)):
    command = {"client_name": "LGSP Hà Nội", "unit_code": unit_code, "event_types": list(event_types),
               "url": hook.url + "/hooks"}  # fmt: skip
    return webhooks.create_webhook(uow(), ADMIN_01, command)


@pytest.fixture
def grassroots(uow, book, settings):
    handle(uow, book, settings, unit_created(GRASSROOTS, MERGED, PATHS[GRASSROOTS]))
    return GRASSROOTS


def test_a_subscription_of_a_merged_commune_follows_the_survivor_and_receives_its_later_events(
    uow, book, settings, hook, deliver_all, rows
):
    sub = subscribe(uow, hook, MERGED)
    handle(uow, book, settings, merge(moved=False))
    assert webhooks.get_webhook(uow(), ADMIN_01, sub["id"])["unit_code"] == SURVIVOR
    later = registered(SURVIVOR, PATHS[SURVIVOR])
    handle(uow, book, settings, later)
    deliver_all()
    [(_, _, body, _)] = hook.accepted()
    assert json.loads(body)["event_id"] == str(later[0]["event_id"])
    [moved] = reorganisation.list_reroutes(uow(), ADMIN_01)["items"]
    assert (moved["item_kind"], moved["item_id"], moved["from_unit_code"], moved["to_unit_code"]) == (
        "SUBSCRIPTION", sub["id"], MERGED, SURVIVOR)  # fmt: skip
    assert rows("org_units", code=MERGED)[0]["valid_to"] == date(2026, 6, 30)


def test_a_subscription_of_a_unit_below_a_merged_commune_keeps_its_unit_with_the_new_path(
    uow, book, settings, hook, deliver_all, rows, grassroots
):
    sub = subscribe(uow, hook, grassroots)
    handle(uow, book, settings, merge())
    [row] = rows("webhook_subscriptions", id=uuid.UUID(sub["id"]))
    assert (row["unit_code"], row["unit_path"]) == (grassroots, MOVED_PATH)
    handle(uow, book, settings, registered(grassroots, MOVED_PATH))
    deliver_all()
    assert len(hook.accepted()) == 1
    assert [(r["code"], r["path"]) for r in rows("org_unit_paths")] == [(grassroots, PATHS[grassroots])]


def test_a_redelivered_merge_changes_nothing(uow, book, settings, hook, rows, grassroots):
    subscribe(uow, hook, MERGED)
    subscribe(uow, hook, grassroots)
    event = merge()
    handle(uow, book, settings, event)
    tables = ("webhook_subscriptions", "reroutes", "org_units", "org_unit_paths")
    before = [rows(table) for table in (*tables, "deliveries")]
    assert handle(uow, book, settings, event) == 0
    assert [rows(table) for table in (*tables, "deliveries")] == before and len(before[1]) == 2
    handle(uow, book, settings, merge())  # the same reorganisation in another event: everything moved already
    assert [rows(table) for table in tables] == before[:-1]


def test_a_note_waiting_for_the_officers_of_a_merged_commune_goes_to_the_survivors_officers(
    uow, book, settings, directory, deliver_all, rows
):
    directory.officers[SURVIVOR] = [officer("o-ba-dinh", SURVIVOR, "COMMUNE", 0)]
    handle(uow, book, settings, registered(MERGED, PATHS[MERGED]))
    handle(uow, book, settings, merge(moved=False))
    [note] = rows("deliveries", rule="member_registered_officers", recipient_kind="UNIT_OFFICERS")
    assert note["recipient_id"] == SURVIVOR
    deliver_all()
    subjects = sorted(m["subject"] for m in rows("inbox_messages", officer_id="o-ba-dinh"))
    assert subjects == ["Hội viên mới tại Phường Ngọc Hà", "Sáp nhập đơn vị vào Phường Ba Đình"]
    [told] = rows("inbox_messages", rule="units_merged_officers")
    assert told["body"].startswith("Đơn vị Phường Ngọc Hà (00008) đã được sáp nhập vào Phường Ba Đình (00004)")


def test_the_merge_itself_reaches_subscribers_of_the_merged_commune_and_of_the_province(
    uow, book, settings, hook, deliver_all
):
    subscribe(uow, hook, MERGED, ("units_merged",))
    subscribe(uow, hook, "01", ("units_merged",))
    subscribe(uow, hook, "00070", ("units_merged",))  # another commune: not touched
    handle(uow, book, settings, merge(moved=False))
    deliver_all()
    assert [b"units_merged" in r[2] for r in hook.accepted()] == [True, True]


def test_a_split_hands_the_subscriptions_of_the_closed_source_to_the_successor(uow, book, settings, hook, rows):
    source, path = "00070-G0901", "/VN/01/00070/00070-G0901/"
    handle(uow, book, settings, unit_created(source, "00070", path))
    sub = subscribe(uow, hook, source)
    targets = [{"unit_code": f"00070-G090{n}", "unit_path": f"/VN/01/00070/00070-G090{n}/", "parent_code": "00070",
                "level": "GRASSROOTS", "kind": "VILLAGE", "name": f"Chi hội số {n}", "valid_from": EFFECTIVE_ON}
               for n in (2, 3)]  # fmt: skip
    payload = {"reorganisation_id": uuid.uuid4(), "effective_on": EFFECTIVE_ON, "source_code": source,
               "source_path": path, "source_closed": True, "successor_code": targets[0]["unit_code"],
               "successor_path": targets[0]["unit_path"], "targets": targets}  # fmt: skip
    handle(uow, book, settings, members_event("unit_split", payload))
    [row] = rows("webhook_subscriptions", id=uuid.UUID(sub["id"]))
    assert (row["unit_code"], row["unit_path"]) == ("00070-G0902", "/VN/01/00070/00070-G0902/")
    assert [r["rule"] for r in rows("deliveries")] == ["unit_split_officers"]


def loaded(plan):
    """The plan as the service's entrypoint passes it on (``ReorganisationPlanSchema``, defaults filled)."""
    return ReorganisationPlanSchema().load(plan)


def merge_plan(merged=(MERGED,), survivor=SURVIVOR):
    operation = {"kind": "MERGE", "survivor_code": survivor, "merged_codes": list(merged)}
    return loaded({"effective_on": EFFECTIVE_ON.isoformat(), "operations": [operation]})


def test_the_dry_run_counts_what_would_be_rerouted_and_writes_nothing(uow, book, settings, hook, rows, grassroots):
    subscribe(uow, hook, MERGED)
    subscribe(uow, hook, MERGED, ("member_left",))
    subscribe(uow, hook, grassroots)
    handle(uow, book, settings, registered(MERGED, PATHS[MERGED]))  # a note waiting for the commune's officers
    preview = reorganisation.preview_reorganisation(uow(), ADMIN_01, merge_plan())
    counts = {(i["what"], i["from_unit_code"], i["to_unit_code"]): i["count"] for i in preview["items"]}
    assert preview["service"] == "notifications"
    assert counts == {("subscriptions", MERGED, SURVIVOR): 2, ("pending_notifications", MERGED, SURVIVOR): 1,
                      ("subscriptions_below", MERGED, SURVIVOR): 1}  # fmt: skip
    assert rows("reroutes") == [] and rows("org_units", code=MERGED)[0]["valid_to"] is None


def test_only_an_administrator_of_the_units_may_preview(uow):
    with pytest.raises(PermissionDenied):
        reorganisation.preview_reorganisation(uow(), {**ADMIN_01, "role": "OFFICER"}, merge_plan())
    with pytest.raises(UnitNotFound):
        reorganisation.preview_reorganisation(uow(), {**ADMIN_01, "unit_code": "79"}, merge_plan())


def test_the_dry_run_of_a_split_names_the_successor_and_the_targets_of_the_units_below(uow, book, settings, hook):
    handle(uow, book, settings, unit_created(GRASSROOTS, MERGED, PATHS[GRASSROOTS]))
    subscribe(uow, hook, MERGED)
    subscribe(uow, hook, GRASSROOTS)
    targets = [{"key": "north", "name": "Phường Bắc", "code": "99001"}, {"key": "south", "name": "Phường Nam"}]
    operation = {"kind": "SPLIT", "source_code": MERGED, "targets": targets, "default_target": "south",
                 "assignments": {GRASSROOTS: "north"}, "successor": "south"}  # fmt: skip
    plan = loaded({"operations": [operation]})
    items = reorganisation.preview_reorganisation(uow(), ADMIN_01, plan)["items"]
    assert {(i["what"], i["from_unit_code"], i["to_unit_code"], i["count"]) for i in items} == {
        ("subscriptions", MERGED, "south", 1),
        ("pending_notifications", MERGED, "south", 0),
        ("subscriptions_below", MERGED, "99001", 1),
    }
