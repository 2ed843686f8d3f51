"""Rule time: an event becomes delivery rows, in the transaction that claims the event (inbox).

Nothing is sent here and nobody is asked anything: a rule addressed to a member or a donor gives one
row per channel, a rule addressed to officers gives one fan-out row (the dispatcher asks the members or
funds service who they are), and every active webhook subscription that names the event and whose unit
subtree holds the event's unit gives one row. A redelivered event is claimed already and creates nothing.
"""

import json
from datetime import UTC, datetime

from contracts.envelope import EnvelopeSchema
from notifications import repository
from notifications.models import DELIVERIES, ORG_UNITS
from servicekit import orgunits

CONSUMER = "notifications"
FANOUT_KINDS = {"unit_officers": "UNIT_OFFICERS", "disbursement_officers": "DISBURSEMENT_OFFICERS"}
DIRECT_KINDS = {"member": "MEMBER", "donor": "DONOR"}
FROM_LOOKUP = "@lookup"  # the recipient's id comes from a lookup at send time (evaluation.member_id)
REORGANISATIONS = {"units_merged": "survivor", "unit_split": "successor"}  # event -> whose unit it is


def handle_event(uow, book, settings, envelope, payload, also=None):
    """Claim the event and create its deliveries; ``also(session)`` adds other effects (a projection)."""
    with uow:
        if not uow.claim(CONSUMER, envelope):
            return 0
        if also is not None:
            also(uow.session)
        created = create_deliveries(uow.session, book, settings, envelope, payload, datetime.now(UTC))
        uow.commit()
        return created


def create_deliveries(session, book, settings, envelope, payload, now):
    plain = json.loads(json.dumps(payload, default=str))
    # A merge belongs to its survivor, a split to its successor (the unit that takes funds and records).
    owner = REORGANISATIONS.get(envelope["event_type"], "unit")
    unit_code = plain.get(f"{owner}_code")
    unit = repository.unit(session, unit_code)
    # A transfer between funds belongs, for webhook scopes, to the unit that received it.
    unit_path = plain.get(f"{owner}_path") or plain.get("to_unit_path") or (unit.path if unit else None)
    event = {k: str(envelope[k]) for k in ("event_id", "event_type", "source", "occurred_at")}
    data = {"event": event, "payload": plain, "unit": {"code": unit_code, "name": unit.name if unit else unit_code}}
    touched = _touched_units(plain) if owner != "unit" else {}
    if touched:
        data["units"] = {code: getattr(repository.unit(session, code), "name", code) for code in touched}
    common = {
        "event_id": envelope["event_id"],
        "event_type": envelope["event_type"],
        "unit_path": unit_path,
        "max_attempts": settings.max_attempts,
    }
    rows = []
    for rule in book.rules_for(envelope["source"], envelope["event_type"]):
        rows.extend(_rule_rows(rule, plain, data, common, now))
    rows.extend(_webhook_rows(session, envelope, [unit_path, *touched.values()], common, now))
    return repository.insert_ignoring_duplicates(session, DELIVERIES, rows)


def _rule_rows(rule, payload, data, common, now):
    if rule.only_if and not payload.get(rule.only_if):
        return []
    kind = rule.recipient["kind"]
    event_id = common["event_id"]
    if kind in FANOUT_KINDS:
        target = payload.get(rule.recipient.get("unit_field") or rule.recipient.get("id_field"))
        if not target:
            return []
        key = f"{event_id}:{rule.name}:{target}"
        return [
            repository.new_delivery(
                now,
                dedupe_key=key,
                rule=rule.name,
                channel=rule.channels[0],
                recipient_kind=FANOUT_KINDS[kind],
                recipient_id=str(target),
                data=data,
                **common,
            )
        ]
    recipient = payload.get(rule.recipient["id_field"]) or (FROM_LOOKUP if rule.lookups else None)
    if not recipient:
        return []
    return [
        repository.new_delivery(
            now,
            dedupe_key=f"{event_id}:{rule.name}:{channel}:{recipient}",
            rule=rule.name,
            channel=channel,
            recipient_kind=DIRECT_KINDS[kind],
            recipient_id=str(recipient),
            data=data,
            **common,
        )
        for channel in rule.channels
    ]


def webhook_body(envelope):
    """The body a subscriber receives: the event envelope as published (ids and codes, no personal data)."""
    return json.dumps(EnvelopeSchema().dump(envelope), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _touched_units(payload):
    """``{code: path}`` of every unit a merge or split touches (closed, moved, created); ``{}`` otherwise."""
    refs = [*payload.get("merged", ()), *payload.get("targets", ())]
    if payload.get("source_code"):
        refs.append({"unit_code": payload["source_code"], "unit_path": payload["source_path"]})
    touched = {ref["unit_code"]: ref["unit_path"] for ref in refs}
    touched.update((moved["unit_code"], moved["to_path"]) for moved in payload.get("moved_units", ()))
    return touched


def _webhook_rows(session, envelope, unit_paths, common, now):
    """One row per subscription naming the event whose subtree holds one of ``unit_paths`` (a merge or
    split touches several units: the subscribers of each, or of a unit above, receive it)."""
    # An event without a unit goes only to subscriptions of the whole country.
    paths = [path for path in unit_paths if path] or [f"/{orgunits.CENTRAL_CODE}/"]
    body = None
    rows = []
    for sub in repository.active_subscriptions(session):
        if envelope["event_type"] not in sub.event_types:
            continue
        if not any(orgunits.is_in_subtree(path, sub.unit_path) for path in paths):
            continue
        body = body or webhook_body(envelope)
        rows.append(
            repository.new_delivery(
                now,
                dedupe_key=f"{common['event_id']}:webhook:{sub.id}",
                rule="webhook",
                channel="WEBHOOK",
                recipient_kind="SUBSCRIPTION",
                recipient_id=str(sub.id),
                subscription_id=sub.id,
                address=sub.url,
                data={"body": body, "msg_id": f"msg_{common['event_id']}"},
                **common,
            )
        )
    return rows


def unit_created_projection(payload):
    """The other effect of ``unit_created``: the unit joins this service's projection of the tree."""
    return lambda session: orgunits.record_unit_created(session, ORG_UNITS, payload)
