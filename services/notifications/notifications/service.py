"""The notifications service: events in, messages out (e-mail, SMS, in-app inbox, signed webhooks).
Entrypoints only; rules live in ``usecases``."""

import logging
import uuid

from contracts.errors import PlatformError, ServiceUnavailable
from contracts.members import ActorSchema
from contracts.notifications import (
    CreateWebhookSchema,
    DeliveryNotFound,
    DeliveryQuerySchema,
    InboxMessageNotFound,
    InboxQuerySchema,
    PreferencesSchema,
    WebhookNotFound,
)
from contracts.reorganisation import ReorganisationPlanSchema
from notifications.channels import Channels
from notifications.models import metadata
from notifications.providers import RuleBookProvider, Sessions, SettingsProvider, Wake, every
from notifications.usecases import deliveries, dispatch, events, inbox, reminders, reorganisation, webhooks
from servicekit import ops
from servicekit.events import event_handler
from servicekit.logs import CallContext
from servicekit.metrics import Metrics
from servicekit.rpc import RpcClient, rpc
from servicekit.uow import UnitOfWork
from servicekit.validation import load

log = logging.getLogger(__name__)
expected = rpc(expected_exceptions=PlatformError)


def _actor(actor):
    return load(ActorSchema(), actor)


def _uuid(value, error):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise error(details={"id": str(value)}) from None


