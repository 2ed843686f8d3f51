"""Send time: the dispatcher claims due deliveries, sends them and records the outcome.

One round (``Dispatcher.run_once``) claims a batch (``repository.claim_due``: a conditional UPDATE, so
two processes never send one row at once; a row whose process died is taken again when its lease runs
out), then handles each row in its own green thread:

- a member or a donor: their contact is asked for now (``Directory``, by RPC under a deadline); no
  consent or no address -> SKIPPED; the template is rendered and the channel sends it. Only the masked
  address is recorded: the full address lives in memory for the time of the send.
- officers (fan-out): the members or funds service says who they are; one OFFICER row per officer is
  created (SKIPPED if they turned the channel off or muted the rule, HELD for the digest when they get
  many notes of the rule) and the fan-out row is EXPANDED, in one transaction.
- an officer's IN_APP note: the inbox row is written in the transaction that marks the delivery SENT.
- a webhook: the envelope is signed (every valid secret of the subscription) and POSTed.

A ``Transient`` failure (a service or provider away) schedules another attempt with backoff and jitter;
after ``max_attempts`` attempts, or at once after a ``Permanent`` one, the delivery is DEAD. Nothing is
sent without its data: a lookup that fails is a transient failure, not a message with blanks.
"""

import logging
import time
import uuid
from datetime import UTC, datetime, timedelta

import eventlet

from contracts.errors import ServiceUnavailable
from contracts.notifications import sign_webhook
from notifications import domain, metrics, repository, rules
from notifications.channels import Message, Permanent, Transient, mask_email, mask_phone
from notifications.models import DELIVERIES, INBOX_MESSAGES
from notifications.usecases.events import FROM_LOOKUP
from servicekit import db

log = logging.getLogger(__name__)

LOOKUP_IDS = {"evaluation": "evaluation_id", "disbursement": "disbursement_id", "donation": "donation_id"}
ROLE_FIELDS = {"proposer": ("proposer_id", "proposed_by"), "approver": ("approver_id", "approved_by")}


class Directory:
    """Contact details and records of the other services, asked by RPC when a message is sent.

    ``members``, ``funds`` and ``evaluations`` are ``servicekit.rpc.RpcClient`` proxies (or, in tests,
    any object with the same methods). A service that does not answer is a ``Transient`` failure."""

    def __init__(self, members=None, funds=None, evaluations=None):
        self.services = {"members": members, "funds": funds, "evaluations": evaluations}

    def _call(self, service, method, *args):
        proxy = self.services[service]
        if proxy is None:
            raise Transient(f"{service} is not reachable from here")
        try:
            return getattr(proxy, method)(*args)
        except ServiceUnavailable:
            raise Transient(f"{service}.{method} did not answer") from None
        except Exception as error:  # a remote error (the method missing in an older version ...): try later
            raise Transient(f"{service}.{method} failed: {type(error).__name__}") from None

    def member_contact(self, member_id):
        return self._call("members", "member_contact", member_id)

    def unit_officers(self, unit_code):
        return self._call("members", "unit_officers", unit_code)

    def donation_contact(self, donation_id):
        return self._call("funds", "donation_contact", donation_id)

    def disbursement_view(self, disbursement_id):
        return self._call("funds", "disbursement_view", disbursement_id)

    def evaluation_view(self, evaluation_id):
        return self._call("evaluations", "evaluation_view", evaluation_id)


class Skip(Exception):
    """Nothing to send, and nothing to retry: no consent, no address, an unknown recipient."""


