"""Pure rules of the members service: the organisation tree, CCCD checks, masks, names and roles.

Plain values in, plain values out: no database, no nameko, no clock (``today`` is always a parameter).
Validation returns every problem at once as ``FieldProblem`` values instead of raising, so that a form
or an import row can show them all; ``problems_by_field`` gives the shape of ``ValidationFailed``.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from contracts.errors import field_error

# --- the organisation tree -------------------------------------------------------------------------


class Level(StrEnum):
    CENTRAL = "CENTRAL"
    PROVINCE = "PROVINCE"
    DISTRICT = "DISTRICT"  # historical: records and reports up to DISTRICT_CLOSED_ON, never new units
    COMMUNE = "COMMUNE"
    GRASSROOTS = "GRASSROOTS"


DISTRICT_CLOSED_ON = date(2025, 6, 30)

# COMMUNE under DISTRICT exists only in records from before the 2025 reform.
PARENT_LEVELS = {
    Level.CENTRAL: frozenset(),
    Level.PROVINCE: frozenset({Level.CENTRAL}),
    Level.DISTRICT: frozenset({Level.PROVINCE}),
    Level.COMMUNE: frozenset({Level.PROVINCE, Level.DISTRICT}),
    Level.GRASSROOTS: frozenset({Level.COMMUNE}),
}


def is_allowed_parent(level, parent_level):
    return parent_level in PARENT_LEVELS[Level(level)]


def level_in_force(level, on):
    """Whether units of ``level`` may be created or linked on ``on`` (districts closed in 2025)."""
    return Level(level) != Level.DISTRICT or on <= DISTRICT_CLOSED_ON


CENTRAL_CODE = "VN"

# Official codes are digits only; grassroots codes add "-G", so the two can never collide. None of the
# shapes contains "%" or "_", so a path prefix can be used in SQL LIKE without escaping.
_CODE_SHAPES = {
    Level.CENTRAL: re.compile(CENTRAL_CODE),
    Level.PROVINCE: re.compile(r"[0-9]{2}"),
    Level.DISTRICT: re.compile(r"[0-9]{3}"),
    Level.COMMUNE: re.compile(r"[0-9]{5}"),
    Level.GRASSROOTS: re.compile(r"[0-9]{5}-G[0-9]{4}"),
}


def level_of_code(code):
    """The level whose code shape ``code`` has, or None."""
    for level, shape in _CODE_SHAPES.items():
        if shape.fullmatch(code or ""):
            return level
    return None


def grassroots_code(commune_code, seq):
    """Code of the ``seq``-th grassroots unit created under a commune: ``<commune>-G<seq:04>``.

    E.g. ``grassroots_code("00070", 1) == "00070-G0001"``. Villages and residential groups have no
    national code, so the platform issues one; the commune prefix makes it unique without a national
    counter. Codes are never reused: after a merge the unit keeps its code, and the prefix then names the
    commune that issued it, not necessarily its current parent.
    """
    if not _CODE_SHAPES[Level.COMMUNE].fullmatch(commune_code) or not 1 <= seq <= 9999:
        raise ValueError(f"no grassroots code for commune {commune_code!r} and sequence {seq!r}")
    return f"{commune_code}-G{seq:04d}"


def unit_path(parent_path, code):
    """Materialised path of a unit: ``unit_path("/VN/01/", "00070") == "/VN/01/00070/"``.

    The trailing slash makes a prefix match select exactly a subtree: without it the historical district
    "/VN/01/001" would also match the commune "/VN/01/00106".
    """
    if not code or "/" in code:
        raise ValueError(f"invalid unit code {code!r}")
    if parent_path is None:
        return f"/{code}/"
    if not (parent_path.startswith("/") and parent_path.endswith("/")):
        raise ValueError(f"invalid parent path {parent_path!r}")
    return f"{parent_path}{code}/"


def is_in_subtree(path, scope_path):
    """Whether the unit at ``path`` is the unit at ``scope_path`` or below it."""
    if not scope_path.endswith("/"):
        raise ValueError(f"a scope path ends with a slash: {scope_path!r}")
    return path.startswith(scope_path)


class GrassrootsKind(StrEnum):
    VILLAGE = "VILLAGE"
    SCHOOL = "SCHOOL"
    CLAN = "CLAN"
    AGENCY = "AGENCY"
    ENTERPRISE = "ENTERPRISE"
    RELIGIOUS = "RELIGIOUS"
    HOMETOWN = "HOMETOWN"

    @property
    def label_vi(self):
        return GRASSROOTS_KIND_LABELS_VI[self]


GRASSROOTS_KIND_LABELS_VI = {
    GrassrootsKind.VILLAGE: "Chi hội khuyến học thôn, tổ dân phố",
    GrassrootsKind.SCHOOL: "Ban khuyến học trường học",
    GrassrootsKind.CLAN: "Ban khuyến học dòng họ",
    GrassrootsKind.AGENCY: "Ban khuyến học cơ quan",
    GrassrootsKind.ENTERPRISE: "Ban khuyến học doanh nghiệp",
    GrassrootsKind.RELIGIOUS: "Ban khuyến học cơ sở tôn giáo",
    GrassrootsKind.HOMETOWN: "Ban khuyến học hội đồng hương",
}

# --- members, statuses, roles ----------------------------------------------------------------------


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class MemberStatus(StrEnum):
    """Status of one membership (a member in a unit over a period)."""

    ACTIVE = "ACTIVE"
    TRANSFERRED = "TRANSFERRED"  # closed by a transfer; the member goes on in a new ACTIVE membership
    LEFT = "LEFT"


# TRANSFERRED and LEFT are final, so that history is never rewritten. Rejoining after leaving is not a
# transition: it opens a new ACTIVE membership (new join date, new consent) and keeps the LEFT one.
STATUS_TRANSITIONS = {
    MemberStatus.ACTIVE: frozenset({MemberStatus.TRANSFERRED, MemberStatus.LEFT}),
    MemberStatus.TRANSFERRED: frozenset(),
    MemberStatus.LEFT: frozenset(),
}


def can_transition(current, target):
    return target in STATUS_TRANSITIONS[MemberStatus(current)]


def can_rejoin(status, left_reason=None):
    """Whether a person whose latest membership is ``status`` may open a new one."""
    # ERASED: the person's data was anonymised at their request (usecases/privacy.py); coming back is a new
    # registration, as nothing links the record to them any more.
    return status == MemberStatus.LEFT and left_reason not in ("DECEASED", "ERASED")


# Purposes of a consent record: processing the member's data for membership (required to register), and
# being contacted by e-mail or SMS (optional; the notifications service asks before it writes).
CONSENT_MEMBERSHIP = "MEMBERSHIP"
CONSENT_CONTACT = "CONTACT"


class Role(StrEnum):
    ADMIN = "ADMIN"  # everything in its subtree, including officers and units
    OFFICER = "OFFICER"  # reads and writes members in its subtree
    VIEWER = "VIEWER"  # reads only


def can_write(role):
    return role in (Role.ADMIN, Role.OFFICER)


def can_manage_officers(role):
    return role == Role.ADMIN


# Law on Children 2016: a child is under 16. Law 91/2025 and Decree 356/2025 ask a guardian's consent for
# a child's data; whether the association applies 16 or the civil-law 18 is configuration.
MINOR_AGE = 16
MAX_AGE = 120


def age_on(birth_date, today):
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def is_minor(birth, today, minor_age=MINOR_AGE):
    """Whether a person born on ``birth`` (a date, or only a year) is under ``minor_age`` on ``today``.

    With only a year the age is ``today.year - year`` or one less; the younger is assumed, so that a
    guardian's consent is asked whenever the person may still be a minor.
    """
    if isinstance(birth, date):
        return age_on(birth, today) < minor_age
    return today.year - birth - 1 < minor_age


def card_number(province_code, year, seq):
    """Membership card number ``KH-<province>-<yy>-<seq:07>``, e.g. ``KH-01-25-0000123``.

    KH is khuyến học; the province is the 2-digit code of the issuing province, yy the year of issue and
    seq a counter per province and year (seven digits cover Hà Nội's two million members).
    """
    if not _CODE_SHAPES[Level.PROVINCE].fullmatch(province_code) or not 1 <= seq <= 9_999_999:
        raise ValueError(f"no card number for province {province_code!r} and sequence {seq!r}")
    return f"KH-{province_code}-{year % 100:02d}-{seq:07d}"


def growth_percent(before, after):
    """(after - before) / before × 100, rounded half up to 2 decimals; None when there is no base."""
    if before == 0:
        return None
    percent = Decimal(after - before) * 100 / Decimal(before)
    return float(percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- names, phones, masks --------------------------------------------------------------------------


def normalise_full_name(raw):
    """NFC (one code point per Vietnamese letter, as typed on most keyboards) and single spaces."""
    return " ".join(unicodedata.normalize("NFC", raw or "").split())


def fold_name(name):
    """Search key without diacritics or case: ``fold_name("Nguyễn Văn  Á") == "nguyen van a"``."""
    # đ is a letter of its own, not d with a mark: Unicode gives it no decomposition.
    text = unicodedata.normalize("NFD", name or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789][0-9]{8}")  # 10 digits since the 2018 renumbering
_LANDLINE = re.compile(r"02[0-9]{9}")  # 11 digits: 02x or 02xx area code since 2017


def normalise_phone(raw):
    """A Vietnamese number in national form ("0912345678"), or None when it is not one.

    Accepts spaces, dots, hyphens, parentheses and the +84 / 0084 / 84 prefixes. Mobiles have 10 digits;
    landlines have 11 (e.g. "02438251234"), so not every normalised number has 10.
    """
    national = _without_country_code(_PHONE_SEPARATORS.sub("", raw or ""))
    if _MOBILE.fullmatch(national) or _LANDLINE.fullmatch(national):
        return national
    return None


def _without_country_code(text):
    for prefix in ("+84", "0084"):
        if text.startswith(prefix):
            rest = text[len(prefix) :]
            return rest if rest.startswith("0") else f"0{rest}"  # "+84 (0)912..." is also written
    if text.startswith("84") and len(text) in (11, 12):  # a national number always starts with 0
        return f"0{text[2:]}"
    return text


def normalise_cccd(raw):
    """Digits as stored: people type CCCD numbers in groups ("001 234 567 890")."""
    return re.sub(r"[\s.\-]", "", raw or "")


def _mask_middle(value, keep=3):
    if value is None:
        return None
    if len(value) <= 2 * keep:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def mask_cccd(cccd):
    """``mask_cccd("001234567890") == "001******890"``: what logs and responses may show."""
    return _mask_middle(cccd)


def mask_phone(phone):
    """``mask_phone("0912345678") == "091****678"``."""
    return _mask_middle(phone)


# --- validation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    message_vi: str
    message_en: str

    def as_field_error(self):
        return field_error(self.code, self.message_vi, self.message_en)


def problems_by_field(problems):
    """``{field: [field_error, ...]}``, the ``fields`` of ``ValidationFailed.from_fields``."""
    fields = {}
    for problem in problems:
        fields.setdefault(problem.field, []).append(problem.as_field_error())
    return fields


_MESSAGES = {
    "cccd_required": ("Vui lòng nhập số CCCD.", "The CCCD number is required."),
    "cccd_format": (
        "Số CCCD phải gồm đúng 12 chữ số (CMND cũ: 9 chữ số).",
        "A CCCD number has exactly 12 digits (a legacy CMND has 9).",
    ),
    "cccd_gender_mismatch": (
        "Chữ số thứ 4 của số CCCD không khớp với giới tính đã nhập.",
        "The 4th digit of the CCCD does not match the gender entered.",
    ),
    "cccd_century_mismatch": (
        "Chữ số thứ 4 của số CCCD không khớp với thế kỷ của năm sinh.",
        "The 4th digit of the CCCD does not match the century of the birth year.",
    ),
    "cccd_birth_year_mismatch": (
        "Chữ số thứ 5 và thứ 6 của số CCCD không khớp với năm sinh.",
        "Digits 5 and 6 of the CCCD do not match the birth year.",
    ),
    "gender_required": ("Vui lòng chọn giới tính.", "The gender is required."),
    "gender_invalid": (
        "Giới tính phải là Nam (MALE) hoặc Nữ (FEMALE).",
        "The gender must be MALE or FEMALE.",
    ),
    "birth_year_required": ("Vui lòng nhập ngày sinh hoặc năm sinh.", "A date or year of birth is required."),
    "birth_year_future": ("Năm sinh không được ở tương lai.", "The birth year cannot be in the future."),
    "birth_year_implausible": (
        f"Năm sinh không hợp lệ: tuổi không thể vượt quá {MAX_AGE}.",
        f"The birth year is implausible: an age cannot exceed {MAX_AGE}.",
    ),
    "birth_date_future": ("Ngày sinh không được ở tương lai.", "The date of birth cannot be in the future."),
    "birth_date_mismatch": (
        "Ngày sinh không khớp với năm sinh.",
        "The date of birth does not match the birth year.",
    ),
    "full_name_required": ("Vui lòng nhập họ và tên.", "The full name is required."),
    "full_name_too_long": (
        "Họ và tên không được dài quá 200 ký tự.",
        "The full name cannot be longer than 200 characters.",
    ),
    "full_name_characters": (
        "Họ và tên chỉ được gồm chữ cái, dấu cách, dấu nháy đơn và dấu gạch nối.",
        "The full name may contain only letters, spaces, apostrophes and hyphens.",
    ),
    "phone_format": (
        "Số điện thoại không phải là số di động hoặc số cố định hợp lệ của Việt Nam.",
        "The phone number is not a valid Vietnamese mobile or landline number.",
    ),
    "email_format": ("Địa chỉ e-mail không hợp lệ.", "The e-mail address is not valid."),
}


def _problem(field, code):
    message_vi, message_en = _MESSAGES[code]
    return FieldProblem(field, code, message_vi, message_en)


# --- CCCD -------------------------------------------------------------------------------------------

# Digits 1-3 of a CCCD: where the birth was registered, coded by Annex 1 of Circular 07/2016/TT-BCA with
# the 63 provinces that existed before the 2025 mergers (the statistics office's old codes, zero-padded).
# A birth registered abroad carries a country code instead, and that list is not known here: an unknown
# prefix is therefore NOT rejected; this table only names the province (reports, demo data).
CCCD_BIRTH_PROVINCES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip

_CCCD = re.compile(r"[0-9]{12}")
_CMND = re.compile(r"[0-9]{9}")


def cccd_birth_province(cccd):
    """The old province where the birth was registered, or None (a country code, or not a CCCD)."""
    return CCCD_BIRTH_PROVINCES.get(cccd[:3]) if _CCCD.fullmatch(cccd or "") else None


def cccd_century_digit(gender, birth_year):
    """Digit 4 of a CCCD: 0/1 for 1900s male/female, 2/3 for 2000s, 4/5 for 2100s (Decree 137/2015)."""
    return (birth_year // 100 - 19) * 2 + (gender == Gender.FEMALE)


def validate_cccd(cccd, gender=None, birth_year=None):
    """Problems with a CCCD (or a legacy CMND), cross-checked with the gender and birth year if given.

    There is no check digit in a CCCD: nothing here is a checksum, and nothing may become one.
    """
    number = normalise_cccd(cccd)
    if not number:
        return [_problem("cccd", "cccd_required")]
    if _CMND.fullmatch(number):
        return []  # a 9-digit CMND encodes neither gender nor birth year
    if not _CCCD.fullmatch(number):
        return [_problem("cccd", "cccd_format")]
    return _cross_check_cccd(number, gender, birth_year)


def _cross_check_cccd(number, gender, birth_year):
    digit = int(number[3])
    problems = []
    if gender in (Gender.MALE, Gender.FEMALE) and gender != (Gender.FEMALE if digit % 2 else Gender.MALE):
        problems.append(_problem("cccd", "cccd_gender_mismatch"))
    if birth_year is not None:
        if 1900 + 100 * (digit // 2) != birth_year - birth_year % 100:
            problems.append(_problem("cccd", "cccd_century_mismatch"))
        if number[4:6] != f"{birth_year % 100:02d}":
            problems.append(_problem("cccd", "cccd_birth_year_mismatch"))
    return problems


# --- a member's fields ------------------------------------------------------------------------------

_NAME_MARKS = frozenset(" '’-")
_WITHOUT_NAME_MARKS = str.maketrans(dict.fromkeys(_NAME_MARKS))
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def validate_member_fields(cccd, gender, birth_year, birth_date, phone, email, full_name, today):
    """Every problem with a member's fields at once, as a list of ``FieldProblem`` (empty when valid).

    Values are checked as ``normalise_cccd``, ``normalise_phone`` and ``normalise_full_name`` would
    store them. Phone and e-mail are optional; a date or a year of birth is required.
    """
    year = birth_year if birth_year is not None else getattr(birth_date, "year", None)
    valid_gender = gender if gender in (Gender.MALE, Gender.FEMALE) else None
    return [
        *validate_cccd(cccd, valid_gender, year),
        *_gender_problems(gender),
        *_birth_problems(birth_year, birth_date, today),
        *_full_name_problems(full_name),
        *_contact_problems(phone, email),
    ]


def _gender_problems(gender):
    if not gender:
        return [_problem("gender", "gender_required")]
    return [] if gender in (Gender.MALE, Gender.FEMALE) else [_problem("gender", "gender_invalid")]


def _birth_problems(birth_year, birth_date, today):
    if birth_year is None and birth_date is None:
        return [_problem("birth_year", "birth_year_required")]
    problems = []
    if birth_date is not None and birth_date > today:
        problems.append(_problem("birth_date", "birth_date_future"))
    if birth_date is not None and birth_year is not None and birth_date.year != birth_year:
        problems.append(_problem("birth_date", "birth_date_mismatch"))
    field, year = ("birth_year", birth_year) if birth_year is not None else ("birth_date", birth_date.year)
    if year > today.year:
        problems.append(_problem(field, "birth_year_future"))
    elif today.year - year > MAX_AGE:
        problems.append(_problem(field, "birth_year_implausible"))
    return problems


def _full_name_problems(full_name):
    name = normalise_full_name(full_name)
    if not name:
        return [_problem("full_name", "full_name_required")]
    if len(name) > 200:
        return [_problem("full_name", "full_name_too_long")]
    # isalpha() takes every script's letters: names of ethnic minorities are not only Kinh Vietnamese. Letters
    # and marks only, at least one letter: what is left without the marks is letters, and not empty (one call
    # for the whole name rather than one a character: bulk imports check millions).
    if not name.translate(_WITHOUT_NAME_MARKS).isalpha():
        return [_problem("full_name", "full_name_characters")]
    return []


def _contact_problems(phone, email):
    problems = []
    if phone and normalise_phone(phone) is None:
        problems.append(_problem("phone", "phone_format"))
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        problems.append(_problem("email", "email_format"))
    return problems
