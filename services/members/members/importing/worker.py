"""The import worker: takes a job, reads its file from the spool as a stream, and processes it in batches.

A job is taken with a lease (``lease_owner``, ``lease_until``) renewed by every batch commit: several
replicas of the members service share the queue of jobs without running one job twice, and a job whose
process died (SIGKILL, a lost node) is taken over when its lease runs out, from its checkpoint. A clean
stop finishes the batch in hand and gives the lease back, so a restart resumes at once.

Configuration (members' ``config.yml``): ``IMPORT_SPOOL_DIR`` (default ``<repo>/var/spool/imports``, or the
environment variable of the same name; the gateway writes uploads there), ``IMPORT_BATCH_SIZE`` (1000 rows
per transaction), ``IMPORT_POLL_SECONDS`` (2: how often it looks for work when nobody woke it),
``IMPORT_LEASE_SECONDS`` (30), ``IMPORT_WORKER_ENABLED`` (true).
"""

import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from members.importing import readers
from members.importing.batches import JobContext, LeaseLost, check_batch, process_batch
from members.models import ImportJob
from members.usecases import common
from servicekit.config import setting
from servicekit.uow import Work

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[4]
ACTIVE_STATES = ("QUEUED", "RUNNING")


def spool_dir(config=None):
    configured = (config or {}).get("IMPORT_SPOOL_DIR") or os.environ.get("IMPORT_SPOOL_DIR")
    return Path(configured) if configured else REPO / "var" / "spool" / "imports"


def claim_next(session_factory, owner, lease_seconds):
    """The id of a job this worker now holds the lease of, or None when there is nothing to do."""
    now = common.now()
    free = or_(ImportJob.lease_until.is_(None), ImportJob.lease_until < now)
    with session_factory() as session, session.begin():
        candidates = session.execute(
            select(ImportJob.id).where(ImportJob.state.in_(ACTIVE_STATES), free).order_by(ImportJob.created_at).limit(5)
        ).scalars().all()
        for job_id in candidates:
            taken = session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id, ImportJob.state.in_(ACTIVE_STATES), free)
                .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds), state="RUNNING")
            ).rowcount
            if taken == 1:
                first_start = ImportJob.started_at.is_(None)
                session.execute(update(ImportJob).where(ImportJob.id == job_id, first_start).values(started_at=now))
                return job_id
    return None


def _set(session_factory, job_id, owner, **values):
    with session_factory() as session, session.begin():
        return session.execute(
            update(ImportJob).where(ImportJob.id == job_id, ImportJob.lease_owner == owner).values(**values)
        ).rowcount