class Dispatcher:
    def __init__(self, session_factory, book, settings, directory, channels, concurrency=10):
        self.session_factory = session_factory
        self.book, self.settings = book, settings
        self.directory, self.channels = directory, channels
        self.concurrency = concurrency

    def run_once(self, now=None):
        """Claim and handle one batch; returns how many deliveries were handled."""
        now = now or datetime.now(UTC)
        with self.session_factory() as session, session.begin():
            claimed = repository.claim_due(session, now, self.settings.batch_size, self.settings.lease_seconds)
            concurrent = db.is_postgres(session)
        if not claimed:
            return 0
        # SQLite waits for its write lock in C, freezing every green thread of the process: one at a time.
        pool = eventlet.GreenPool(self.concurrency if concurrent else 1)
        for row in claimed:
            pool.spawn_n(self.handle, row)
        pool.waitall()
        return len(claimed)

    def handle(self, row):
        try:
            if row.recipient_kind in ("UNIT_OFFICERS", "DISBURSEMENT_OFFICERS"):
                self._expand(row)
            elif row.channel == "IN_APP":
                self._deliver_in_app(row)
            elif row.channel == "WEBHOOK":
                self._deliver_webhook(row)
            else:
                self._deliver_direct(row)
        except Skip as reason:
            metrics.SKIPPED.labels(row.channel, str(reason).split(":")[0]).inc()
            self._finish(row, state=domain.SKIPPED, last_error=str(reason)[:500], sent_at=datetime.now(UTC))
        except Permanent as error:
            self._failed(row, str(error), permanent=True)
        except Transient as error:
            self._failed(row, str(error), permanent=False)
        except Exception as error:  # a bug or bad data: keep the row, retry, and say so loudly
            log.exception("delivery %s failed unexpectedly", row.public_id)
            self._failed(row, f"{type(error).__name__}: {error}", permanent=False)

    # --- members and donors ------------------------------------------------------------------------

    def _deliver_direct(self, row):
        context = self._context(row)
        if row.recipient_kind == "MEMBER":
            recipient_id = row.recipient_id
            if recipient_id == FROM_LOOKUP:
                recipient_id = next((context[n].get("member_id") for n in self._rule(row).lookups), None)
                if not recipient_id:
                    raise Skip("no member: the record is not about a member")
            contact = self.directory.member_contact(recipient_id)
            if contact is None:
                raise Skip("unknown member")
            if not contact.get("contact_consent"):
                raise Skip("no contact consent")
        else:
            contact = context.get("donation") or self.directory.donation_contact(row.recipient_id)
            if contact is None:
                raise Skip("unknown donation")
            context["donation"] = contact
        address = contact.get("email") if row.channel == "EMAIL" else contact.get("phone")
        if not address:
            raise Skip(f"no address: no {'e-mail' if row.channel == 'EMAIL' else 'phone'} on record")
        subject, body = self.book.render(self._rule(row).template, row.channel, {**context, "recipient": contact})
        masked = mask_email(address) if row.channel == "EMAIL" else mask_phone(address)
        message = Message(reference=str(row.public_id), address=address, subject=subject, body=body)
        try:
            provider_id = self.channels[row.channel].send(message)
        finally:
            del message, address  # the full address is not kept beyond the send
        self._sent(row, provider_id, address=masked)

    def _context(self, row):
        context = dict(row.data)
        payload = context.get("payload", {})
        for name in self._rule(row).lookups:
            if name in context:
                continue
            fetch = {
                "evaluation": self.directory.evaluation_view,
                "disbursement": self.directory.disbursement_view,
                "donation": self.directory.donation_contact,
            }[name]
            record = fetch(payload.get(LOOKUP_IDS[name]))
            if record is None:
                raise Skip(f"unknown {name}")
            context[name] = record
        return context

    def _rule(self, row):
        return self.book.by_name[row.rule]

    # --- officers ----------------------------------------------------------------------------------

    def _expand(self, row):
        rule = self._rule(row)
        context = self._context(row)
        if row.recipient_kind == "UNIT_OFFICERS":
            officers = [
                o["officer_id"]
                for o in rules.officers_for(rule.recipient, self.directory.unit_officers(row.recipient_id))
            ]
        else:
            payload = context.get("payload", {})
            named = any(payload.get(f) for fields in ROLE_FIELDS.values() for f in fields)
            view = context.get("disbursement") or (
                payload if named else self.directory.disbursement_view(row.recipient_id)
            )
            if view is None:
                raise Skip("unknown disbursement")
            officers = []
            for role in rule.recipient.get("roles", ("proposer",)):
                officer = next((view.get(f) for f in ROLE_FIELDS[role] if view.get(f)), None)
                if officer and str(officer) not in officers:
                    officers.append(str(officer))
        lookups = {name: context[name] for name in rule.lookups}
        now = datetime.now(UTC)
        with self.session_factory() as session, session.begin():
            children = [self._note(session, row, rule, officer, lookups, now) for officer in officers]
            repository.insert_ignoring_duplicates(session, DELIVERIES, children)
            self._finish_in(session, row, state=domain.EXPANDED, last_error=f"{len(children)} officers", sent_at=now)

    def _note(self, session, row, rule, officer_id, lookups, now):
        prefs = repository.preferences(session, officer_id)
        state, reason, digest_key = domain.PENDING, None, None
        if prefs is not None and (row.channel in prefs.disabled_channels or rule.name in prefs.muted_rules):
            state, reason = domain.SKIPPED, "opted out: the officer turned this off"
        elif rule.digest:
            since = now - timedelta(seconds=self.settings.digest_window_seconds)
            if repository.recent_notes(session, officer_id, rule.name, since) >= self.settings.digest_threshold:
                state, digest_key = domain.HELD, f"{officer_id}:{rule.name}"
        return repository.new_delivery(
            now,
            dedupe_key=f"{row.dedupe_key}:{officer_id}",
            event_id=row.event_id,
            event_type=row.event_type,
            unit_path=row.unit_path,
            rule=row.rule,
            channel=row.channel,
            recipient_kind="OFFICER",
            recipient_id=officer_id,
            parent_id=row.id,
            data={**row.data, **lookups},
            state=state,
            last_error=reason,
            digest_key=digest_key,
            max_attempts=row.max_attempts,
        )

    def _deliver_in_app(self, row):
        subject, body = self.book.render(self._rule(row).template, "IN_APP", dict(row.data))
        now = datetime.now(UTC)
        message_id = uuid.uuid4()
        with self.session_factory() as session, session.begin():
            repository.insert_ignoring_duplicates(
                session,
                INBOX_MESSAGES,
                [
                    {
                        "id": message_id,
                        "officer_id": row.recipient_id,
                        "delivery_id": row.id,
                        "rule": row.rule,
                        "event_type": row.event_type,
                        "subject": subject[:300],
                        "body": body,
                        "created_at": now,
                    }
                ],
            )
            if self._finish_in(
                session, row, state=domain.SENT, provider_message_id=str(message_id), sent_at=now, last_error=None
            ):
                metrics.SENT.labels("IN_APP").inc()

    # --- webhooks ----------------------------------------------------------------------------------

    def _deliver_webhook(self, row):
        with self.session_factory() as session:
            sub = repository.subscription(session, row.subscription_id)
        if sub is None or not sub.active:
            raise Skip("subscription deleted")
        now = datetime.now(UTC)
        secrets = [sub.secret]
        if sub.previous_secret and sub.previous_secret_expires_at and sub.previous_secret_expires_at > now:
            secrets.append(sub.previous_secret)
        headers = sign_webhook(secrets, row.data["msg_id"], row.data["body"])
        message = Message(
            reference=str(row.public_id), address=sub.url, subject=None, body=row.data["body"], headers=headers
        )
        started = time.perf_counter()
        try:
            provider_id = self.channels["WEBHOOK"].send(message)
        except Exception:
            metrics.WEBHOOK_SECONDS.labels("failed").observe(time.perf_counter() - started)
            raise
        metrics.WEBHOOK_SECONDS.labels("ok").observe(time.perf_counter() - started)
        self._sent(row, provider_id, address=sub.url)

    # --- outcomes ----------------------------------------------------------------------------------

    def _sent(self, row, provider_id, address):
        if self._finish(
            row,
            state=domain.SENT,
            provider_message_id=str(provider_id)[:200],
            address=address,
            sent_at=datetime.now(UTC),
            last_error=None,
        ):
            metrics.SENT.labels(row.channel).inc()

    def _failed(self, row, error, permanent):
        metrics.FAILED.labels(row.channel, "permanent" if permanent else "transient").inc()
        now = datetime.now(UTC)
        if permanent or row.attempts >= row.max_attempts:
            if self._finish(row, state=domain.DEAD, last_error=error[:500], next_attempt_at=None):
                metrics.DEAD.labels(row.channel).inc()
                log.warning(
                    "delivery %s (%s, %s) is dead after %d attempts: %s",
                    row.public_id,
                    row.rule,
                    row.channel,
                    row.attempts,
                    error,
                )
            return
        retry_at = domain.next_attempt_at(now, row.attempts, self.settings)
        if self._finish(row, state=domain.FAILED, last_error=error[:500], next_attempt_at=retry_at):
            metrics.RETRIED.labels(row.channel).inc()

    def _finish(self, row, **values):
        with self.session_factory() as session, session.begin():
            return self._finish_in(session, row, **values)

    def _finish_in(self, session, row, **values):
        done = repository.finish(session, row, **values)
        if not done:
            log.warning("delivery %s was taken over by another dispatcher; its outcome is theirs", row.public_id)
        return done


