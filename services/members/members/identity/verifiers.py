"""The adapters behind ``members.identity`` (see there)."""

from dataclasses import dataclass, field
from datetime import date

from members import domain
from members.identity.qr import QrTextInvalid, parse_cccd_qr

VERIFIED, UNVERIFIED, MISMATCH = "VERIFIED", "UNVERIFIED", "MISMATCH"

_REASONS = {
    "manual_check": ("Cán bộ đã đối chiếu giấy tờ tùy thân.", "An officer checked the identity document."),
    "cccd_differs": ("Số CCCD trên thẻ khác với hồ sơ.", "The CCCD number on the card differs from the record."),
    "full_name_differs": ("Họ tên trên thẻ khác với hồ sơ.", "The name on the card differs from the record."),
    "birth_date_differs": ("Ngày sinh trên thẻ khác với hồ sơ.", "The birth date on the card differs from the record."),
    "gender_differs": ("Giới tính trên thẻ khác với hồ sơ.", "The gender on the card differs from the record."),
    "qr_matches": ("Mã QR trên thẻ CCCD khớp với hồ sơ.", "The QR code of the CCCD card matches the record."),
}


def reason(code):
    message_vi, message_en = _REASONS[code]
    return {"code": code, "message": message_vi, "message_en": message_en}


@dataclass(frozen=True)
class MemberFacts:
    """What the member's record says, as the adapters compare it."""

    cccd: str
    full_name: str
    gender: str
    birth_year: int
    birth_date: date | None


@dataclass(frozen=True)
class Verification:
    status: str  # VERIFIED, UNVERIFIED or MISMATCH
    method: str
    reasons: list = field(default_factory=list)


class Verifier:
    """The interface: ``verify(member: MemberFacts, evidence: dict) -> Verification``."""

    method = None

    def verify(self, member, evidence):
        raise NotImplementedError


class ManualVerifier(Verifier):
    """The default: the officer who calls vouches for the check (who and when are recorded by the caller)."""

    method = "MANUAL"

    def verify(self, member, evidence):
        return Verification(VERIFIED, self.method, [reason("manual_check")])


class CccdQrVerifier(Verifier):
    """Compares the card's QR code with the record: CCCD, name (without regard to case or diacritics'
    encoding), birth date (or year, when the record has only a year) and gender."""

    method = "CCCD_QR"

    def verify(self, member, evidence):
        card = parse_cccd_qr(evidence["qr_text"])  # QrTextInvalid goes to the caller: the input is wrong
        differences = []
        if card.cccd != member.cccd:
            differences.append("cccd_differs")
        if domain.fold_name(card.full_name) != domain.fold_name(member.full_name):
            differences.append("full_name_differs")
        if (member.birth_date or card.birth_date) != card.birth_date or card.birth_date.year != member.birth_year:
            differences.append("birth_date_differs")
        if card.gender != member.gender:
            differences.append("gender_differs")
        if differences:
            return Verification(MISMATCH, self.method, [reason(code) for code in differences])
        return Verification(VERIFIED, self.method, [reason("qr_matches")])


class NationalRegisterVerifier(Verifier):
    """A lookup in the national population register (Cơ sở dữ liệu quốc gia về dân cư), once one exists.

    To plug it in: an HTTP client of the national data-sharing platform (OAuth2 client credentials, as
    DOMAIN.md describes), called with the CCCD and answering the registered name, birth date and gender;
    compare as ``CccdQrVerifier`` does; add "NATIONAL_REGISTER" to ``contracts.integration
    .VERIFICATION_METHODS`` and to ``verifier_for``. Until then it refuses to run rather than pretend.
    """

    method = "NATIONAL_REGISTER"

    def verify(self, member, evidence):
        raise NotImplementedError(
            "No national population register lookup is available to the association yet: verify manually "
            "or with the card's QR code."
        )


def verifier_for(method):
    return {"MANUAL": ManualVerifier, "CCCD_QR": CccdQrVerifier}[method]()


__all__ = ["QrTextInvalid"]
