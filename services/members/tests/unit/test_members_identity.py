"""The QR code of the chip-based CCCD card, and the verification adapters, as pure rules."""

from datetime import date

import pytest

from members.identity import CccdQrVerifier, ManualVerifier, MemberFacts, NationalRegisterVerifier
from members.identity.qr import QrTextInvalid, parse_cccd_qr

QR = "001090012345|012345678|Nguyễn Văn An|15031990|Nam|Số 1 Hàng Trống, Hoàn Kiếm, Hà Nội|01072021"
MEMBER = MemberFacts("001090012345", "Nguyễn Văn An", "MALE", 1990, date(1990, 3, 15))


def test_the_qr_text_of_a_card_is_parsed_field_by_field():
    card = parse_cccd_qr(QR)
    assert (card.cccd, card.old_cmnd, card.full_name, card.birth_date, card.gender, card.issued_on) == (
        "001090012345", "012345678", "Nguyễn Văn An", date(1990, 3, 15), "MALE", date(2021, 7, 1))


def test_a_card_without_an_old_cmnd_and_with_trailing_fields_is_read():
    card = parse_cccd_qr("001190012345||Lê Thị Hoa|01011990|Nữ|Hà Nội|01072021|extra\n")
    assert (card.old_cmnd, card.gender) == (None, "FEMALE")


@pytest.mark.parametrize("text, code", [
    ("hello", "qr_field_count"),
    ("00109001234|x|A|15031990|Nam|HN|01072021", "qr_cccd_format"),
    ("001090012345||A|31021990|Nam|HN|01072021", "qr_birth_date"),
    ("001090012345||A|15031990|Khác|HN|01072021", "qr_gender"),
])
def test_text_that_is_not_a_card_qr_code_names_what_is_wrong(text, code):
    with pytest.raises(QrTextInvalid) as raised:
        parse_cccd_qr(text)
    assert raised.value.code == code


def test_a_matching_card_verifies_even_without_diacritics_agreeing_in_encoding():
    import unicodedata

    decomposed = QR.replace("Nguyễn Văn An", unicodedata.normalize("NFD", "Nguyễn Văn An"))
    assert CccdQrVerifier().verify(MEMBER, {"qr_text": decomposed}).status == "VERIFIED"


def test_a_record_with_only_a_birth_year_is_compared_on_the_year():
    member = MemberFacts("001090012345", "Nguyễn Văn An", "MALE", 1990, None)
    assert CccdQrVerifier().verify(member, {"qr_text": QR}).status == "VERIFIED"


def test_every_difference_is_a_reason_of_the_mismatch():
    other = MemberFacts("001090099999", "Nguyễn Văn Bình", "FEMALE", 1991, date(1991, 3, 15))
    outcome = CccdQrVerifier().verify(other, {"qr_text": QR})
    assert (outcome.status, [r["code"] for r in outcome.reasons]) == (
        "MISMATCH", ["cccd_differs", "full_name_differs", "birth_date_differs", "gender_differs"])


def test_manual_verification_is_the_officers_word():
    assert ManualVerifier().verify(MEMBER, {}).status == "VERIFIED"


def test_the_national_register_is_not_wired_and_says_so():
    with pytest.raises(NotImplementedError, match="national population register"):
        NationalRegisterVerifier().verify(MEMBER, {})
