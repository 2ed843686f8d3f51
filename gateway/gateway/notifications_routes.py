"""The notifications service's rows of the route table (``routes.py``); handlers in ``notifications_handlers.py``."""

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
from gateway.auth import ADMINISTER, READ
from gateway.route import Route

ROUTES = [
    Route("list_inbox", "GET", "/inbox", "notifications",
          "Hộp thư thông báo của tôi / My in-app inbox", READ, InboxPageSchema, query=InboxQuerySchema),
    Route("mark_inbox_read", "POST", "/inbox/<uuid:message_id>/read", "notifications",
          "Đánh dấu đã đọc / Mark a note read", READ, InboxMessageSchema),
    Route("get_preferences", "GET", "/me/preferences", "notifications",
          "Tùy chọn nhận thông báo / My notification preferences", READ, PreferencesViewSchema),
    Route("put_preferences", "PUT", "/me/preferences", "notifications",
          "Đặt tùy chọn nhận thông báo / Set my notification preferences", READ, PreferencesViewSchema,
          body=PreferencesSchema),
    Route("create_webhook", "POST", "/webhooks", "webhooks",
          "Đăng ký webhook cho hệ thống bên ngoài / Subscribe a webhook", ADMINISTER, WebhookWithSecretSchema,
          201, body=CreateWebhookSchema, idempotent=True),
    Route("list_webhooks", "GET", "/webhooks", "webhooks",
          "Danh sách webhook / List webhook subscriptions", ADMINISTER, WebhookListSchema),
    Route("get_webhook", "GET", "/webhooks/<uuid:webhook_id>", "webhooks",
          "Xem webhook / Get a webhook subscription", ADMINISTER, WebhookSchema),
    Route("delete_webhook", "DELETE", "/webhooks/<uuid:webhook_id>", "webhooks",
          "Hủy webhook / Delete a webhook subscription", ADMINISTER, WebhookSchema),
    Route("rotate_webhook_secret", "POST", "/webhooks/<uuid:webhook_id>/rotate-secret", "webhooks",
          "Đổi khóa ký webhook / Rotate the signing secret", ADMINISTER, WebhookWithSecretSchema),
    Route("list_webhook_deliveries", "GET", "/webhooks/<uuid:webhook_id>/deliveries", "webhooks",
          "Nhật ký gửi webhook / Delivery log of a webhook", ADMINISTER, DeliveryPageSchema,
          query=DeliveryQuerySchema),
    Route("replay_webhook_delivery", "POST", "/webhook-deliveries/<uuid:delivery_id>/replay", "webhooks",
          "Gửi lại lượt gửi thất bại / Replay a dead delivery", ADMINISTER, DeliverySchema, errors=(409,)),
]
