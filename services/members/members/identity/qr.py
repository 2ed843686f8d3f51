"""The QR code printed on the chip-based CCCD card (since 2021).

Its text is ``CCCD|old CMND|full name|birth date|gender|permanent address|issue date``, dates as
DDMMYYYY, gender "Nam" or "Nữ"; the old CMND is empty when the holder had none. Scanners sometimes add
trailing fields or spaces: extra fields are ignored, spaces trimmed. The text holds a full CCCD number:
never log it.
"""

import re
from dataclasses import dataclass
from datetime import date

from members import domain

_DDMMYYYY = re.compile(r"(\d{2})(\d{2})(\d{4})")
_GENDERS = {"nam": domain.Gender.MALE, "nữ": domain.Gender.FEMALE, "nu": domain.Gender.FEMALE}


class QrTextInvalid(ValueError):
    """``code`` names what is wrong (machine-readable); never carries the text itself."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CccdQr:
    cccd: str
    old_cmnd: str | None
    full_name: str
    birth_date: date
    gender: str
    address: str
    issued_on: date | None


def parse_cccd_qr(text):
    """The card's data; ``QrTextInvalid`` when the text is not a CCCD card's QR code."""
    parts = [part.strip() for part in (text or "").strip().split("|")]
    if len(parts) < 7:
        raise QrTextInvalid("qr_field_count")
    cccd, old_cmnd, full_name, birth, gender, address, issued = parts[:7]
    if not re.fullmatch(r"\d{12}", cccd):
        raise QrTextInvalid("qr_cccd_format")
    if old_cmnd and not re.fullmatch(r"\d{9}", old_cmnd):
        raise QrTextInvalid("qr_cmnd_format")
    if not full_name:
        raise QrTextInvalid("qr_full_name_missing")
    if gender.lower() not in _GENDERS:
        raise QrTextInvalid("qr_gender")
    return CccdQr(
        cccd=cccd,
        old_cmnd=old_cmnd or None,
        full_name=domain.normalise_full_name(full_name),
        birth_date=_date(birth, "qr_birth_date"),
        gender=_GENDERS[gender.lower()],
        address=address,
        issued_on=_date(issued, "qr_issue_date") if issued else None,
    )


def _date(text, code):
    match = _DDMMYYYY.fullmatch(text)
    if not match:
        raise QrTextInvalid(code)
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise QrTextInvalid(code) from None
