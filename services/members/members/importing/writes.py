"""The accepted rows of a batch written: members, their memberships, their consent records and one
``member_registered`` per member in the outbox, in the transaction of the batch.

On PostgreSQL one statement writes them all: the batch goes over as one array per column, ``unnest`` turns
the arrays back into rows, and data-modifying CTEs insert them into the four tables (set-based, one round
trip, no per-row bind parameters for SQLAlchemy to render: before this the inserts were half the import's
time). Each array goes as the text of a PostgreSQL array literal, which the server reads far faster than the
``ARRAY[...]`` expression psycopg2 makes of a list. Foreign keys are checked at the end of the statement,
when the members are there. Elsewhere (SQLite) the rows go as plain ``executemany`` inserts. Both write the
same rows.

Event bodies are built as ``Work.emit_all`` writes them (the envelope, the payload as the
``member_registered`` schema dumps it), without the schema for each row: every value is already the dumped
form (a UUID as text, a date as ISO text). ``tests/integration/test_members_import_writes.py`` checks them
against the schema.
"""

import json
import os
import uuid
from datetime import date, datetime

from sqlalchemy import text

from contracts.envelope import registry
from members import domain
from members.models import OUTBOX, Consent, Member, Membership
from members.usecases import common
from members.usecases import members as registration

SOURCE = "members"
MEMBERS, MEMBERSHIPS, CONSENTS = Member.__table__, Membership.__table__, Consent.__table__
_STATEMENT = text("""
WITH batch AS (
    SELECT * FROM unnest(
        CAST(:id AS uuid[]), CAST(:cccd AS text[]), CAST(:full_name AS text[]), CAST(:name_folded AS text[]),
        CAST(:gender AS text[]), CAST(:birth_year AS int[]), CAST(:birth_date AS date[]), CAST(:phone AS text[]),
        CAST(:email AS text[]), CAST(:ethnicity AS text[]), CAST(:religion AS text[]), CAST(:unit_code AS text[]),
        CAST(:unit_path AS text[]), CAST(:join_date AS date[]), CAST(:card_number AS text[]),
        CAST(:given_at AS timestamptz[]), CAST(:channel AS text[]), CAST(:guardian_name AS text[]),
        CAST(:guardian_relation AS text[]), CAST(:contact AS boolean[]), CAST(:event_id AS uuid[]),
        CAST(:body AS text[])
    ) WITH ORDINALITY AS t(id, cccd, full_name, name_folded, gender, birth_year, birth_date, phone, email,
                           ethnicity, religion, unit_code, unit_path, join_date, card_number, given_at, channel,
                           guardian_name, guardian_relation, contact, event_id, body, n)
), new_members AS (
    INSERT INTO members (id, cccd, full_name, name_folded, gender, birth_year, birth_date, phone, email, ethnicity,
                         religion, unit_code, unit_path, status, join_date, card_number, consent_given_at, version,
                         created_at, updated_at)
    SELECT id, cccd, full_name, name_folded, gender, birth_year, birth_date, phone, email, ethnicity, religion,
           unit_code, unit_path, :status, join_date, card_number, given_at, 1, :now, :now
    FROM batch ORDER BY n
), new_memberships AS (
    INSERT INTO memberships (member_id, unit_code, unit_path, started_on, start_reason)
    SELECT id, unit_code, unit_path, join_date, 'JOINED' FROM batch ORDER BY n
), new_consents AS (
    INSERT INTO consents (member_id, purpose, channel, given_at, recorded_by, guardian_name, guardian_relation)
    SELECT id, purpose, channel, given_at, :recorded_by, guardian_name, guardian_relation
    FROM batch CROSS JOIN LATERAL (
        SELECT :membership AS purpose, 1 AS k UNION ALL SELECT :contact_purpose, 2 WHERE batch.contact
    ) AS purposes
    ORDER BY n, k
)
INSERT INTO outbox (event_id, event_type, body, headers, created_at)
SELECT event_id, 'member_registered', body, :headers, :now FROM batch ORDER BY n
""")


def write_members(work, context, accepted):
    """Write the accepted rows (``batches.Accepted``, duplicates already taken out) of one batch."""
    if not accepted:
        return
    session, now = work.session, common.now()
    cards = registration._card_numbers(session, [(row.unit, context.today) for row in accepted])
    ids = new_uuids(len(accepted))
    rows = [_member_row(row, i, card, context, now) for row, i, card in zip(accepted, ids, cards, strict=True)]
    headers = json.dumps(getattr(work, "_headers", {}))
    if session.bind.dialect.name == "postgresql":
        _write_set_based(session, rows, context, now, headers)
    else:
        _write_row_by_row(session, rows, context, now, headers)


