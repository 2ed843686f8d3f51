"""Activities of units: study sessions, training classes and campaigns, with their participations (issue 11).

Any role reads the activities of its subtree; ADMIN and OFFICER record them and delete one recorded by
mistake. An activity keeps the path its unit had when it was recorded, so that a report of a period before a
reorganisation counts it under the unit as it stood; a unit moved since still lists it (repository).
"""

from contracts.errors import ValidationFailed, field_error
from contracts.reports import ActivityNotFound, ActivityPageSchema, ActivitySchema
from members import repository
from members.models import Activity
from members.usecases import common


def record_activity(uow, actor, unit_code, command, idempotency_key=None):
    with uow:
        replay = uow.idempotent(f"record_activity:{unit_code}", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        common.require_write(actor)
        activity, unit = _new_activity(uow.session, actor, common.scope_path(uow.session, actor), unit_code, command)
        result = activity_view(activity, unit.name)
        uow.remember(result)
        uow.commit()
    return result


def record_activities(uow, actor, commands):
    """Record many activities (each a command with its ``unit_code``) in one transaction, each checked as
    ``record_activity`` checks it: the demo's year of activities. Returns how many."""
    with uow:
        common.require_write(actor)
        scope = common.scope_path(uow.session, actor)
        for command in commands:
            _new_activity(uow.session, actor, scope, command["unit_code"], command)
        uow.commit()
    return len(commands)


def _new_activity(session, actor, scope, unit_code, command):
    unit = common.unit_in_scope(session, unit_code, scope)
    started_on = common.not_in_future(command["started_on"], "started_on")
    _refuse_if_closed(unit, started_on)
    activity = Activity(
        unit_code=unit.code,
        unit_path=unit.path,
        kind=command["kind"],
        title=_title(command["title"]),
        started_on=started_on,
        ended_on=command.get("ended_on") or started_on,
        sessions=command["sessions"],
        participants=command["participants"],
        notes=command.get("notes"),
        recorded_by=actor["username"],
        created_at=common.now(),
    )
    session.add(activity)
    session.flush()
    return activity, unit


def _title(title):
    if not title.strip():
        raise ValidationFailed.from_fields(
            {"title": [field_error("required", "Hãy nhập tên hoạt động.", "Give the activity a title.")]}
        )
    return title.strip()


def _refuse_if_closed(unit, started_on):
    """A unit merged away or dissolved records nothing after its last day (its successor does)."""
    if unit.valid_to is not None and started_on > unit.valid_to:
        raise ValidationFailed.from_fields(
            {
                "started_on": [
                    field_error(
                        "unit_closed",
                        "Đơn vị đã giải thể hoặc sáp nhập trước ngày này: hãy ghi nhận cho đơn vị tiếp nhận.",
                        "The unit was closed (dissolved or merged) before this day: record it for its successor.",
                    )
                ]
            }
        )


def list_activities(uow, actor, unit_code, query):
    with uow:
        session = uow.session
        unit = common.unit_in_scope(session, unit_code, common.scope_path(session, actor))
        page, size = query["page"], query["page_size"]
        rows, total = repository.list_activities(
            session, unit.path, query.get("date_from"), query.get("date_to"), query.get("kind"), page, size
        )
        items = [_view(activity, name) for activity, name in rows]
        return ActivityPageSchema().dump({"items": items, "total": total, "page": page, "page_size": size})


def get_activity(uow, actor, activity_id):
    with uow:
        activity, unit_name = _activity_in_scope(uow.session, actor, activity_id)
        return activity_view(activity, unit_name)


def delete_activity(uow, actor, activity_id):
    """Remove an activity recorded by mistake (ADMIN or OFFICER of a unit above it)."""
    with uow:
        common.require_write(actor)
        activity, _ = _activity_in_scope(uow.session, actor, activity_id, for_update=True)
        uow.session.delete(activity)
        uow.commit()


def _activity_in_scope(session, actor, activity_id, for_update=False):
    row = repository.get_activity(session, activity_id, common.scope_path(session, actor), for_update)
    if row is None:
        raise ActivityNotFound(details={"activity_id": str(activity_id)})
    return row


def _view(activity, unit_name):
    return {
        "id": str(activity.id),
        "unit_code": activity.unit_code,
        "unit_name": unit_name,
        "kind": activity.kind,
        "title": activity.title,
        "started_on": activity.started_on,
        "ended_on": activity.ended_on,
        "sessions": activity.sessions,
        "participants": activity.participants,
        "notes": activity.notes,
        "recorded_by": activity.recorded_by,
        "created_at": activity.created_at,
    }


def activity_view(activity, unit_name):
    return ActivitySchema().dump(_view(activity, unit_name))
