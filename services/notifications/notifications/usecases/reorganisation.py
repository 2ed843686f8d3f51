"""Following a reorganisation of units (issue 11): ``units_merged`` and ``unit_split`` from members.

What notifications keeps per unit: webhook subscriptions (each scoped to a unit's subtree) and notes to
the officers of a unit that the dispatcher has not expanded yet. In the transaction that claims the event:

- the projection of the tree follows (``orgunits.apply_reorganisation``; earlier paths are kept);
- a subscription scoped to a closed unit is re-scoped to the survivor (the successor of a split); one
  scoped to a unit that only moved (a grassroots unit below a merged commune) keeps its unit and gets the
  unit's new path;
- a waiting note to the officers of a closed unit goes to the officers of the survivor instead;
- each change is written to ``reroutes`` (what, from, to, which reorganisation) for the operators;
- then the event is offered to the rules and the subscriptions like any other (``events``): the officers
  of the survivor are told, and subscribers of every unit touched receive it.

Inboxes and preferences belong to officers, not units (members re-points the officers of a closed unit),
so they need nothing here; ``reminders_sent`` records what was sent and stays as it was. A redelivered
event is claimed already and changes nothing; another event of the same reorganisation finds everything
moved already and records nothing twice.
"""

from datetime import UTC, datetime

from contracts.errors import PermissionDenied
from notifications import repository
from notifications.models import ORG_UNIT_PATHS, ORG_UNITS, REROUTES
from servicekit import orgunits

SERVICE = "notifications"
LABELS = {
    "subscriptions": "Đăng ký webhook của đơn vị / webhook subscriptions of the unit",
    "subscriptions_below": "Đăng ký webhook của đơn vị cấp dưới (đổi đường dẫn) / of units below (new path)",
    "pending_notifications": "Thông báo chờ gửi cán bộ đơn vị / notes waiting for the unit's officers",
}


# --- the consumer's effect ------------------------------------------------------------------------------


def follow(envelope, payload):
    """The effect ``events.handle_event`` runs in the claiming transaction, before the deliveries."""
    return lambda session: reroute(session, envelope["event_type"], payload, datetime.now(UTC))


def closed_units(event_type, payload):
    """``{closed code: (its path before, successor code, successor path)}`` of a merge or split."""
    if event_type == "units_merged":
        survivor = (payload["survivor_code"], payload["survivor_path"])
        return {u["unit_code"]: (u["unit_path"], *survivor) for u in payload["merged"] if u["unit_code"] != survivor[0]}
    if not payload["source_closed"]:
        return {}
    return {payload["source_code"]: (payload["source_path"], payload["successor_code"], payload["successor_path"])}


def reroute(session, event_type, payload, now):
    """Apply a merge or split to the projection and re-route what hangs on its units. Returns the count."""
    orgunits.apply_reorganisation(session, ORG_UNITS, ORG_UNIT_PATHS, event_type, payload)
    closed = closed_units(event_type, payload)
    record = _recorder(session, payload["reorganisation_id"], event_type, now)
    for sub in repository.subscriptions_of_units(session, closed):
        _path, code, path = closed[sub.unit_code]
        repository.update_subscription(session, sub.id, unit_code=code, unit_path=path)
        record("SUBSCRIPTION", sub.id, sub.unit_code, sub.unit_path, code, path)
    old_paths = [path for path, _code, _path in closed.values()]
    old_paths += [moved["from_path"] for moved in payload.get("moved_units") or ()]
    for old_path in old_paths:  # units below that moved: same unit, the path the projection now gives it
        for sub in repository.subscriptions_under(session, old_path):
            unit = repository.unit(session, sub.unit_code)
            if unit is not None and unit.path != sub.unit_path:
                repository.update_subscription(session, sub.id, unit_path=unit.path)
                record("SUBSCRIPTION", sub.id, sub.unit_code, sub.unit_path, sub.unit_code, unit.path)
    for row in repository.waiting_unit_deliveries(session, closed):
        old_path, code, path = closed[row.recipient_id]
        if repository.readdress_delivery(session, row.id, code):
            record("DELIVERY", row.public_id, row.recipient_id, old_path, code, path)
    return record.count


