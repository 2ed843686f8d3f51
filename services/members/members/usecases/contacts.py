"""Contact details for other services, at the moment they send a message (ARCHITECTURE.md: a service
may call another by RPC outside a user request path, under a timeout).

Events carry no personal data, so the notifications service asks here, at send time, for the one
member's address and whether the member agreed to be contacted, and keeps no copy. These calls take no
actor: they are service-to-service, on the broker, never routed by the gateway.
"""

from members import domain, repository
from members.models import Member


def member_contact(uow, member_id):
    """The member's name, e-mail, phone and unit, and whether they may be contacted; None if unknown.

    ``contact_consent`` is true only while a CONTACT consent is on record and not withdrawn, and the
    member has not left: silence is not consent (Law 91/2025).
    """
    with uow:
        member = uow.session.get(Member, member_id)
        if member is None:
            return None
        consent = repository.latest_consent(uow.session, member.id, purpose=domain.CONSENT_CONTACT)
        return {
            "member_id": str(member.id),
            "full_name": member.full_name,
            "email": member.email,
            "phone": member.phone,
            "unit_code": member.unit_code,
            "unit_path": member.unit_path,
            "status": member.status,
            "contact_consent": bool(
                consent is not None and consent.withdrawn_at is None and member.status == domain.MemberStatus.ACTIVE
            ),
        }


def unit_officers(uow, unit_code):
    """The active officers of ``unit_code`` and of every unit above it, nearest unit first.

    Each carries ``distance`` (0 for the unit itself, 1 for its parent ...) so that a rule can choose,
    say, the officers of the unit and of its commune. An unknown unit has no officers.
    """
    with uow:
        unit = repository.get_unit(uow.session, unit_code)
        if unit is None:
            return []
        chain = unit.path.strip("/").split("/")[::-1]  # the unit, its parent, ... the centre
        distance = {code: index for index, code in enumerate(chain)}
        levels = {u.code: u.level for u in (repository.get_unit(uow.session, code) for code in chain)}
        officers = repository.active_officers_of_units(uow.session, chain)
        return [
            {
                "officer_id": str(o.id),
                "username": o.username,
                "full_name": o.full_name,
                "role": o.role,
                "unit_code": o.unit_code,
                "unit_level": levels[o.unit_code],
                "distance": distance[o.unit_code],
            }
            for o in sorted(officers, key=lambda o: (distance[o.unit_code], o.username))
        ]
