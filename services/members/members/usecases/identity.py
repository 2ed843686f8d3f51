"""Identity verification of a member through the adapters of ``members.identity``; every check is kept
(who, how, when, the result and its reasons) and the latest is the member's verification status."""

from sqlalchemy import select

from contracts.errors import field_error
from contracts.integration import QrCodeInvalid, VerificationSchema
from members.identity import MemberFacts, verifier_for
from members.identity.qr import QrTextInvalid
from members.models import MemberVerification
from members.usecases import common
from members.usecases.members import _member_in_scope


def verify_member(uow, actor, member_id, command):
    with uow:
        common.require_write(actor)
        member = _member_in_scope(uow.session, actor, member_id)
        facts = MemberFacts(member.cccd, member.full_name, member.gender, member.birth_year, member.birth_date)
        try:
            outcome = verifier_for(command["method"]).verify(facts, command)
        except QrTextInvalid as error:
            raise QrCodeInvalid.from_fields({"qr_text": [field_error(
                error.code, QrCodeInvalid.default_vi, QrCodeInvalid.default_en)]}) from None  # fmt: skip
        record = MemberVerification(
            member_id=member.id, status=outcome.status, method=outcome.method, reasons=outcome.reasons,
            verified_by=actor["username"], verified_at=common.now(), note=command.get("note"),
        )  # fmt: skip
        uow.session.add(record)
        result = verification_view(record)
        uow.commit()
    return result


def get_verification(uow, actor, member_id):
    """The latest check of the member, or UNVERIFIED when nobody checked yet."""
    with uow:
        member = _member_in_scope(uow.session, actor, member_id)
        record = uow.session.execute(
            select(MemberVerification).where(MemberVerification.member_id == member.id)
            .order_by(MemberVerification.id.desc()).limit(1)
        ).scalar_one_or_none()  # fmt: skip
        if record is None:
            return VerificationSchema().dump(
                {"member_id": member.id, "status": "UNVERIFIED", "method": "MANUAL", "reasons": [],
                 "verified_by": None, "verified_at": None})  # fmt: skip
        return verification_view(record)


def verification_view(record):
    return VerificationSchema().dump({
        "member_id": record.member_id, "status": record.status, "method": record.method,
        "reasons": record.reasons, "verified_by": record.verified_by, "verified_at": record.verified_at,
    })  # fmt: skip
