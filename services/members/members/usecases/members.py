"""Registering, reading, searching, updating, transferring and leaving members."""

import uuid
from types import SimpleNamespace

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from contracts.envelope import make_event
from contracts.errors import MemberAlreadyRegistered, MemberNotFound, TransitionRejected, ValidationFailed
from members import domain, repository
from members.models import Consent, Member, Membership
from members.usecases import common, titles
from servicekit import business

SOURCE = "members"


def register_member(uow, actor, command, idempotency_key=None):
    with uow:
        replay = uow.idempotent("register_member", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        [member], units = _register(uow, actor, [command])
        result = common.member_view(member, units[member.unit_code].name, actor=actor)
        uow.remember(result)
        _commit_unless_duplicate(uow)
    business.count(SOURCE, "registered")  # after the commit, and never for a replay
    return result


def register_members(uow, actor, commands):
    """Register many members in one transaction (demo data now, bulk imports later): all or nothing.

    Rows are checked first, then written together: one query for duplicates, one counter update per
    province and year for card numbers, one batch of inserts and of outbox rows.
    """
    with uow:
        members, _ = _register(uow, actor, commands)
        _commit_unless_duplicate(uow)
    business.count(SOURCE, "registered", len(members))
    return [m.id for m in members]


def _register(uow, actor, commands):
    """Check and write ``commands``: one statement per table (Core, not the ORM's unit of work: the ORM's
    flush was a third of the members process's CPU per registration, tests/bench profile)."""
    common.require_write(actor)
    for command in commands:
        common.require_party_membership_access(actor, command)
    session, today = uow.session, common.today()
    # The actor's unit and the target units in one query; held here, so that the lookups below find them in
    # the session's identity map (it keeps no object nobody refers to) instead of asking again.
    loaded = repository.units_by_code(session, {actor["unit_code"], *(c["unit_code"] for c in commands)})
    scope = common.scope_path(session, actor)
    units = {}
    for code in dict.fromkeys(c["unit_code"] for c in commands):
        unit = common.unit_in_scope(session, code, scope)
        # Checked on the day of registration: a join date may precede the 2025 units (members of merged units).
        units[code] = common.unit_accepting_members(session, code, "unit_code", today, unit)
    for command in commands:
        common.not_in_future(command.get("join_date"), "join_date")
    rows = [_checked_row(command, today, index, len(commands)) for index, command in enumerate(commands)]
    if len(commands) > 1:  # one registration relies on the unique CCCD at its INSERT: a round trip fewer
        _refuse_duplicates(session, [fields["cccd"] for fields, _ in rows])
    now = common.now()
    members, openings = [], []
    for (fields, consent), command in zip(rows, commands, strict=True):
        member, opening = _new_member(actor, fields, consent, units[command["unit_code"]],
                                      command.get("join_date") or today, now)  # fmt: skip
        member["party_member"] = command.get("party_member")
        members.append(member)
        openings.append(opening)
    uow.emit_all(
        make_event(
            "member_registered",
            {
                "member_id": m["id"],
                "member_version": 1,
                "unit_code": m["unit_code"],
                "unit_path": m["unit_path"],
                "join_date": m["join_date"],
            },
            SOURCE,
        )
        for m in members
    )
    # The card counter of the province and year stays locked until the commit, and every registration of the
    # province waits for it: it is taken last, right before the rows that need its numbers.
    # A card carries the year it was issued, not the year its holder joined.
    cards = _card_numbers(session, [(units[c["unit_code"]], today) for c in commands])
    for member, card in zip(members, cards, strict=True):
        member["card_number"] = card
    _unless_duplicate(lambda: session.execute(insert(Member.__table__), members))  # before what refers to them
    session.execute(insert(Membership.__table__), [membership for membership, _ in openings])
    session.execute(insert(Consent.__table__), [record for _, records in openings for record in records])
    del loaded
    return [SimpleNamespace(**member, left_on=None, left_reason=None) for member in members], units


def _checked_row(command, today, index, count):
    consent = command["consent"]
    extra = _consent_problems(consent, command.get("birth_date") or command.get("birth_year"), today)
    try:
        return _checked_fields(command, today, extra), consent
    except ValidationFailed as error:
        if count == 1:
            raise
        raise ValidationFailed.from_fields({f"rows.{index}.{k}": v for k, v in error.fields.items()}) from None


def _refuse_duplicates(session, cccds):
    if len(set(cccds)) != len(cccds) or repository.existing_cccds(session, cccds):
        raise MemberAlreadyRegistered()


def _card_numbers(session, units_and_dates):
    """Card numbers for each new member, taking each (province, year) counter once."""
    wanted = {}
    for unit, on in units_and_dates:
        key = (common.province_of(unit.path), on.year)
        wanted[key] = wanted.get(key, 0) + 1
    first = {key: repository.take_card_seqs(session, *key, count) for key, count in wanted.items()}
    numbers = []
    for unit, on in units_and_dates:
        key = (common.province_of(unit.path), on.year)
        numbers.append(domain.card_number(key[0], key[1], first[key]))
        first[key] += 1
    return numbers


def _new_member(actor, fields, consent, unit, join_date, now):
    """A new member's row (without its card number) and the rows of its opening: membership and consent."""
    member = {
        "id": uuid.uuid4(),
        **fields,
        "unit_code": unit.code,
        "unit_path": unit.path,
        "status": domain.MemberStatus.ACTIVE.value,
        "join_date": join_date,
        "consent_given_at": consent.get("given_at") or now,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return member, _opening_rows(actor, member["id"], consent, unit, join_date, member["consent_given_at"], "JOINED")


def _opening_rows(actor, member_id, consent, unit, on, given_at, reason):
    """The membership a member opens in ``unit`` on ``on``, the consent record that goes with it, and a
    second record when the member also agreed to be contacted (purpose CONTACT: messages by e-mail or SMS),
    as rows: (membership, [consent records])."""
    membership = {
        "member_id": member_id, "unit_code": unit.code, "unit_path": unit.path, "started_on": on, "start_reason": reason
    }
    purposes = [domain.CONSENT_MEMBERSHIP] + ([domain.CONSENT_CONTACT] if consent.get("contact") else [])
    records = [
        {
            "member_id": member_id,
            "purpose": purpose,
            "channel": consent["channel"],
            "given_at": given_at,
            "recorded_by": actor["username"],
            "guardian_name": consent.get("guardian_name"),
            "guardian_relation": consent.get("guardian_relation"),
        }
        for purpose in purposes
    ]
    return membership, records


def _opening(actor, member_id, consent, unit, on, given_at, reason):
    """``_opening_rows`` as ORM objects, for a session that holds the member."""
    membership, records = _opening_rows(actor, member_id, consent, unit, on, given_at, reason)
    return (Membership(**membership), *(Consent(**record) for record in records))


def _checked_fields(command, today, extra_problems=()):
    """The member's own fields, normalised; every problem with them at once as ``ValidationFailed``."""
    birth_date, birth_year = command.get("birth_date"), command.get("birth_year")
    problems = domain.validate_member_fields(
        command["cccd"],
        command["gender"],
        birth_year,
        birth_date,
        command.get("phone"),
        command.get("email"),
        command["full_name"],
        today,
    )
    problems += extra_problems
    if problems:
        raise ValidationFailed.from_fields(domain.problems_by_field(problems))
    full_name = domain.normalise_full_name(command["full_name"])
    return {
        "cccd": domain.normalise_cccd(command["cccd"]),
        "full_name": full_name,
        "name_folded": domain.fold_name(full_name),
        "gender": command["gender"],
        "birth_date": birth_date,
        "birth_year": birth_year or birth_date.year,
        "phone": domain.normalise_phone(command["phone"]) if command.get("phone") else None,
        "email": command.get("email"),
        "ethnicity": command.get("ethnicity"),
        "religion": command.get("religion"),
    }


def _consent_problems(consent, birth, today):
    problems = []
    if not consent.get("given"):
        problems.append(
            domain.FieldProblem(
                "consent.given",
                "consent_required",
                "Cần có sự đồng ý rõ ràng của người đăng ký (im lặng không phải là đồng ý).",
                "Explicit consent is required (silence is not consent).",
            )
        )
    if birth is not None and domain.is_minor(birth, today) and not consent.get("guardian_name"):
        problems.append(
            domain.FieldProblem(
                "consent.guardian_name",
                "guardian_consent_required",
                "Người chưa thành niên cần có sự đồng ý của người giám hộ.",
                "A minor needs a guardian's consent.",
            )
        )
    return problems


def _commit_unless_duplicate(uow):
    _unless_duplicate(uow.commit)


def _unless_duplicate(step):
    """Run ``step`` (the flush of new members, or the commit) and report a concurrent registration of the
    same CCCD that won the race as ``MemberAlreadyRegistered``. PostgreSQL checks the unique CCCD at the
    INSERT, so the flush sees it first; the driver's message holds the full CCCD and must not escape."""
    try:
        step()
    except IntegrityError as error:
        if "cccd" in str(error.orig).lower():
            raise MemberAlreadyRegistered() from None
        raise


def get_member(uow, actor, member_id):
    with uow:
        member = _member_in_scope(uow.session, actor, member_id)
        history = [
            {
                "unit_code": m.unit_code,
                "unit_name": name,
                "started_on": m.started_on,
                "ended_on": m.ended_on,
                "end_reason": m.end_reason,
            }
            for m, name in repository.memberships_of(uow.session, member.id)
        ]
        unit_name = repository.get_unit(uow.session, member.unit_code).name
        # The record of one member also lists its learning titles (kept from evaluation_completed).
        return common.member_view(
            member, unit_name, history, titles=titles.titles_of(uow.session, member.id), actor=actor
        )


def _member_in_scope(session, actor, member_id, for_update=False):
    """The member if in the actor's subtree. ``for_update`` locks the row until the commit: every change of a
    member reads, checks and writes it, and two concurrent transfers of one member both opened a membership
    (the authorisation matrix sent three at once; leaving then failed on the two open memberships)."""
    member = repository.get_member(session, member_id, common.scope_path(session, actor), for_update)
    if member is None:
        raise MemberNotFound(details={"member_id": str(member_id)})
    return member


def search_members(uow, actor, query):
    with uow:
        scope = common.scope_path(uow.session, actor)
        if query.get("unit_code"):
            scope = common.unit_in_scope(uow.session, query["unit_code"], scope).path
        cccd = domain.normalise_cccd(query["cccd"]) if query.get("cccd") else None
        members, total, capped = repository.search_members(
            uow.session,
            scope,
            common.search_text(query.get("q")),
            cccd,
            query.get("status"),
            query["page"],
            query["page_size"],
        )
        names = repository.unit_names(uow.session, [m.unit_code for m in members])
        items = [common.member_view(m, names.get(m.unit_code), actor=actor) for m in members]
        page = {"items": items, "page": query["page"], "page_size": query["page_size"], "total": total}
        return {**page, "total_is_capped": capped}


def update_member(uow, actor, member_id, changes):
    with uow:
        common.require_write(actor)
        member = _member_in_scope(uow.session, actor, member_id, for_update=True)
        if member.status == domain.MemberStatus.LEFT:
            raise TransitionRejected(
                "A member who left cannot be edited.", {}, "Không thể sửa hồ sơ của hội viên đã rời hội."
            )
        apply_party_membership(actor, member, changes)
        apply_changes(uow, member, changes)
        result = common.member_view(member, repository.get_unit(uow.session, member.unit_code).name, actor=actor)
        uow.commit()
    return result


def apply_changes(uow, member, changes):
    """Check and apply ``changes`` to ``member`` (inside the caller's unit of work), emitting member_updated
    with the names of the fields that changed; returns them. Shared with data-subject corrections
    (``privacy.correct_member``), which may also correct a member who left."""
    merged = {
        "cccd": member.cccd,
        "full_name": member.full_name,
        "gender": member.gender,
        "birth_date": member.birth_date,
        "birth_year": None if member.birth_date else member.birth_year,
        "phone": member.phone,
        "email": member.email,
        "ethnicity": member.ethnicity,
        "religion": member.religion,
    }
    merged.update(changes)
    if "birth_date" in changes and changes["birth_date"] is not None and "birth_year" not in changes:
        merged["birth_year"] = None
    fields = _checked_fields(merged, common.today())
    changed = sorted(k for k, v in fields.items() if getattr(member, k) != v and k != "name_folded")
    for key, value in fields.items():
        setattr(member, key, value)
    if changed:
        _bump(uow, member, "member_updated", changed_fields=changed)
    return changed


def apply_party_membership(actor, member, changes):
    """Party membership from an edit or a correction, for an ADMIN only; True when it changed. No event and no
    new version: it never leaves this service (contracts.members.PARTY_MEMBER_RULE)."""
    common.require_party_membership_access(actor, changes)
    if "party_member" not in changes or member.party_member == changes["party_member"]:
        return False
    member.party_member = changes["party_member"]
    member.updated_at = common.now()
    return True


def _bump(uow, member, event_type, **payload):
    member.version += 1
    member.updated_at = common.now()
    uow.emit(
        make_event(
            event_type,
            {
                "member_id": member.id,
                "member_version": member.version,
                "unit_code": member.unit_code,
                "unit_path": member.unit_path,
                **payload,
            },
            SOURCE,
        )
    )


def transfer_member(uow, actor, member_id, command, idempotency_key=None):
    with uow:
        replay = uow.idempotent(f"transfer_member:{member_id}", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        common.require_write(actor)
        member = _member_in_scope(uow.session, actor, member_id, for_update=True)
        on = common.not_in_future(command.get("transferred_on"), "transferred_on")
        target = common.unit_accepting_members(uow.session, command["to_unit_code"], "to_unit_code", on)
        _check_transfer(member, target, on)
        old_code, old_path = member.unit_code, member.unit_path
        _close_membership(uow.session, member, on, "TRANSFERRED")
        uow.session.add(
            Membership(
                member_id=member.id,
                unit_code=target.code,
                unit_path=target.path,
                started_on=on,
                start_reason="TRANSFERRED_IN",
            )
        )
        member.unit_code, member.unit_path = target.code, target.path
        _bump(uow, member, "member_transferred", from_unit_code=old_code, from_unit_path=old_path, transferred_on=on)
        result = common.member_view(member, target.name, actor=actor)
        uow.remember(result)
        uow.commit()
    return result


def _check_transfer(member, target, on):
    if member.status != domain.MemberStatus.ACTIVE:
        raise TransitionRejected(
            "Only an active member can be transferred.", {}, "Chỉ chuyển sinh hoạt được hội viên đang hoạt động."
        )
    if target.code == member.unit_code:
        raise TransitionRejected("The member already belongs to this unit.", {}, "Hội viên đã thuộc đơn vị này.")
    if on < member.join_date:
        raise TransitionRejected(
            "A transfer cannot precede the join date.", {}, "Ngày chuyển không thể trước ngày vào hội."
        )


def _close_membership(session, member, on, reason):
    membership = repository.open_membership(session, member.id)
    if membership is not None:
        if on < membership.started_on:
            raise TransitionRejected(
                "The date is before the start of the current membership.",
                {},
                "Ngày này trước ngày bắt đầu sinh hoạt tại đơn vị hiện tại.",
            )
        membership.ended_on, membership.end_reason = on, reason


def leave_member(uow, actor, member_id, command, idempotency_key=None):
    with uow:
        replay = uow.idempotent(f"leave_member:{member_id}", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        common.require_write(actor)
        member = _member_in_scope(uow.session, actor, member_id, for_update=True)
        if member.status != domain.MemberStatus.ACTIVE:
            raise TransitionRejected("This member has already left.", {}, "Hội viên này đã rời hội.")
        on = common.not_in_future(command.get("left_on"), "left_on")
        _close_membership(uow.session, member, on, "LEFT")
        member.status, member.left_on, member.left_reason = domain.MemberStatus.LEFT, on, command.get("reason_code")
        _bump(uow, member, "member_left", left_on=on, reason_code=command.get("reason_code"))
        result = common.member_view(member, repository.get_unit(uow.session, member.unit_code).name, actor=actor)
        uow.remember(result)
        uow.commit()
    return result


def rejoin_member(uow, actor, member_id, command, idempotency_key=None):
    """A member who left joins again: a new membership and a new consent record; the old ones stay."""
    with uow:
        replay = uow.idempotent(f"rejoin_member:{member_id}", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        common.require_write(actor)
        session, today = uow.session, common.today()
        member = _member_in_scope(session, actor, member_id, for_update=True)
        if not domain.can_rejoin(member.status, member.left_reason):
            raise TransitionRejected(
                "Only a member who left (and is alive) can rejoin.",
                {},
                "Chỉ hội viên đã rời hội mới có thể vào lại hội.",
            )
        unit = common.unit_in_scope(session, command["unit_code"], common.scope_path(session, actor))
        common.unit_accepting_members(session, unit.code, "unit_code", today, unit)
        on = common.not_in_future(command.get("join_date"), "join_date")
        if on < member.left_on:
            raise TransitionRejected(
                "A member cannot rejoin before the day they left.", {}, "Ngày vào lại không thể trước ngày rời hội."
            )
        consent = command["consent"]
        problems = _consent_problems(consent, member.birth_date or member.birth_year, today)
        if problems:
            raise ValidationFailed.from_fields(domain.problems_by_field(problems))
        member.consent_given_at = consent.get("given_at") or common.now()
        session.add_all(_opening(actor, member.id, consent, unit, on, member.consent_given_at, "REJOINED"))
        member.status, member.left_on, member.left_reason = domain.MemberStatus.ACTIVE, None, None
        member.unit_code, member.unit_path, member.join_date = unit.code, unit.path, on
        _bump(uow, member, "member_rejoined", join_date=on)
        result = common.member_view(member, unit.name, actor=actor)
        uow.remember(result)
        uow.commit()
    return result
