"""What every use case needs: the actor's scope, the clock, the views returned over RPC."""

from datetime import UTC, datetime, timedelta, timezone

from contracts.errors import PermissionDenied, UnitNotFound, ValidationFailed, field_error
from contracts.members import MemberSchema, OfficerSchema, UnitSchema
from members import domain, repository

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving time


def today():
    """Dates the association records (join, transfer, leave) are Vietnamese calendar dates."""
    return datetime.now(VIETNAM).date()


def now():
    return datetime.now(UTC)


def scope_path(session, actor):
    unit = repository.get_unit(session, actor["unit_code"])
    if unit is None:
        raise PermissionDenied("Your account's unit no longer exists.", {}, "Đơn vị của tài khoản không còn tồn tại.")
    return unit.path


def require_write(actor):
    if not domain.can_write(actor["role"]):
        raise PermissionDenied()


def unit_in_scope(session, code, scope):
    unit = repository.get_unit(session, code) if code else None
    if unit is None or not domain.is_in_subtree(unit.path, scope):
        raise UnitNotFound(details={"unit_code": code})
    return unit


def unit_accepting_members(session, code, field, on, unit=None):
    """A unit that members can belong to on ``on``: open, at commune or grassroots level.
    Pass ``unit`` when it is already loaded, to spare a query."""
    unit = unit or repository.get_unit(session, code)
    if unit is None:
        raise UnitNotFound(details={"unit_code": code})
    if unit.level not in (domain.Level.COMMUNE, domain.Level.GRASSROOTS) or not is_open(unit, on):
        raise ValidationFailed.from_fields(
            {
                field: [
                    field_error(
                        "unit_not_accepting_members",
                        "Đơn vị này không nhận hội viên (đã giải thể, sáp nhập hoặc không phải cấp xã/cơ sở).",
                        "This unit takes no members (closed, merged, or not a commune or grassroots unit).",
                    )
                ]
            }
        )
    return unit


def is_open(unit, on):
    return unit.valid_from <= on and (unit.valid_to is None or unit.valid_to >= on)


def province_of(path):
    """The province code in a materialised path ("/VN/01/00070/" -> "01"); "00" above provinces."""
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else "00"


def search_text(raw):
    """The folded form of a name query. The repository matches it literally: a "%" or "_" typed by a user
    is neither a wildcard nor dropped (dropping made a query of "%" match every member)."""
    return domain.fold_name(raw) if raw else None


def unit_view(unit):
    return UnitSchema().dump(
        {
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "kind": unit.kind,
            "parent_code": unit.parent_code,
            "path": unit.path,
            "valid_from": unit.valid_from,
            "valid_to": unit.valid_to,
            "term": unit.term,
            "committees": unit.committees or {},
        }
    )


def member_view(member, unit_name=None, history=None, consent_given_at=None, titles=None, actor=None):
    """The member as the API shows it (JSON-ready): CCCD and phone masked, e-mail only as a flag; Party
    membership only to an ADMIN ``actor`` (absent otherwise: contracts.members.PARTY_MEMBER_RULE)."""
    view = {
        "id": member.id,
        "card_number": member.card_number,
        "full_name": member.full_name,
        "gender": member.gender,
        "birth_year": member.birth_year,
        "birth_date": member.birth_date,
        "cccd_masked": domain.mask_cccd(member.cccd),
        "phone_masked": domain.mask_phone(member.phone) if member.phone else None,
        "has_email": bool(member.email),
        "unit_code": member.unit_code,
        "unit_name": unit_name,
        "status": member.status,
        "join_date": member.join_date,
        "left_on": member.left_on,
        "left_reason": member.left_reason,
        "consent_given_at": consent_given_at or member.consent_given_at,
        "version": member.version,
        "created_at": member.created_at,
        "updated_at": member.updated_at,
    }
    if sees_party_membership(actor):
        view["party_member"] = member.party_member
    if history is not None:
        view["history"] = history
    if titles is not None:
        view["titles"] = titles
    return MemberSchema().dump(view)


def sees_party_membership(actor):
    return actor is not None and actor["role"] == domain.Role.ADMIN


def require_party_membership_access(actor, command):
    """Only an ADMIN may set Party membership (contracts.members.PARTY_MEMBER_RULE): any other role that sends
    the field, whatever its value, is refused."""
    if "party_member" in command and not sees_party_membership(actor):
        raise PermissionDenied(
            "Only an administrator may record Party membership.",
            {"field": "party_member"},
            "Chỉ quản trị viên mới được ghi nhận thông tin đảng viên.",
        )


def officer_view(officer):
    return OfficerSchema().dump(
        {
            "id": str(officer.id),
            "username": officer.username,
            "full_name": officer.full_name,
            "role": officer.role,
            "unit_code": officer.unit_code,
            "active": officer.active,
        }
    )


def not_in_future(day, field):
    """``day``, or today when it is not given; a date after today is refused (records state what happened)."""
    current = today()
    if day is None:
        return current
    if day > current:
        raise ValidationFailed.from_fields(
            {
                field: [
                    field_error(
                        "date_in_future",
                        "Ngày này chưa tới: chỉ ghi nhận những việc đã xảy ra.",
                        "This date is in the future: records state what has happened.",
                    )
                ]
            }
        )
    return day
