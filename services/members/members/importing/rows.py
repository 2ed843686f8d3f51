"""A row of an import file as the command a single registration takes (``RegisterMemberSchema``).

Columns of CSV and XLSX files (names are case-insensitive; order does not matter):

    cccd, full_name, gender (MALE/FEMALE or Nam/Nữ), birth_date (YYYY-MM-DD or DD/MM/YYYY), birth_year,
    phone, email, unit_code (a 2025 commune or a grassroots unit), old_commune_code (a pre-2025 commune
    code, mapped to its 2025 successor when unit_code is empty), old_ward, old_district, old_province (a
    pre-2025 address by names, the same), join_date, ethnicity, religion, consent_given (true/yes/có/1:
    required, silence is not consent), consent_channel (PAPER_FORM, ONLINE_FORM, RECORDED_VERBAL; default
    PAPER_FORM), consent_given_at, guardian_name, guardian_relation, contact_consent.

A JSON element is a registration body (``consent`` nested) plus, optionally, the old address keys.
Problems are reported with the column names of the file, not the nested names of the schema.
"""

import re

from contracts.errors import field_error
from members.importing import addresses

OLD_ADDRESS_KEYS = ("old_commune_code", "old_ward", "old_district", "old_province")
_FLAT_FIELDS = (
    "cccd", "full_name", "gender", "birth_date", "birth_year", "phone", "email", "unit_code", "join_date",
    "ethnicity", "religion",
)  # fmt: skip
_CONSENT_COLUMNS = {
    "consent_given": "given",
    "consent_channel": "channel",
    "consent_given_at": "given_at",
    "guardian_name": "guardian_name",
    "guardian_relation": "guardian_relation",
    "contact_consent": "contact",
}
COLUMN_OF_FIELD = {f"consent.{inner}": column for column, inner in _CONSENT_COLUMNS.items()}
_GENDERS = {"male": "MALE", "nam": "MALE", "m": "MALE", "female": "FEMALE", "nu": "FEMALE", "nữ": "FEMALE",
            "f": "FEMALE"}  # fmt: skip
_TRUE = {"true", "1", "yes", "y", "co", "có", "x"}
_FALSE = {"false", "0", "no", "n", "khong", "không", ""}
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


class RowProblem(Exception):
    """A row that cannot become a command at all; ``problems`` are ``(field, field_error)`` pairs."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


def command_payload(row, file_format):
    """The registration body of one row (JSON-like, for ``RegisterMemberSchema().load``)."""
    if "_not_an_object" in row:
        raise RowProblem([("_row", field_error("not_an_object", "Phần tử không phải là một đối tượng JSON.",
                                               "The element is not a JSON object."))])
    if file_format == "JSON":
        payload = {k: v for k, v in row.items() if k not in OLD_ADDRESS_KEYS}
    else:
        payload = _flat_payload(row)
    if not payload.get("unit_code"):
        payload["unit_code"] = _mapped_unit(row)
    return payload


def _flat_payload(row):
    text = {k: (v or "").strip() for k, v in row.items() if k}
    payload = {name: text[name] for name in _FLAT_FIELDS if text.get(name)}
    if "gender" in payload:
        payload["gender"] = _GENDERS.get(payload["gender"].lower(), payload["gender"])
    for name in ("birth_date", "join_date"):
        if name in payload:
            payload[name] = _iso_date(payload[name])
    if "birth_year" in payload:
        payload["birth_year"] = _integer(payload["birth_year"])
    consent = {inner: text[column] for column, inner in _CONSENT_COLUMNS.items() if text.get(column)}
    consent["given"] = _boolean(consent.get("given", ""))
    consent["contact"] = _boolean(consent.get("contact", ""))
    consent.setdefault("channel", "PAPER_FORM")
    payload["consent"] = consent
    return payload


def _mapped_unit(row):
    """The 2025 commune of an old address in the row, or None when the row gives none; a given old
    address that maps to nothing is a problem of its own."""
    value = {k: str(row.get(k) or "").strip() for k in OLD_ADDRESS_KEYS}
    if value["old_commune_code"]:
        code = addresses.commune_for_old_code(value["old_commune_code"])
        if code is None:
            raise RowProblem([("old_commune_code", _unknown_old_unit())])
        return code
    if value["old_ward"] and value["old_district"] and value["old_province"]:
        code = addresses.commune_for_old_address(value["old_ward"], value["old_district"], value["old_province"])
        if code is None:
            raise RowProblem([("old_ward", _unknown_old_unit())])
        return code
    return None


def _unknown_old_unit():
    return field_error(
        "old_unit_unknown",
        "Không tìm thấy đơn vị hành chính cũ (trước 1/7/2025) này để chuyển sang đơn vị mới.",
        "No pre-2025 administrative unit matches this, so it cannot be mapped to a 2025 commune.",
    )


def _iso_date(text):
    match = _DMY.fullmatch(text)
    return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else text


def _integer(text):
    try:
        return int(float(text)) if re.fullmatch(r"\d+(\.0+)?", text) else text
    except ValueError:
        return text


def _boolean(text):
    lowered = str(text).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return text  # the schema reports it as not a boolean


def column_of(field):
    """The column name a problem with ``field`` (a dotted schema name) is reported under."""
    return COLUMN_OF_FIELD.get(field, field)