# ops is imported as a module: `nameko run notifications.service` takes every class with entrypoints here.
class NotificationsService(ops.OpsEndpoints):
    name = "notifications"

    uow = UnitOfWork(metadata)
    sessions = Sessions()
    rulebook = RuleBookProvider()
    settings = SettingsProvider()
    channels = Channels()
    wake_dispatcher = Wake("dispatch")
    members = RpcClient("members")
    funds = RpcClient("funds")
    evaluations = RpcClient("evaluations")
    metrics = Metrics()
    call_context = CallContext()

    # --- events: claim + deliveries in one transaction, then wake the dispatcher ----------------------

    def _on_event(self, envelope, payload, also=None):
        if events.handle_event(self.uow, self.rulebook, self.settings, envelope, payload, also):
            self.wake_dispatcher()

    @event_handler("members", "member_registered")
    def handle_member_registered(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("members", "member_updated")
    def handle_member_updated(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("members", "member_transferred")
    def handle_member_transferred(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("members", "member_left")
    def handle_member_left(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("members", "member_rejoined")
    def handle_member_rejoined(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("members", "unit_created")
    def handle_unit_created(self, envelope, payload):
        self._on_event(envelope, payload, also=events.unit_created_projection(payload))

    @event_handler("members", "units_merged")
    def handle_units_merged(self, envelope, payload):
        self._on_event(envelope, payload, also=reorganisation.follow(envelope, payload))

    @event_handler("members", "unit_split")
    def handle_unit_split(self, envelope, payload):
        self._on_event(envelope, payload, also=reorganisation.follow(envelope, payload))

    @event_handler("evaluations", "evaluation_registered")
    def handle_evaluation_registered(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("evaluations", "self_assessment_submitted")
    def handle_self_assessment_submitted(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("evaluations", "evaluation_completed")
    def handle_evaluation_completed(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("funds", "donation_received")
    def handle_donation_received(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("funds", "disbursement_requested")
    def handle_disbursement_requested(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("funds", "fund_transfer_completed")
    def handle_fund_transfer_completed(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("funds", "disbursement_approved")
    def handle_disbursement_approved(self, envelope, payload):
        self._on_event(envelope, payload)

    @event_handler("funds", "disbursement_paid")
    def handle_disbursement_paid(self, envelope, payload):
        self._on_event(envelope, payload)

    # --- timers -------------------------------------------------------------------------------------

    @every("DISPATCH_INTERVAL_SECONDS", 1.0)
    def dispatch(self):
        """Send what is due, batch after batch, until nothing is due."""
        directory = dispatch.Directory(self.members, self.funds, self.evaluations)
        dispatcher = dispatch.Dispatcher(self.sessions, self.rulebook, self.settings, directory, self.channels)
        while dispatcher.run_once() and not self.wake_dispatcher.stopping:
            pass  # a stopping container ends after this batch; the rest is due at the next start

    @every("DIGEST_INTERVAL_SECONDS", 3600.0)
    def gather_digests(self):
        if dispatch.gather_digests(self.sessions, self.rulebook, self.settings):
            self.wake_dispatcher()

    @every("REMINDER_INTERVAL_SECONDS", 24 * 3600.0, eager=True)
    def remind_deadlines(self):
        try:
            deadlines = self.evaluations.upcoming_deadlines(self.settings.reminder_days_before)
        except ServiceUnavailable:
            log.warning("evaluations did not answer: deadline reminders wait for the next round")
            return
        if reminders.schedule_reminders(self.uow, self.rulebook, self.settings, deadlines):
            self.wake_dispatcher()

    # --- the signed-in officer's inbox and preferences (through the gateway) -------------------------

    @expected
    def list_inbox(self, actor, query):
        return inbox.list_inbox(self.uow, _actor(actor), load(InboxQuerySchema(), query))

    @expected
    def mark_inbox_read(self, actor, message_id):
        return inbox.mark_read(self.uow, _actor(actor), _uuid(message_id, InboxMessageNotFound))

    @expected
    def get_preferences(self, actor):
        return inbox.get_preferences(self.uow, self.rulebook, _actor(actor))

    @expected
    def put_preferences(self, actor, payload):
        return inbox.put_preferences(self.uow, self.rulebook, _actor(actor), load(PreferencesSchema(), payload))

    # --- webhook subscriptions (administrators, through the gateway) ---------------------------------

    @expected
    def create_webhook(self, actor, payload, idempotency_key=None):
        command = load(CreateWebhookSchema(), payload)
        return webhooks.create_webhook(self.uow, _actor(actor), command, idempotency_key)

    @expected
    def list_webhooks(self, actor):
        return webhooks.list_webhooks(self.uow, _actor(actor))

    @expected
    def get_webhook(self, actor, webhook_id):
        return webhooks.get_webhook(self.uow, _actor(actor), _uuid(webhook_id, WebhookNotFound))

    @expected
    def delete_webhook(self, actor, webhook_id):
        return webhooks.delete_webhook(self.uow, _actor(actor), _uuid(webhook_id, WebhookNotFound))

    @expected
    def rotate_webhook_secret(self, actor, webhook_id):
        return webhooks.rotate_secret(self.uow, self.settings, _actor(actor), _uuid(webhook_id, WebhookNotFound))

    @expected
    def list_webhook_deliveries(self, actor, webhook_id, query):
        webhook_id = _uuid(webhook_id, WebhookNotFound)
        return deliveries.webhook_deliveries(self.uow, _actor(actor), webhook_id, load(DeliveryQuerySchema(), query))

    @expected
    def replay_webhook_delivery(self, actor, delivery_id):
        result = deliveries.replay_webhook_delivery(self.uow, _actor(actor), _uuid(delivery_id, DeliveryNotFound))
        self.wake_dispatcher()
        return result

    # --- reorganisations of units (administrators, through the gateway) ------------------------------

    @expected
    def preview_reorganisation(self, actor, plan):
        plan = load(ReorganisationPlanSchema(), plan)
        return reorganisation.preview_reorganisation(self.uow, _actor(actor), plan)

    @expected
    def list_reroutes(self, actor, reorganisation_id=None):
        return reorganisation.list_reroutes(self.uow, _actor(actor), reorganisation_id)

    @expected
    def replay_delivery(self, delivery_id):
        """The operator's re-send of any dead delivery (``servicekit.opsctl webhook-resend``): no actor, so
        never routed by the gateway; the broker's permissions keep it to operators."""
        result = deliveries.replay(self.uow, _uuid(delivery_id, DeliveryNotFound))
        self.wake_dispatcher()
        return result
