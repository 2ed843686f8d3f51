"""What an import writes for a member, on SQLite (row by row) and PostgreSQL (one set-based statement): the
same member, membership, consent records and ``member_registered`` event as a single registration of the
same body writes, also for values a PostgreSQL array literal must quote."""

import json
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import sessionmaker

from contracts.envelope import load_event
from contracts.member_events import MemberRegisteredV1
from contracts.members import RegisterMemberSchema
from members import models
from members.importing import writes
from members.importing.worker import JobRunner, claim_next
from members.importing.writes import array_literal, new_uuids
from members.testing import member_payload, new_cccd
from members.usecases import imports, members

QUOTED = 'Bà "Tư" \\ {a,b} NULL'
GENERATED = {"id", "cccd", "card_number", "created_at", "updated_at", "consent_given_at", "member_id", "given_at"}


def body(**overrides):
    """A minor with a guardian (whose name needs quoting), contact consent and every optional field."""
    payload = member_payload(gender="FEMALE", birth_year=2015, full_name="Lê Thị Hoa", email="hoa@example.vn",
                             ethnicity="Tày", religion=QUOTED, join_date="2025-03-01", **overrides)  # fmt: skip
    payload["consent"] = {"given": True, "channel": "RECORDED_VERBAL", "guardian_name": QUOTED,
                          "guardian_relation": "mẹ", "contact": True}  # fmt: skip
    return payload


def import_json(uow, actor, spool, engine, elements):
    name = f"{uuid.uuid4().hex}{uuid.uuid4().hex}.json"
    (spool / name).write_text(json.dumps(elements, ensure_ascii=False), encoding="utf-8")
    command = {"spool_name": name, "content_hash": name[:64], "format": "JSON", "size_bytes": 1}
    imports.create_import_job(uow(), actor, command, spool)
    factory = sessionmaker(engine, expire_on_commit=False)
    job_id = claim_next(factory, "writer", 30)
    assert JobRunner(factory, models.metadata, spool, "writer", 10, pause=lambda: None).run(job_id) == "COMPLETED"
    return job_id


def without_generated(records):
    return sorted(({k: v for k, v in r.items() if k not in GENERATED} for r in records), key=repr)


def test_an_imported_member_is_written_as_a_single_registration_writes_it(uow, engine, rows, events, tmp_path):
    officer = {"officer_id": str(uuid.uuid4()), "username": "t.import.writes", "role": "OFFICER", "unit_code": "00070"}
    single = members.register_member(uow(), officer, RegisterMemberSchema().load(body()))
    job_id = import_json(uow, officer, tmp_path, engine, [body(cccd=new_cccd("FEMALE", 2015))])
    [imported] = [m for m in rows("members") if str(m["id"]) != single["id"]]
    [registered] = rows("members", id=uuid.UUID(single["id"]))
    assert without_generated([imported]) == without_generated([registered])
    for table in ("memberships", "consents"):
        mine, theirs = rows(table, member_id=imported["id"]), rows(table, member_id=registered["id"])
        assert without_generated(mine) == without_generated(theirs) and len(mine) == (2 if table == "consents" else 1)
    assert {c["guardian_name"] for c in rows("consents", member_id=imported["id"])} == {QUOTED}
    [(_, by_single), (_, by_import)] = events("member_registered")
    _, payload = load_event(by_import)
    assert payload == {**load_event(by_single)[1], "member_id": imported["id"],
                       "import_job_id": str(job_id)}  # fmt: skip
    assert by_import.keys() == by_single.keys() and by_import["payload"]["member_id"] == str(imported["id"])


def test_a_batch_gets_one_new_event_and_member_id_each(uow, engine, rows, events, tmp_path, officer):
    elements = [member_payload() for _ in range(25)]
    import_json(uow, officer, tmp_path, engine, elements)
    ids = {str(m["id"]) for m in rows("members")}
    bodies = [b for _, b in events("member_registered")]
    assert len(ids) == 25 == len({b["event_id"] for b in bodies}) and {b["payload"]["member_id"] for b in bodies} == ids


@pytest.mark.parametrize("values, literal", [
    (["a", None, ""], '{"a",NULL,""}'),
    (['say "hi"', "back\\slash", "{x,y}"], '{"say \\"hi\\"","back\\\\slash","{x,y}"}'),
])  # fmt: skip
def test_array_literals_quote_every_value(values, literal):
    assert array_literal(values) == literal


def test_new_uuids_are_random_version_4_uuids():
    made = new_uuids(500)
    assert len(set(made)) == 500
    assert all(uuid.UUID(u).version == 4 and uuid.UUID(u).variant == uuid.RFC_4122 and str(uuid.UUID(u)) == u
               for u in made)  # fmt: skip


def test_event_bodies_are_what_json_dumps_makes_of_the_envelope():
    context = SimpleNamespace(job_id=uuid.uuid4())
    now = datetime(2026, 1, 2, 3, 4, 5, 6789, tzinfo=UTC)
    rows_ = [{"id": u, "unit_code": code, "unit_path": path, "join_date": date(2025, 7, 1)}
             for u, (code, path) in zip(new_uuids(3), [("00070", "/VN/01/00070/"), ("X\"ẫ", "/VN/\\ẫ/"),
                                                       ("00070", "/VN/01/00070/")], strict=True)]  # fmt: skip
    event_ids, bodies = writes._events(rows_, context, now)
    for event_id, row, body in zip(event_ids, rows_, bodies, strict=True):
        payload = {
            "member_id": row["id"],
            "member_version": 1,
            "unit_code": row["unit_code"],
            "unit_path": row["unit_path"],
            "join_date": "2025-07-01",
            "import_job_id": str(context.job_id),
        }
        envelope = {"event_id": event_id, "event_type": "member_registered", "version": 1, "source": "members",
                    "occurred_at": now.isoformat(), "payload": payload}  # fmt: skip
        assert body == json.dumps(envelope, ensure_ascii=False)
        assert MemberRegisteredV1().dump(MemberRegisteredV1().load(payload)) == payload