class JobRunner:
    """Runs one job from its checkpoint to its end (or until ``keep_going()`` says stop). Plain Python:
    tests run it without nameko."""

    def __init__(self, session_factory, metadata, spool, owner, batch_size=1000, lease_seconds=30,
                 keep_going=lambda: True, on_events=None, pause=lambda: eventlet.sleep(0)):  # fmt: skip
        self.session_factory, self.metadata, self.spool = session_factory, metadata, Path(spool)
        self.owner, self.batch_size, self.lease_seconds = owner, batch_size, lease_seconds
        self.keep_going, self.on_events, self.pause = keep_going, on_events, pause

    def run(self, job_id):
        with self.session_factory() as session:
            job = session.get(ImportJob, job_id)
            actor, file_format, done, total = job.actor, job.format, job.rows_done, job.rows_total
            path = self.spool / job.spool_name
        try:
            if not path.is_file():
                return self._fail(job_id, "the file is no longer in the spool")
            if total is None:
                total = readers.count_rows(path, file_format, self.pause)
                _set(self.session_factory, job_id, self.owner, rows_total=total)
            context = JobContext(job_id, actor, file_format)
            batch = []
            for number, raw in readers.iter_rows(path, file_format, skip=done):
                batch.append((number, raw))
                if len(batch) == self.batch_size:
                    done = self._commit(context, done, batch)
                    batch = []
                    if not self.keep_going():
                        _set(self.session_factory, job_id, self.owner, lease_owner=None, lease_until=None)
                        return "PAUSED"
                    self.pause()
            if batch:
                done = self._commit(context, done, batch)
        except readers.UnreadableFile as error:
            return self._fail(job_id, str(error))
        except LeaseLost:
            log.warning("import job %s was taken over by another worker", job_id)
            return "LOST"
        _set(self.session_factory, job_id, self.owner, state="COMPLETED", finished_at=common.now(),
             lease_owner=None, lease_until=None)  # fmt: skip
        log.info("import job %s completed", job_id)
        return "COMPLETED"

    def _commit(self, context, done, batch):
        checked = check_batch(self.session_factory, context, batch, self.pause)
        for attempt in range(3):
            work = Work(self.session_factory, self.metadata, "members", on_events_committed=self.on_events)
            try:
                process_batch(work, context, self.owner, done, batch[-1][0], checked, self.lease_seconds)
                return batch[-1][0]
            except IntegrityError:
                # A single registration of one of these CCCDs committed between the check and the insert:
                # checked again, that row is now a duplicate.
                if attempt == 2:
                    raise
        return done

    def _fail(self, job_id, reason):
        _set(self.session_factory, job_id, self.owner, state="FAILED", failure=reason[:500],
             finished_at=common.now(), lease_owner=None, lease_until=None)  # fmt: skip
        log.warning("import job %s failed: %s", job_id, reason)
        return "FAILED"


IMPORT_SETTINGS = ("IMPORT_SPOOL_DIR", "IMPORT_BATCH_SIZE", "IMPORT_POLL_SECONDS", "IMPORT_LEASE_SECONDS",
                   "IMPORT_WORKER_ENABLED")  # fmt: skip


def _with_environment(config, keys):
    """The service's configuration, with the environment filling the import keys its config.yml lacks."""
    return {**config, **{k: os.environ[k] for k in keys if config.get(k) in (None, "") and k in os.environ}}


class ImportWorker(DependencyProvider):
    """``imports = ImportWorker()`` on the members service: processes import jobs in a background thread,
    at once when ``wake()`` is called (a job was created), otherwise every ``IMPORT_POLL_SECONDS``."""

    def setup(self):
        from servicekit.uow import UnitOfWork

        config = _with_environment(self.container.config, IMPORT_SETTINGS)
        self.spool = spool_dir(config)
        self.batch_size = setting(config, "IMPORT_BATCH_SIZE", 1000, int)
        self.poll = setting(config, "IMPORT_POLL_SECONDS", 2.0, float)
        self.lease_seconds = setting(config, "IMPORT_LEASE_SECONDS", 30.0, float)
        self.enabled = setting(config, "IMPORT_WORKER_ENABLED", True, bool)
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.uow = next(d for d in self.container.dependencies if isinstance(d, UnitOfWork))
        self._wakeup, self._running, self._thread = Event(), False, None

    def start(self):
        self.spool.mkdir(parents=True, exist_ok=True)
        self._running = self.enabled
        if self.enabled:
            self._thread = self.container.spawn_managed_thread(self._run, identifier="members.import_worker")

    def stop(self):
        if self._running:
            self._running = False
            self.wake()
            self._thread.wait()

    def kill(self):
        self._running = False

    def wake(self):
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def get_dependency(self, worker_ctx):
        return self

    def _run(self):
        runner = JobRunner(
            self.uow.session_factory, self.uow.metadata, self.spool, self.owner, self.batch_size,
            self.lease_seconds, keep_going=lambda: self._running, on_events=self.uow._notify,
        )  # fmt: skip
        while self._running:
            try:
                job_id = claim_next(self.uow.session_factory, self.owner, self.lease_seconds)
                if job_id is not None:
                    runner.run(job_id)
                    continue
            except Exception:
                log.exception("import worker failed; retrying")
            with eventlet.Timeout(self.poll, False):
                self._wakeup.wait()
            self._wakeup = Event()
