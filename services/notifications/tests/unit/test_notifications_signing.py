"""Standard Webhooks signatures: what the service signs, a receiver verifies with the same function."""

import base64
import hashlib
import hmac

import pytest

from contracts.notifications import (
    WebhookVerificationError,
    new_webhook_secret,
    sign_webhook,
    signature,
    verify_webhook,
)

BODY = '{"event_type":"member_registered","payload":{"unit_code":"00070"}}'


def test_the_signature_is_the_base64_hmac_sha256_of_id_timestamp_and_body():
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    expected = hmac.new(b"0123456789abcdef0123456789abcdef", f"msg_1.1700000000.{BODY}".encode(), hashlib.sha256)
    assert signature(secret, "msg_1", 1700000000, BODY) == "v1," + base64.b64encode(expected.digest()).decode()


def test_a_signed_message_verifies_with_its_secret():
    secret = new_webhook_secret()
    headers = sign_webhook([secret], "msg_1", BODY, timestamp=1700000000)
    assert verify_webhook(secret, headers, BODY.encode(), now=1700000010) == "msg_1"


@pytest.mark.parametrize("change", ["body", "secret", "id", "stale"])
def test_a_changed_message_or_a_stale_one_does_not_verify(change):
    secret = new_webhook_secret()
    headers = sign_webhook([secret], "msg_1", BODY, timestamp=1700000000)
    body, now = BODY, 1700000000
    if change == "body":
        body = BODY.replace("00070", "00071")
    elif change == "secret":
        secret = new_webhook_secret()
    elif change == "id":
        headers["webhook-id"] = "msg_2"
    else:
        now += 301
    with pytest.raises(WebhookVerificationError):
        verify_webhook(secret, headers, body, now=now)


def test_during_a_rotation_each_secret_verifies_one_of_the_space_separated_signatures():
    old, new = new_webhook_secret(), new_webhook_secret()
    headers = sign_webhook([new, old], "msg_1", BODY, timestamp=1700000000)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert verify_webhook(old, headers, BODY, now=1700000000) == verify_webhook(new, headers, BODY, now=1700000000)


def test_missing_headers_do_not_verify():
    with pytest.raises(WebhookVerificationError):
        verify_webhook(new_webhook_secret(), {"webhook-id": "msg_1"}, BODY)
