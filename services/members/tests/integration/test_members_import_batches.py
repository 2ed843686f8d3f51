"""Batches of one job, one after the other: a CCCD registered by the batch before is a duplicate in the next
one, and a file that fails further on leaves every batch before it committed and counted (members, consents,
checkpoint and counters agree)."""

import csv
import uuid

import pytest
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from members import models
from members.importing.worker import JobRunner, claim_next
from members.testing import new_cccd
from members.usecases import imports

COLUMNS = ["cccd", "full_name", "gender", "birth_year", "unit_code", "consent_given"]


def row(**overrides):
    return {"cccd": new_cccd(), "full_name": "Phạm Văn Minh", "gender": "Nam", "birth_year": 1990,
            "unit_code": "00070", "consent_given": "có", **overrides}  # fmt: skip


@pytest.fixture
def factory(engine):
    return sessionmaker(engine, expire_on_commit=False)


def start_job(uow, officer, spool, rows, tail=b""):
    name = f"{uuid.uuid4().hex}{uuid.uuid4().hex}.csv"
    with (spool / name).open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with (spool / name).open("ab") as out:
        out.write(tail)
    command = {"spool_name": name, "content_hash": name[:64], "format": "CSV", "size_bytes": 1}
    imports.create_import_job(uow(), officer, command, spool)


def run(factory, spool, batch_size):
    job_id = claim_next(factory, "batches", 30)
    runner = JobRunner(factory, models.metadata, spool, "batches", batch_size, pause=lambda: None)
    return job_id, runner.run(job_id)


def test_a_cccd_of_the_batch_being_written_is_a_duplicate_in_the_next_batch(uow, officer, tmp_path, factory, count):
    first = row()
    start_job(uow, officer, tmp_path, [first, row(), row(), row(cccd=first["cccd"]), row(), row()])
    job_id, outcome = run(factory, tmp_path, batch_size=2)
    [error] = imports.import_errors(uow(), officer, job_id)["items"]
    assert (outcome, error["row"], error["code"]) == ("COMPLETED", 4, "member_already_registered")
    assert count("members") == 5 == count("outbox", event_type="member_registered")


def test_a_file_unreadable_further_on_fails_with_the_batches_before_it_committed(
    uow, officer, tmp_path, factory, count
):
    start_job(uow, officer, tmp_path, [row() for _ in range(400)], tail=b"\xff\xfe bad bytes\n")
    with factory() as session, session.begin():  # counted before (a resumed job): the rows are read only once
        session.execute(update(models.ImportJob).values(rows_total=401))
    job_id, outcome = run(factory, tmp_path, batch_size=50)
    view = imports.get_import_job(uow(), officer, job_id)
    assert outcome == "FAILED" and "UTF-8" in view["failure"]
    assert view["rows_done"] % 50 == 0 and view["rows_done"] >= 50
    assert count("members") == view["rows_done"] == view["rows_accepted"] == count("consents")
