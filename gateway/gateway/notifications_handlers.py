"""The gateway's handlers of the notifications routes (``notifications_routes``): a mixin of ``GatewayService``."""

from contracts.notifications import (
    CreateWebhookSchema,
    DeliveryPageSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    InboxMessageSchema,
    InboxPageSchema,
    InboxQuerySchema,
    PreferencesSchema,
    PreferencesViewSchema,
    WebhookListSchema,
    WebhookSchema,
    WebhookWithSecretSchema,
)
from gateway.routes import api
from servicekit.http import idempotency_key, relay, validated_body, validated_query
from servicekit.rpc import RpcClient


class NotificationsHandlers:
    notifications = RpcClient("notifications")

    # --- the signed-in officer's inbox and preferences ------------------------------------------------

    @api
    def list_inbox(self, request):
        actor = self.auth.actor(request)
        page = self.notifications.list_inbox(actor, validated_query(request, InboxQuerySchema))
        return 200, relay(InboxPageSchema, page)

    @api
    def mark_inbox_read(self, request, message_id):
        actor = self.auth.actor(request)
        return 200, relay(InboxMessageSchema, self.notifications.mark_inbox_read(actor, str(message_id)))

    @api
    def get_preferences(self, request):
        actor = self.auth.actor(request)
        return 200, relay(PreferencesViewSchema, self.notifications.get_preferences(actor))

    @api
    def put_preferences(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, PreferencesSchema)
        return 200, relay(PreferencesViewSchema, self.notifications.put_preferences(actor, payload))

    # --- webhook subscriptions (administrators) ------------------------------------------------------

    @api
    def create_webhook(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, CreateWebhookSchema)
        created = self.notifications.create_webhook(actor, payload, idempotency_key=idempotency_key(request))
        return 201, relay(WebhookWithSecretSchema, created)

    @api
    def list_webhooks(self, request):
        actor = self.auth.actor(request)
        return 200, relay(WebhookListSchema, self.notifications.list_webhooks(actor))

    @api
    def get_webhook(self, request, webhook_id):
        actor = self.auth.actor(request)
        return 200, relay(WebhookSchema, self.notifications.get_webhook(actor, str(webhook_id)))

    @api
    def delete_webhook(self, request, webhook_id):
        actor = self.auth.actor(request)
        return 200, relay(WebhookSchema, self.notifications.delete_webhook(actor, str(webhook_id)))

    @api
    def rotate_webhook_secret(self, request, webhook_id):
        actor = self.auth.actor(request)
        return 200, relay(WebhookWithSecretSchema, self.notifications.rotate_webhook_secret(actor, str(webhook_id)))

    @api
    def list_webhook_deliveries(self, request, webhook_id):
        actor = self.auth.actor(request)
        query = validated_query(request, DeliveryQuerySchema)
        page = self.notifications.list_webhook_deliveries(actor, str(webhook_id), query)
        return 200, relay(DeliveryPageSchema, page)

    @api
    def replay_webhook_delivery(self, request, delivery_id):
        actor = self.auth.actor(request)
        return 200, relay(DeliverySchema, self.notifications.replay_webhook_delivery(actor, str(delivery_id)))
