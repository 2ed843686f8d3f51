"""Bulk registration jobs: created from a file the gateway spooled, followed, and their error reports.

The processing itself (batches, checkpoints) is ``members.importing``; a job here is only recorded and read.
"""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.integration import ImportErrorPageSchema, ImportJobNotFound, ImportJobSchema, ImportRejected
from members import domain
from members.models import ImportJob, ImportRowError
from members.usecases import common


def create_import_job(uow, actor, command, spool):
    """The job of this file from this sender: a new QUEUED job, or the one already made from the same
    content (the same file posted twice is the same job)."""
    with uow:
        common.require_write(actor)
        scope = common.scope_path(uow.session, actor)
        if not (spool / command["spool_name"]).is_file():
            raise ImportRejected(
                "The file is not in the import spool.", {}, "Không tìm thấy tệp trong thư mục nhận dữ liệu."
            )
        existing = _job_of(uow.session, actor["officer_id"], command["content_hash"])
        if existing is not None:
            return job_view(existing)
        job = ImportJob(
            id=uuid.uuid4(), principal=actor["officer_id"], actor=dict(actor), actor_unit_path=scope,
            content_hash=command["content_hash"], format=command["format"], spool_name=command["spool_name"],
            filename=command.get("filename"), size_bytes=command["size_bytes"], state="QUEUED", rows_done=0,
            rows_accepted=0, rows_rejected=0, created_at=common.now(),
        )  # fmt: skip
        uow.session.add(job)
        try:
            uow.session.flush()
            result = job_view(job)
            uow.commit()
        except IntegrityError:  # the same file posted twice at once: the other request made the job
            uow.session.rollback()
            return job_view(_job_of(uow.session, actor["officer_id"], command["content_hash"]))
    return result


def _job_of(session, principal, content_hash):
    return session.execute(
        select(ImportJob).where(ImportJob.principal == principal, ImportJob.content_hash == content_hash)
    ).scalar_one_or_none()


def get_import_job(uow, actor, job_id):
    with uow:
        return job_view(_visible_job(uow.session, actor, job_id))


def import_errors(uow, actor, job_id, after_id=0, limit=5000):
    """A page of the job's error report, in row order: ``{"items": [...], "next_after": id or None}``."""
    with uow:
        _visible_job(uow.session, actor, job_id)
        rows = uow.session.execute(
            select(ImportRowError)
            .where(ImportRowError.job_id == job_id, ImportRowError.id > after_id)
            .order_by(ImportRowError.id)
            .limit(limit)
        ).scalars().all()
        items = [
            {"row": r.row_number, "field": r.field, "code": r.code, "message": r.message_vi, "message_en": r.message_en}
            for r in rows
        ]
        next_after = rows[-1].id if len(rows) == limit else None
        return ImportErrorPageSchema().dump({"items": items, "next_after": next_after})


def _visible_job(session, actor, job_id):
    """A job is seen by who posted it and by the officers whose subtree holds the poster's unit."""
    job = session.get(ImportJob, job_id)
    if job is None or not (
        job.principal == actor["officer_id"]
        or domain.is_in_subtree(job.actor_unit_path, common.scope_path(session, actor))
    ):
        raise ImportJobNotFound(details={"job_id": str(job_id)})
    return job


def job_view(job):
    return ImportJobSchema().dump(
        {name: getattr(job, name) for name in ImportJobSchema().fields}
    )
