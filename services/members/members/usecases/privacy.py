"""Data-subject requests (Law 91/2025/QH15, Decree 356/2025): see, correct, erase, withdraw consent.

A member asks their association; an officer (OFFICER or ADMIN) of a unit above the member carries the
request out here, naming why. Every request leaves a row in ``privacy_requests`` (who, when, what, why,
never a value) in the same transaction as its effect, which administrators of the subtree can list.
Machine clients never make these requests: they act for a province's systems, not for a person.

**Erasure is anonymisation, decided so:** the member's row stays (memberships, statistics, titles, the
funds' ledger and the evaluations refer to it by id), but every field that identifies the person is
overwritten: name, CCCD, card number, phone, e-mail, birth date, ethnicity, religion, guardian names, the
notes of identity checks, and the copies of the member's view kept to replay idempotent requests. Gender
and birth year stay (the statistics count by them; alone they identify no one). No hash of the CCCD is
kept: a keyed hash would still be personal data under the law, so a person who registers again after an
erasure is a new member. An ACTIVE member who is erased leaves the association that day (reason ERASED),
so the counts of members stay true; an erased member cannot rejoin or be corrected.

Withdrawing CONTACT consent stops messages at once: notifications asks ``member_contact`` at send time,
and that answers ``contact_consent: false`` from the moment the consent is withdrawn. Withdrawing the
MEMBERSHIP consent withdraws CONTACT too, and the member leaves (reason CONSENT_WITHDRAWN); the data stays
until an erasure is asked for (membership records are kept as the association's history).

Each change emits ``member_updated`` (the names of the fields, never their values) or ``member_left``, so
that the projections of the other services follow.
"""

import json
import uuid

from sqlalchemy import func, select, update

from contracts.errors import PermissionDenied, TransitionRejected
from contracts.privacy import PersonalDataExportSchema, PrivacyRequestPageSchema
from members import domain, repository
from members.models import IDEMPOTENCY_KEYS, Consent, MemberVerification, PrivacyRequest
from members.usecases import common, members, titles

ANONYMISED_NAME = "(đã ẩn danh)"
ERASED = "ERASED"
CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN"
ERASED_FIELDS = ("birth_date", "card_number", "cccd", "email", "ethnicity", "full_name", "phone", "religion")


def export_personal_data(uow, actor, member_id, command):
    """Everything this service holds about the member, unmasked, and the request recorded."""
    with uow:
        member = _member_for_request(uow, actor, member_id)
        _record(uow, actor, member, "EXPORT", command, {})
        result = _export(uow.session, member)
        uow.commit()
    return result


def correct_member(uow, actor, member_id, command):
    """The member's corrections, checked as an officer's edit is (also for a member who left)."""
    with uow:
        member = _member_for_request(uow, actor, member_id)
        _refuse_if_anonymised(member)
        changes = command["changes"]
        party = ["party_member"] if members.apply_party_membership(actor, member, changes) else []
        changed = members.apply_changes(uow, member, changes)
        _record(uow, actor, member, "CORRECT", command, {"fields": changed + party})
        result = _member_view(uow.session, member, actor)
        uow.commit()
    return result