def _recorder(session, reorganisation_id, event_type, now):
    def record(kind, item_id, from_code, from_path, to_code, to_path):
        row = {
            "reorganisation_id": repository.as_uuid(reorganisation_id),
            "event_type": event_type,
            "item_kind": kind,
            "item_id": str(item_id),
            "from_unit_code": from_code,
            "from_unit_path": from_path,
            "to_unit_code": to_code,
            "to_unit_path": to_path,
            "rerouted_at": now,
        }
        record.count += repository.insert_ignoring_duplicates(session, REROUTES, [row])

    record.count = 0
    return record


# --- the dry run and the record ---------------------------------------------------------------------------


def _require_admin(actor):
    if actor["role"] != "ADMIN":
        raise PermissionDenied()


def preview_reorganisation(uow, actor, plan):
    """What a plan would re-route here (nothing is written): ``contracts.reorganisation.ServicePreviewSchema``.
    Every unit the plan names must be in the administrator's subtree (else ``UnitNotFound``)."""
    _require_admin(actor)
    with uow:
        session = uow.session
        scope = orgunits.scope_path(session, ORG_UNITS, actor)
        items = []
        for operation in plan["operations"]:
            preview = _preview_merge if operation["kind"] == "MERGE" else _preview_split
            items.extend(preview(session, scope, operation))
        return {"service": SERVICE, "items": items}


def _item(what, from_code, to_code, count):
    return {"what": what, "from_unit_code": from_code, "to_unit_code": to_code, "count": count, "label": LABELS[what]}


def _closing(session, unit, to_code, below=True):
    subscriptions = repository.subscriptions_of_units(session, [unit.code])
    waiting = repository.waiting_unit_deliveries(session, [unit.code])
    items = [
        _item("subscriptions", unit.code, to_code, len(subscriptions)),
        _item("pending_notifications", unit.code, to_code, len(waiting)),
    ]
    under = [s for s in repository.subscriptions_under(session, unit.path) if s.unit_code != unit.code]
    if below and under:
        items.append(_item("subscriptions_below", unit.code, to_code, len(under)))
    return items


def _preview_merge(session, scope, operation):
    survivor = orgunits.unit_in_scope(session, ORG_UNITS, operation["survivor_code"], scope)
    items = []
    for code in dict.fromkeys(operation["merged_codes"]):
        if code != survivor.code:
            items.extend(_closing(session, orgunits.unit_in_scope(session, ORG_UNITS, code, scope), survivor.code))
    return items


def _preview_split(session, scope, operation):
    source = orgunits.unit_in_scope(session, ORG_UNITS, operation["source_code"], scope)
    codes = {target["key"]: target.get("code") or target["key"] for target in operation["targets"]}
    successor = codes[operation["successor"] or operation["default_target"] or operation["targets"][0]["key"]]
    items = [] if operation["keep_source"] else _closing(session, source, successor, below=False)
    below = {}
    for child in repository.children(session, source.code):
        key = operation["assignments"].get(child.code) or operation["default_target"]
        if key is not None:
            below[codes[key]] = below.get(codes[key], 0) + len(repository.subscriptions_under(session, child.path))
    items += [_item("subscriptions_below", source.code, code, count) for code, count in below.items() if count]
    return items


def list_reroutes(uow, actor, reorganisation_id=None):
    """What merges and splits re-routed into or out of the administrator's subtree, newest first."""
    _require_admin(actor)
    with uow:
        scope = orgunits.scope_path(uow.session, ORG_UNITS, actor)
        rows = repository.reroutes(uow.session, scope, reorganisation_id)
        return {"items": [_reroute(row) for row in rows]}


def _reroute(row):
    return {
        "reorganisation_id": str(row.reorganisation_id),
        "event_type": row.event_type,
        "item_kind": row.item_kind,
        "item_id": row.item_id,
        "from_unit_code": row.from_unit_code,
        "from_unit_path": row.from_unit_path,
        "to_unit_code": row.to_unit_code,
        "to_unit_path": row.to_unit_path,
        "rerouted_at": row.rerouted_at.isoformat(),
    }
