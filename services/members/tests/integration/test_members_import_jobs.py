"""Import jobs through the use cases and the job runner, on SQLite and PostgreSQL, without nameko: rows
checked as single registrations are, duplicates reported, checkpoints that make a resumed job neither
lose nor repeat a row, and the same file twice being the same job."""

import csv
import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from members import models
from members.importing.worker import JobRunner, claim_next
from members.testing import new_cccd
from members.usecases import imports

COLUMNS = ["cccd", "full_name", "gender", "birth_year", "unit_code", "old_commune_code", "consent_given"]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(**overrides):
    return {"cccd": new_cccd(), "full_name": "Phạm Văn Minh", "gender": "Nam", "birth_year": 1990,
            "unit_code": "00070", "consent_given": "có", **overrides}


@pytest.fixture
def spool(tmp_path):
    return tmp_path


@pytest.fixture
def factory(engine):
    return sessionmaker(engine, expire_on_commit=False)


def new_job(uow, actor, spool, rows, name=None):
    name = name or f"{uuid.uuid4().hex}{uuid.uuid4().hex}.csv"
    path = write_csv(spool / name, rows)
    command = {"spool_name": name, "content_hash": name[:64], "format": "CSV", "size_bytes": path.stat().st_size}
    return imports.create_import_job(uow(), actor, command, spool)


def run(factory, spool, batch_size=2, **kwargs):
    owner = uuid.uuid4().hex
    job_id = claim_next(factory, owner, 30)
    runner = JobRunner(factory, models.metadata, spool, owner, batch_size, pause=lambda: None, **kwargs)
    return job_id, runner.run(job_id)


def test_valid_rows_are_registered_and_the_others_reported(uow, officer, spool, factory, count, rows, register):
    taken = register()["id"]
    existing = rows("members", id=uuid.UUID(taken))[0]["cccd"]
    new_job(uow, officer, spool, [row(), row(cccd=existing), row(gender="X"), row(unit_code="25747"), row()])
    job_id, outcome = run(factory, spool)
    assert outcome == "COMPLETED"
    view = imports.get_import_job(uow(), officer, job_id)
    assert (view["rows_total"], view["rows_done"], view["rows_accepted"], view["rows_rejected"]) == (5, 5, 2, 3)
    errors = imports.import_errors(uow(), officer, job_id)["items"]
    assert [(e["row"], e["field"], e["code"]) for e in errors] == [
        (2, "cccd", "member_already_registered"), (3, "gender", "not_allowed_value"),
        (4, "unit_code", "unit_not_found")]
    assert count("members") == 3 and count("outbox", event_type="member_registered") == 3


def test_a_repeated_cccd_in_one_batch_is_reported_as_a_duplicate_in_the_file(uow, officer, spool, factory):
    same = new_cccd()
    job = new_job(uow, officer, spool, [row(cccd=same), row(cccd=same)])
    job_id, _ = run(factory, spool, batch_size=10)
    [error] = imports.import_errors(uow(), officer, job_id)["items"]
    assert (error["row"], error["code"]) == (2, "duplicate_in_file")
    assert job["state"] == "QUEUED"


def test_an_old_commune_code_is_registered_in_its_2025_successor(uow, actor, spool, factory, rows):
    hanoi = actor("OFFICER", "01")
    new_job(uow, hanoi, spool, [row(unit_code="", old_commune_code="00037"), row(unit_code="", old_commune_code="9")])
    job_id, _ = run(factory, spool)
    [member] = rows("members")
    assert member["unit_code"] == "00097"
    [error] = imports.import_errors(uow(), hanoi, job_id)["items"]
    assert (error["row"], error["field"], error["code"]) == (2, "old_commune_code", "old_unit_unknown")


def test_a_stopped_job_resumes_from_its_checkpoint_without_losing_or_repeating_a_row(
        uow, officer, spool, factory, count):
    new_job(uow, officer, spool, [row() for _ in range(7)] + [row(gender="X")])
    batches = iter([True, False])
    job_id, outcome = run(factory, spool, keep_going=lambda: next(batches))
    assert outcome == "PAUSED"
    assert imports.get_import_job(uow(), officer, job_id)["rows_done"] == 4 and count("members") == 4
    _, outcome = run(factory, spool)
    view = imports.get_import_job(uow(), officer, job_id)
    assert (outcome, view["rows_accepted"], view["rows_rejected"]) == ("COMPLETED", 7, 1)
    assert count("members") == 7 == count("outbox", event_type="member_registered")
    assert count("import_row_errors") == 1


def test_a_job_whose_lease_is_held_is_not_taken_twice(uow, officer, spool, factory):
    new_job(uow, officer, spool, [row()])
    assert claim_next(factory, "first", 30) is not None
    assert claim_next(factory, "second", 30) is None


def test_the_same_file_from_the_same_sender_is_the_same_job(uow, officer, spool):
    rows_ = [row()]
    first = new_job(uow, officer, spool, rows_, name="a" * 64 + ".csv")
    assert new_job(uow, officer, spool, rows_, name="a" * 64 + ".csv")["id"] == first["id"]


def test_a_file_that_is_not_utf8_fails_the_job_with_a_reason(uow, officer, spool, factory):
    name = "b" * 64 + ".csv"
    (spool / name).write_bytes(b"cccd,full_name\n\xff\xfe\x00bad")
    imports.create_import_job(uow(), officer, {"spool_name": name, "content_hash": "b" * 64, "format": "CSV",
                                               "size_bytes": 20}, spool)
    job_id, outcome = run(factory, spool)
    assert outcome == "FAILED"
    assert "UTF-8" in imports.get_import_job(uow(), officer, job_id)["failure"]