def withdraw_consent(uow, actor, member_id, command):
    with uow:
        member = _member_for_request(uow, actor, member_id)
        purposes = [domain.CONSENT_CONTACT]
        if command["purpose"] == domain.CONSENT_MEMBERSHIP:
            purposes.append(domain.CONSENT_MEMBERSHIP)
        now = common.now()
        withdrawn = uow.session.execute(
            update(Consent)
            .where(Consent.member_id == member.id, Consent.purpose.in_(purposes), Consent.withdrawn_at.is_(None))
            .values(withdrawn_at=now)
        ).rowcount
        if not withdrawn and command["purpose"] == domain.CONSENT_CONTACT:
            raise TransitionRejected(
                "The member has no contact consent to withdraw.", {},
                "Hội viên không có sự đồng ý nhận liên lạc nào để rút lại.",
            )  # fmt: skip
        left = False
        if command["purpose"] == domain.CONSENT_MEMBERSHIP:
            if member.status != domain.MemberStatus.ACTIVE and not withdrawn:
                raise TransitionRejected(
                    "The member has already left and has no consent to withdraw.", {},
                    "Hội viên đã rời hội và không còn sự đồng ý nào để rút lại.",
                )  # fmt: skip
            left = _leave(uow, member, CONSENT_WITHDRAWN)
        if not left:
            members._bump(uow, member, "member_updated", changed_fields=[f"consent.{p.lower()}" for p in purposes])
        detail = {"purpose": command["purpose"], "consents_withdrawn": withdrawn, "left": left}
        _record(uow, actor, member, "WITHDRAW_CONSENT", command, detail)
        result = _member_view(uow.session, member)
        uow.commit()
    return result


def anonymise_member(uow, actor, member_id, command):
    """Overwrite what identifies the member (see the module's notes); the row and its history stay."""
    with uow:
        session = uow.session
        member = _member_for_request(uow, actor, member_id)
        _refuse_if_anonymised(member)
        left = _leave(uow, member, ERASED)
        now = common.now()
        member.full_name, member.name_folded = ANONYMISED_NAME, domain.fold_name(ANONYMISED_NAME)
        member.cccd = _placeholder_cccd(member.id)
        member.card_number = f"ANON-{member.id.hex[:25]}"
        member.phone = member.email = member.birth_date = member.ethnicity = member.religion = None
        member.party_member = None  # erased too, but never named in an event (it never leaves the service)
        member.anonymised_at = now
        session.execute(
            update(Consent).where(Consent.member_id == member.id)
            .values(guardian_name=None, guardian_relation=None, withdrawn_at=func.coalesce(Consent.withdrawn_at, now))
        )  # fmt: skip
        session.execute(update(MemberVerification).where(MemberVerification.member_id == member.id).values(note=None))
        members._bump(uow, member, "member_updated", changed_fields=list(ERASED_FIELDS))
        view = _member_view(session, member)
        # The views kept to replay idempotent requests (registration, transfer ...) held the name and birth date.
        session.execute(
            update(IDEMPOTENCY_KEYS).where(IDEMPOTENCY_KEYS.c.response.like(f'%"{member.id}"%'))
            .values(response=json.dumps(view, ensure_ascii=False))
        )  # fmt: skip
        _record(uow, actor, member, "ANONYMISE", command, {"fields": list(ERASED_FIELDS), "left": left})
        uow.commit()
    return view


def list_privacy_requests(uow, actor, query):
    """The trail of the requests about members of the administrator's subtree, newest first."""
    with uow:
        if not domain.can_manage_officers(actor["role"]) or _is_client(actor):
            raise PermissionDenied()
        scope = common.scope_path(uow.session, actor)
        statement = select(PrivacyRequest).where(PrivacyRequest.member_unit_path.like(scope + "%"))
        if query.get("member_id"):
            statement = statement.where(PrivacyRequest.member_id == query["member_id"])
        if query.get("kind"):
            statement = statement.where(PrivacyRequest.kind == query["kind"])
        total = uow.session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
        page, size = query["page"], query["page_size"]
        rows = uow.session.execute(
            statement.order_by(PrivacyRequest.at.desc(), PrivacyRequest.id).limit(size).offset((page - 1) * size)
        ).scalars().all()  # fmt: skip
        return PrivacyRequestPageSchema().dump(
            {"items": [_request_view(r) for r in rows], "page": page, "page_size": size, "total": total}
        )


# --- helpers -------------------------------------------------------------------------------------------


def _is_client(actor):
    return str(actor["officer_id"]).startswith("client:")