def gather_digests(session_factory, book, settings, now=None):
    """Gather the notes HELD before today (Vietnamese date) into one IN_APP digest per officer and rule.
    Returns how many digests were created. Idempotent: a held note is digested once."""
    created_at = datetime.now(UTC)
    with session_factory() as session, session.begin():
        held = repository.held_before(session, domain.start_of_vietnam_day(now or created_at))
        groups = {}
        for row in held:
            groups.setdefault(row.digest_key, []).append(row)
        for key, rows in groups.items():
            items = [book.render(book.by_name[r.rule].template, "IN_APP", dict(r.data))[0] for r in rows]
            dedupe_key = f"digest:{key}:{rows[0].id}"
            data = {
                "count": len(rows),
                "items": items,
                "rule": rows[0].rule,
                "payload": {},
                "unit": rows[0].data.get("unit", {}),
            }
            digest = repository.new_delivery(
                created_at,
                dedupe_key=dedupe_key,
                rule=book.digest.name,
                channel="IN_APP",
                recipient_kind="OFFICER",
                recipient_id=rows[0].recipient_id,
                data=data,
                max_attempts=settings.max_attempts,
            )
            repository.insert_ignoring_duplicates(session, DELIVERIES, [digest])
            repository.mark_digested(session, [r.id for r in rows], repository.delivery_id_by_key(session, dedupe_key))
        return len(groups)