def new_uuids(count):
    """``count`` random (version 4) UUIDs as text, from one read of the system's random source: ``uuid4()``
    reads it once per UUID, and each read is a system call (a sixth of the batch's time, two per member)."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes(b & 0x0F | 0x40 for b in raw[6::16])  # the version, as uuid4() sets it
    raw[8::16] = bytes(b & 0x3F | 0x80 for b in raw[8::16])  # the RFC 4122 variant
    text = raw.hex()
    hexes = (text[i : i + 32] for i in range(0, 32 * count, 32))
    return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexes]


def _member_row(row, member_id, card, context, now):
    consent = row.command["consent"]
    return {
        **row.fields, "id": member_id, "unit_code": row.unit.code, "unit_path": row.unit.path,
        "join_date": row.command.get("join_date") or context.today, "card_number": card,
        "given_at": consent.get("given_at") or now, "channel": consent["channel"],
        "guardian_name": consent.get("guardian_name"), "guardian_relation": consent.get("guardian_relation"),
        "contact": bool(consent.get("contact")),
    }  # fmt: skip


def _events(rows, context, now):
    """The ids and outbox bodies of the rows' ``member_registered`` events: what ``json.dumps`` makes of the
    envelope with the payload as the schema dumps it, put together from the parts that differ by member (ids
    and dates, text that needs no escaping) and parts encoded once per batch (a third of the time of
    ``json.dumps`` for each)."""
    registry.ensure_loaded()
    version, occurred_at = registry.current["member_registered"], json.dumps(now.isoformat())
    head = f'", "event_type": "member_registered", "version": {version}, "source": "{SOURCE}", "occurred_at": '
    head += f'{occurred_at}, "payload": {{"member_id": "'
    tail = f'", "import_job_id": {json.dumps(str(context.job_id))}}}}}'
    units = {}
    for row in rows:
        if row["unit_code"] not in units:
            code, path = (json.dumps(row[k], ensure_ascii=False) for k in ("unit_code", "unit_path"))
            units[row["unit_code"]] = (
                f'", "member_version": 1, "unit_code": {code}, "unit_path": {path}, "join_date": "'
            )
    event_ids = new_uuids(len(rows))
    bodies = [
        f'{{"event_id": "{event_id}{head}{row["id"]}{units[row["unit_code"]]}{row["join_date"].isoformat()}{tail}'
        for event_id, row in zip(event_ids, rows, strict=True)
    ]
    return event_ids, bodies


_COLUMNS = ("id", "cccd", "full_name", "name_folded", "gender", "birth_year", "birth_date", "phone", "email",
            "ethnicity", "religion", "unit_code", "unit_path", "join_date", "card_number", "given_at", "channel",
            "guardian_name", "guardian_relation", "contact")  # fmt: skip


_NOT_TEXT = {"birth_year": str, "birth_date": date.isoformat, "join_date": date.isoformat,
             "given_at": datetime.isoformat, "contact": lambda flag: "t" if flag else "f"}  # fmt: skip


def array_literal(values):
    """A PostgreSQL array literal (``{"a","b",NULL}``) of text values or None. One text parameter per column
    costs the server a fraction of what a list does (psycopg2 sends a list as ``ARRAY['a','b',...]``, an
    expression of one constant per value: parsing those was half of the statement's time)."""
    if None not in values:
        text = "".join(values)
        if '"' not in text and "\\" not in text:  # nothing to escape: the usual column
            return '{"' + '","'.join(values) + '"}' if values else "{}"
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' if v is not None else "NULL" for v in values)
    return "{" + ",".join(quoted) + "}"


def _column(rows, name):
    values = [row[name] for row in rows]
    to_text = _NOT_TEXT.get(name)
    return array_literal([None if v is None else to_text(v) for v in values] if to_text else values)


def _write_set_based(session, rows, context, now, headers):
    event_ids, bodies = _events(rows, context, now)
    arrays = {name: _column(rows, name) for name in _COLUMNS}
    session.execute(_STATEMENT, {
        **arrays, "event_id": array_literal(event_ids), "body": array_literal(bodies), "now": now, "headers": headers,
        "status": domain.MemberStatus.ACTIVE.value, "recorded_by": context.actor["username"][:100],
        "membership": domain.CONSENT_MEMBERSHIP, "contact_purpose": domain.CONSENT_CONTACT,
    })  # fmt: skip


def _write_row_by_row(session, rows, context, now, headers):
    actor, status = context.actor, domain.MemberStatus.ACTIVE.value
    members, memberships, consents = [], [], []
    for row in rows:
        member_id = uuid.UUID(row["id"])
        members.append({
            **{k: row[k] for k in _COLUMNS[1:15]}, "id": member_id, "status": status,
            "consent_given_at": row["given_at"], "version": 1, "created_at": now, "updated_at": now,
        })  # fmt: skip
        memberships.append({"member_id": member_id, "unit_code": row["unit_code"], "unit_path": row["unit_path"],
                            "started_on": row["join_date"], "start_reason": "JOINED"})  # fmt: skip
        purposes = [domain.CONSENT_MEMBERSHIP] + ([domain.CONSENT_CONTACT] if row["contact"] else [])
        consents.extend(
            {"member_id": member_id, "purpose": purpose, "channel": row["channel"], "given_at": row["given_at"],
             "recorded_by": actor["username"][:100], "guardian_name": row["guardian_name"],
             "guardian_relation": row["guardian_relation"]}
            for purpose in purposes
        )  # fmt: skip
    event_ids, bodies = _events(rows, context, now)
    session.execute(MEMBERS.insert(), members)
    session.execute(MEMBERSHIPS.insert(), memberships)
    session.execute(CONSENTS.insert(), consents)
    session.execute(OUTBOX.insert(), [
        {"event_id": uuid.UUID(e), "event_type": "member_registered", "headers": headers, "created_at": now,
         "body": body}
        for e, body in zip(event_ids, bodies, strict=True)
    ])  # fmt: skip
