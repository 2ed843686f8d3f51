"""One batch of import rows in one transaction: every row checked as a single registration is, the
accepted ones written together (members, memberships, consents, one ``member_registered`` per member in
the outbox), the rejected ones written to the error report, and the job's checkpoint moved past the batch,
all or nothing. A crash before the commit leaves the checkpoint where it was: the batch runs again.
"""

from dataclasses import dataclass
from datetime import timedelta

from marshmallow import ValidationError
from sqlalchemy import insert, update

from contracts.errors import MemberAlreadyRegistered, UnitNotFound, ValidationFailed, field_error
from members import repository
from members.importing.commands import load_command
from members.importing.rows import RowProblem, column_of, command_payload
from members.importing.writes import write_members
from members.models import ImportJob, ImportRowError
from members.usecases import common
from members.usecases import members as registration
from servicekit import business

SOURCE = "members"


class LeaseLost(Exception):
    """Another worker took the job over (this one was too slow or presumed dead): stop without writing."""


@dataclass(frozen=True)
class UnitRef:
    code: str
    path: str


@dataclass
class Accepted:
    number: int
    command: dict
    fields: dict
    unit: UnitRef


class JobContext:
    """What the batches of one job share: who registers, the day, the units already checked."""

    def __init__(self, job_id, actor, file_format):
        self.job_id, self.actor, self.format = job_id, actor, file_format
        self.today = common.today()
        self._units = {}

    def check_units(self, session, codes):
        """Check the units not seen yet, as a single registration checks its unit (once per job)."""
        for code in codes:
            if code in self._units:
                continue
            try:
                unit = common.unit_in_scope(session, code, common.scope_path(session, self.actor))
                common.unit_accepting_members(session, code, "unit_code", self.today, unit)
                self._units[code] = UnitRef(unit.code, unit.path)
            except (UnitNotFound, ValidationFailed) as error:
                self._units[code] = error

    def unit(self, code):
        found = self._units[code]
        if isinstance(found, Exception):
            raise found
        return found


def load_row(context, raw):
    """The row as a loaded registration command, or its problems as ``[(column, field_error)]``. No I/O."""
    try:
        return load_command(command_payload(raw, context.format))
    except RowProblem as problem:
        return problem.problems
    except ValidationError as error:
        return _problems(ValidationFailed.from_marshmallow(error))


def check_row(context, number, command):
    """An ``Accepted`` row, or its problems; the row's unit must have been checked (``check_units``)."""
    if isinstance(command, list):
        return command
    try:
        unit = context.unit(command["unit_code"])
        common.not_in_future(command.get("join_date"), "join_date")
        consent = command["consent"]
        birth = command.get("birth_date") or command.get("birth_year")
        fields = registration._checked_fields(
            command, context.today, registration._consent_problems(consent, birth, context.today)
        )
        return Accepted(number, command, fields, unit)
    except UnitNotFound as error:
        return [("unit_code", field_error(error.code, error.message_vi, error.message_en))]
    except ValidationFailed as error:
        return _problems(error)


def check_batch(session_factory, context, batch, pause=lambda: None, every=200):
    """Every row of ``batch`` checked, outside any write transaction: the CPU work yields every ``every``
    rows (an SQLite transaction must not yield: its lock waits in C and would stall the process)."""
    loaded = []
    for index, (number, raw) in enumerate(batch):
        loaded.append((number, load_row(context, raw)))
        if index % every == every - 1:
            pause()
    codes = {command["unit_code"] for _, command in loaded if isinstance(command, dict)}
    if codes - set(context._units):
        with session_factory() as session:
            context.check_units(session, codes)
    checked = []
    for index, (number, command) in enumerate(loaded):
        checked.append((number, check_row(context, number, command)))
        if index % every == every - 1:
            pause()
    return checked


def _problems(error):
    return [(column_of(name), problem) for name, problems in error.fields.items() for problem in problems]


def _duplicate(message_code="member_already_registered"):
    if message_code == "duplicate_in_file":
        return field_error(
            "duplicate_in_file",
            "Số CCCD này đã xuất hiện ở một dòng trước trong cùng tệp.",
            "This CCCD already appears in an earlier row of the same file.",
        )
    error = MemberAlreadyRegistered()
    return field_error(error.code, error.message_vi, error.message_en)


def process_batch(work, context, owner, expected_done, last_number, checked, lease_seconds):
    """Write and checkpoint a checked batch (``[(row number, Accepted or problems)]``) whose last row is
    ``last_number``. Returns (accepted, rejected)."""
    with work:
        session = work.session
        accepted, errors = _without_duplicates(session, checked)
        write_members(work, context, accepted)
        if errors:
            session.execute(insert(ImportRowError), [
                {"job_id": context.job_id, "row_number": number, "field": field[:100], "code": problem["code"][:50],
                 "message_vi": problem["message"][:300], "message_en": problem["message_en"][:300]}
                for number, problems in errors for field, problem in problems
            ])  # fmt: skip
        moved = session.execute(
            update(ImportJob)
            .where(ImportJob.id == context.job_id, ImportJob.rows_done == expected_done, ImportJob.lease_owner == owner)
            .values(
                rows_done=last_number,
                rows_accepted=ImportJob.rows_accepted + len(accepted),
                rows_rejected=ImportJob.rows_rejected + len(errors),
                lease_until=common.now() + timedelta(seconds=lease_seconds),
            )
        ).rowcount
        if moved != 1:
            raise LeaseLost(context.job_id)
        work.commit()
    business.count(SOURCE, "registered", len(accepted))
    if accepted and getattr(work, "_on_events_committed", None):
        work._on_events_committed()  # wake the outbox relay, as Work.commit does for emitted events
    return len(accepted), len(errors)


def _without_duplicates(session, checked):
    """Accepted rows whose CCCD is new, and the problems of every other row (a CCCD registered before,
    or seen in an earlier row of the batch, is reported and not registered again)."""
    candidates = [row for _, row in checked if isinstance(row, Accepted)]
    existing = repository.existing_cccds(session, [row.fields["cccd"] for row in candidates]) if candidates else set()
    seen, accepted, errors = set(), [], []
    for number, row in checked:
        if not isinstance(row, Accepted):
            errors.append((number, row))
        elif row.fields["cccd"] in existing:
            errors.append((number, [("cccd", _duplicate())]))
        elif row.fields["cccd"] in seen:
            errors.append((number, [("cccd", _duplicate("duplicate_in_file"))]))
        else:
            seen.add(row.fields["cccd"])
            accepted.append(row)
    return accepted, errors