def _member_for_request(uow, actor, member_id):
    common.require_write(actor)
    if _is_client(actor):
        raise PermissionDenied()
    return members._member_in_scope(uow.session, actor, member_id, for_update=True)


def _refuse_if_anonymised(member):
    if member.anonymised_at is not None:
        raise TransitionRejected(
            "This member's personal data was erased.", {}, "Dữ liệu cá nhân của hội viên này đã bị xóa."
        )


def _leave(uow, member, reason):
    """An ACTIVE member leaves today for ``reason`` (member_left); False when the member was not active."""
    if member.status != domain.MemberStatus.ACTIVE:
        return False
    on = common.today()
    members._close_membership(uow.session, member, on, "LEFT")
    member.status, member.left_on, member.left_reason = domain.MemberStatus.LEFT, on, reason
    members._bump(uow, member, "member_left", left_on=on, reason_code=reason)
    return True


def _placeholder_cccd(member_id):
    """Twelve characters that no CCCD can be (it starts with a letter) and that no other member has: the
    member id in base 36. The column stays unique and NOT NULL for everyone else."""
    digits, value = [], member_id.int % 36**11
    for _ in range(11):
        value, digit = divmod(value, 36)
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[digit])
    return "X" + "".join(reversed(digits))


def _record(uow, actor, member, kind, command, detail):
    uow.session.add(PrivacyRequest(
        id=uuid.uuid4(), member_id=member.id, member_unit_path=member.unit_path, kind=kind, detail=detail,
        reason=command["reason"], reference=command.get("reference"), officer_id=str(actor["officer_id"]),
        username=actor["username"], role=actor["role"], unit_code=actor["unit_code"], at=common.now(),
    ))  # fmt: skip
    uow.session.flush()


def _member_view(session, member, actor=None):
    return common.member_view(member, repository.get_unit(session, member.unit_code).name, actor=actor)


def _request_view(row):
    """Not yet dumped: the page and the export dump it with the rest."""
    return {
        "id": row.id, "member_id": row.member_id, "kind": row.kind, "detail": row.detail, "reason": row.reason,
        "reference": row.reference, "officer_id": row.officer_id, "username": row.username, "role": row.role,
        "unit_code": row.unit_code, "at": row.at,
    }  # fmt: skip


def _export(session, member):
    record = {name: getattr(member, name) for name in (
        "id", "card_number", "cccd", "full_name", "gender", "birth_year", "birth_date", "phone", "email",
        "ethnicity", "religion", "party_member", "unit_code", "status", "join_date", "left_on", "left_reason",
        "anonymised_at", "created_at", "updated_at")}  # fmt: skip
    memberships = [
        {"unit_code": m.unit_code, "unit_name": name, "started_on": m.started_on, "ended_on": m.ended_on,
         "end_reason": m.end_reason}
        for m, name in repository.memberships_of(session, member.id)
    ]  # fmt: skip
    consents = session.execute(
        select(Consent).where(Consent.member_id == member.id).order_by(Consent.given_at, Consent.id)
    ).scalars()
    verifications = session.execute(
        select(MemberVerification).where(MemberVerification.member_id == member.id).order_by(MemberVerification.id)
    ).scalars()
    requests = session.execute(
        select(PrivacyRequest).where(PrivacyRequest.member_id == member.id).order_by(PrivacyRequest.at)
    ).scalars()
    return PersonalDataExportSchema().dump({
        "member": record,
        "memberships": memberships,
        "consents": [{name: getattr(c, name) for name in (
            "purpose", "channel", "given_at", "recorded_by", "guardian_name", "guardian_relation", "withdrawn_at")}
            for c in consents],
        "titles": titles.titles_of(session, member.id),
        "verifications": [{name: getattr(v, name) for name in (
            "status", "method", "reasons", "verified_by", "verified_at", "note")} for v in verifications],
        "privacy_requests": [_request_view(r) for r in requests],
        "exported_at": common.now(),
    })  # fmt: skip
