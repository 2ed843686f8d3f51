"""One batch of import rows in one transaction: every row checked as a single registration is, the
accepted ones written together (members, memberships, consents, one ``member_registered`` per member in
the outbox), the rejected ones written to the error report, and the job's checkpoint moved past the batch,
all or nothing. A crash before the commit leaves the checkpoint where it was: the batch runs again.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from marshmallow import ValidationError
from sqlalchemy import insert, update

from contracts.envelope import make_event
from contracts.errors import MemberAlreadyRegistered, UnitNotFound, ValidationFailed, field_error
from contracts.members import RegisterMemberSchema
from members import domain, repository
from members.importing.rows import RowProblem, column_of, command_payload
from members.models import Consent, ImportJob, ImportRowError, Member, Membership
from members.usecases import common
from members.usecases import members as registration
from servicekit import business

SOURCE = "members"
_SCHEMA = RegisterMemberSchema()


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

    def unit(self, session, code):
        """The unit rows register into, checked once per job as a single registration checks it."""
        if code not in self._units:
            try:
                unit = common.unit_in_scope(session, code, common.scope_path(session, self.actor))
                common.unit_accepting_members(session, code, "unit_code", self.today, unit)
                self._units[code] = UnitRef(unit.code, unit.path)
            except (UnitNotFound, ValidationFailed) as error:
                self._units[code] = error
        found = self._units[code]
        if isinstance(found, Exception):
            raise found
        return found


def check_row(session, context, number, raw):
    """An ``Accepted`` row, or its problems as ``[(column, field_error)]``."""
    try:
        command = _SCHEMA.load(command_payload(raw, context.format))
        unit = context.unit(session, command["unit_code"])
        common.not_in_future(command.get("join_date"), "join_date")
        consent = command["consent"]
        birth = command.get("birth_date") or command.get("birth_year")
        fields = registration._checked_fields(
            command, context.today, registration._consent_problems(consent, birth, context.today)
        )
        return Accepted(number, command, fields, unit)
    except RowProblem as problem:
        return problem.problems
    except ValidationError as error:
        return _problems(ValidationFailed.from_marshmallow(error))
    except UnitNotFound as error:
        return [("unit_code", field_error(error.code, error.message_vi, error.message_en))]
    except ValidationFailed as error:
        return _problems(error)


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


def process_batch(work, context, owner, expected_done, batch, lease_seconds):
    """Check, write and checkpoint ``batch`` (``[(row number, raw row)]``). Returns (accepted, rejected)."""
    with work:
        session = work.session
        checked = [(number, check_row(session, context, number, raw)) for number, raw in batch]
        accepted, errors = _without_duplicates(session, checked)
        _write_members(work, context, accepted)
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
                rows_done=batch[-1][0],
                rows_accepted=ImportJob.rows_accepted + len(accepted),
                rows_rejected=ImportJob.rows_rejected + len(errors),
                lease_until=common.now() + timedelta(seconds=lease_seconds),
            )
        ).rowcount
        if moved != 1:
            raise LeaseLost(context.job_id)
        work.commit()
    business.count(SOURCE, "registered", len(accepted))
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


def _write_members(work, context, accepted):
    if not accepted:
        return
    session, now, actor = work.session, common.now(), context.actor
    cards = registration._card_numbers(session, [(row.unit, context.today) for row in accepted])
    members, memberships, consents, events = [], [], [], []
    for row, card in zip(accepted, cards, strict=True):
        member_id, consent = uuid.uuid4(), row.command["consent"]
        join_date = row.command.get("join_date") or context.today
        given_at = consent.get("given_at") or now
        members.append({
            **row.fields, "id": member_id, "unit_code": row.unit.code, "unit_path": row.unit.path,
            "status": domain.MemberStatus.ACTIVE.value, "join_date": join_date, "card_number": card,
            "consent_given_at": given_at, "version": 1, "created_at": now, "updated_at": now,
        })  # fmt: skip
        memberships.append({"member_id": member_id, "unit_code": row.unit.code, "unit_path": row.unit.path,
                            "started_on": join_date, "start_reason": "JOINED"})  # fmt: skip
        purposes = [domain.CONSENT_MEMBERSHIP] + ([domain.CONSENT_CONTACT] if consent.get("contact") else [])
        consents.extend(
            {"member_id": member_id, "purpose": purpose, "channel": consent["channel"], "given_at": given_at,
             "recorded_by": actor["username"][:100], "guardian_name": consent.get("guardian_name"),
             "guardian_relation": consent.get("guardian_relation")}
            for purpose in purposes
        )  # fmt: skip
        events.append(make_event("member_registered", {
            "member_id": member_id, "member_version": 1, "unit_code": row.unit.code, "unit_path": row.unit.path,
            "join_date": join_date, "import_job_id": str(context.job_id),
        }, SOURCE))  # fmt: skip
    session.execute(insert(Member), members)
    session.execute(insert(Membership), memberships)
    session.execute(insert(Consent), consents)
    work.emit_all(events)
