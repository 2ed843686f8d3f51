"""Following a reorganisation of units (``units_merged``, ``unit_split``), and its dry run.

The projection of the tree follows the event (``servicekit.orgunits.apply_reorganisation``). Records of a
closed unit (evaluations, the member projection, campaigns) are re-pointed to the unit that takes them;
each keeps where it was in ``record_unit_history`` (valid until the day before the change), so a report
of an earlier period still counts it under the old unit. Records of units that only moved keep their unit
and take its new path. Statuses never change: a title recognised stays recognised.

One transaction with the inbox claim: a redelivered event changes nothing, and so does the same operation
under another event id (the records have left the closed unit; the history rows are already there).
"""

from datetime import timedelta

from contracts.errors import PermissionDenied
from contracts.reorganisation import ServicePreviewSchema
from evaluations import domain, repository
from evaluations.models import ORG_UNIT_PATHS, ORG_UNITS
from evaluations.usecases import common
from servicekit import orgunits

SERVICE = "evaluations"


def follow_reorganisation(uow, consumer, envelope, payload):
    with uow:
        if uow.claim(consumer, envelope):
            session, event_type = uow.session, envelope["event_type"]
            orgunits.apply_reorganisation(session, ORG_UNITS, ORG_UNIT_PATHS, event_type, payload)
            for moved in payload.get("moved_units") or ():
                repository.follow_moved_unit(session, moved["unit_code"], moved["from_path"], moved["to_path"])
            mover = _Mover(session, payload)
            if event_type == "units_merged":
                _follow_merge(mover, payload)
            else:
                _follow_split(mover, payload)
        uow.commit()


def _follow_merge(mover, payload):
    survivor = (payload["survivor_code"], payload["survivor_path"])
    for merged in payload["merged"]:
        if merged["unit_code"] == payload["survivor_code"]:
            continue
        code = merged["unit_code"]
        mover.move(
            "evaluation", code, {row.id: survivor for row in repository.evaluations_of_unit(mover.session, code)}
        )
        mover.move("member", code, dict.fromkeys(_member_ids(mover.session, code), survivor))
        mover.move_campaigns(code, survivor)


def _follow_split(mover, payload):
    source, closed = payload["source_code"], payload["source_closed"]
    successor = (payload["successor_code"], payload["successor_path"])
    members = {m["member_id"]: (m["to_unit_code"], m["to_unit_path"]) for m in payload.get("moved_members") or ()}
    evaluations = {
        row.id: domain.split_destination(row.member_id, row.subject_unit_code, source, members, successor, closed)
        for row in repository.evaluations_of_unit(mover.session, source)
    }
    mover.move("evaluation", source, evaluations)
    mover.move(
        "member",
        source,
        {
            member_id: members.get(member_id, successor if closed else None)
            for member_id in _member_ids(mover.session, source)
        },
    )
    if closed:
        mover.move_campaigns(source, successor)


def _member_ids(session, code):
    return [row.member_id for row in repository.member_units_of_unit(session, code)]


class _Mover:
    """Re-points records of one unit, keeping the unit each had (valid until the day before the change)."""

    def __init__(self, session, payload):
        self.session = session
        self.last_day = payload["effective_on"] - timedelta(days=1)
        self.reorganisation_id = payload["reorganisation_id"]
        self.paths = {}

    def move(self, kind, from_code, destinations):
        """``destinations``: record id -> (code, path) or None (the record stays)."""
        from_path = self._path(from_code)
        by_destination = {}
        for record_id, destination in destinations.items():
            if destination is not None and destination[0] != from_code:
                by_destination.setdefault(destination, []).append(record_id)
        history = [
            {
                "record_kind": kind,
                "record_id": record_id,
                "valid_until": self.last_day,
                "unit_code": from_code,
                "unit_path": from_path,
                "reorganisation_id": self.reorganisation_id,
            }
            for ids in by_destination.values()
            for record_id in ids
        ]
        repository.keep_earlier_units(self.session, history)
        for (code, path), ids in by_destination.items():
            repository.repoint(self.session, kind, ids, code, self._path(code, path))

    def move_campaigns(self, from_code, destination):
        """A closed unit's campaign of a year the destination has none of goes to it; the others stay
        (their evaluations keep them: the criteria set and deadlines they were registered under)."""
        taken = repository.campaign_years(self.session, destination[0])
        moving = {}
        for campaign in sorted(repository.campaigns_of_unit(self.session, from_code), key=lambda c: c.year):
            if campaign.year not in taken:
                moving[campaign.id] = destination
        self.move("campaign", from_code, moving)

    def _path(self, code, default=None):
        if code not in self.paths:
            unit = orgunits.get_unit(self.session, ORG_UNITS, code)
            self.paths[code] = unit.path if unit is not None else default
        return self.paths[code] or default


# --- the dry run ----------------------------------------------------------------------------------------


def preview_reorganisation(uow, actor, plan):
    """What this service would move for a plan (validated by ``ReorganisationPlanSchema``): per closed
    unit, its registrations (evaluations) and its members' projection entries, with where they would go."""
    if actor["role"] != "ADMIN":
        raise PermissionDenied()
    items = []
    with uow:
        scope = common.scope_path(uow.session, actor)
        for operation in plan["operations"]:
            if operation["kind"] == "MERGE":
                items += _preview_merge(uow.session, scope, operation)
            else:
                items += _preview_split(uow.session, scope, operation)
    return ServicePreviewSchema().dump({"service": SERVICE, "items": items})


def _preview_merge(session, scope, operation):
    survivor = common.unit_in_scope(session, operation["survivor_code"], scope).code
    items = []
    for code in dict.fromkeys(operation["merged_codes"]):
        common.unit_in_scope(session, code, scope)
        if code == survivor:
            continue
        for what, kind in (("registrations", "evaluation"), ("members", "member")):
            count = repository.count_of_unit(session, kind, code)
            items.append({"what": what, "from_unit_code": code, "to_unit_code": survivor, "count": count})
    return items


def _preview_split(session, scope, operation):
    source = common.unit_in_scope(session, operation["source_code"], scope).code
    codes, labels = {}, {}
    for target in operation["targets"]:
        code = target.get("code") or target["key"]
        if orgunits.get_unit(session, ORG_UNITS, code) is not None:
            common.unit_in_scope(session, code, scope)
        else:
            labels[code] = target.get("name")
        codes[target["key"]] = code
    default = codes[operation.get("default_target") or operation["targets"][0]["key"]]
    successor = codes[operation["successor"]] if operation.get("successor") else default
    assigned = {key.lower(): codes[value] for key, value in operation["assignments"].items()}
    members = {m: assigned.get(str(m), default) for m in _member_ids(session, source)}
    closed = not operation["keep_source"]
    counts = {}
    for row in repository.evaluations_of_unit(session, source):
        to = domain.split_destination(row.member_id, row.subject_unit_code, source, members, successor, closed)
        counts[("registrations", to)] = counts.get(("registrations", to), 0) + 1
    for to in members.values():
        counts[("members", to)] = counts.get(("members", to), 0) + 1
    return [
        {"what": what, "from_unit_code": source, "to_unit_code": to, "count": count, "label": labels.get(to)}
        for (what, to), count in sorted((key, n) for key, n in counts.items() if key[1] not in (None, source))
    ]
