"""Local stand-ins of the outside world for the notifications tests (only tests import this module).

- ``SmtpServer``: a real SMTP server (aiosmtpd, in its own process: asyncio and eventlet do not share a
  process well) that writes every mail it accepts to a Maildir; ``messages()`` reads them back.
- ``HttpReceiver``: a real HTTP server in a green thread that records every POST and answers the status
  codes it is told to (an SMS provider, a provincial system's webhook endpoint).
- ``FakeDirectory``: the members / funds / evaluations answers the dispatcher asks for, from dicts; set
  ``down = True`` to make every call fail as an unreachable service does.
"""

import email
import email.policy
import json
import mailbox
import subprocess
import sys
import tempfile
from pathlib import Path

import eventlet
import eventlet.wsgi

from notifications.channels import EmailChannel, SmsChannel, Transient, WebhookChannel
from servicekit.testing import free_port, wait_for


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="smtp-"))
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.folder / "maildir"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 20, 0.05, "local SMTP server")

    def _answers(self):
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def messages(self):
        box = self.folder / "maildir"
        if not box.exists():
            return []
        return [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in mailbox.Maildir(box)]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class HttpReceiver:
    """Records POSTs as ``(path, headers, body bytes)``; answers ``statuses`` in order, then ``default``."""

    def __init__(self, statuses=(), default=200, reply=None):
        self.requests = []
        self.statuses = list(statuses)
        self.default = default
        self.reply = reply or {"id": "provider-1"}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._socket = eventlet.listen(("127.0.0.1", self.port))
        self._thread = eventlet.spawn(eventlet.wsgi.server, self._socket, self._app, log_output=False)

    def _app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        status = self.statuses.pop(0) if self.statuses else self.default
        self.requests.append((environ["PATH_INFO"], headers, body, status))
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [json.dumps(self.reply).encode()]

    def accepted(self):
        """The requests answered with 2xx."""
        return [r for r in self.requests if 200 <= r[3] < 300]

    def stop(self):
        self._thread.kill()
        self._socket.close()


class FakeDirectory:
    def __init__(self, contacts=None, officers=None, donations=None, disbursements=None, evaluations=None):
        self.contacts = contacts or {}
        self.officers = officers or {}
        self.donations = donations or {}
        self.disbursements = disbursements or {}
        self.evaluations = evaluations or {}
        self.down = False
        self.calls = []

    def _answer(self, method, table, key):
        self.calls.append((method, key))
        if self.down:
            raise Transient(f"{method} did not answer")
        return table.get(str(key))

    def member_contact(self, member_id):
        return self._answer("member_contact", self.contacts, member_id)

    def unit_officers(self, unit_code):
        return self._answer("unit_officers", self.officers, unit_code) or []

    def donation_contact(self, donation_id):
        return self._answer("donation_contact", self.donations, donation_id)

    def disbursement_view(self, disbursement_id):
        return self._answer("disbursement_view", self.disbursements, disbursement_id)

    def evaluation_view(self, evaluation_id):
        return self._answer("evaluation_view", self.evaluations, evaluation_id)


def local_channels(smtp, sms):
    return {
        "EMAIL": EmailChannel("127.0.0.1", smtp.port, "Hội Khuyến học <no-reply@khuyenhoc.test>", timeout=5),
        "SMS": SmsChannel(sms.url + "/sms", api_key="test-key", timeout=5),
        "WEBHOOK": WebhookChannel(timeout=5),
    }


def officer(officer_id, unit_code, level, distance, role="OFFICER"):
    """One entry of ``members.unit_officers``' answer."""
    return {
        "officer_id": officer_id,
        "username": f"u.{officer_id}",
        "full_name": "Cán bộ",
        "role": role,
        "unit_code": unit_code,
        "unit_level": level,
        "distance": distance,
    }


def start_notifications(amqp_uri, db_url, smtp, sms, **extra):
    """The notifications service in this process (a real nameko container) with the local stand-ins as
    its SMTP server and SMS provider, short backoffs and a fast dispatcher."""
    from notifications.service import NotificationsService
    from servicekit.testing import Running, service_config, start_container

    settings = {
        "DATABASE_URL": db_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp.port,
        "SMS_URL": sms.url + "/sms",
        "SMS_API_KEY": "test-key",
        "DISPATCH_INTERVAL_SECONDS": 0.1,
        "DELIVERY_BACKOFF_SECONDS": 0.05,
        "DELIVERY_BACKOFF_MAX_SECONDS": 0.2,
        "DELIVERY_MAX_ATTEMPTS": 3,
        "REMINDER_INTERVAL_SECONDS": 3600,
        "OUTBOX_RELAY_INTERVAL_SECONDS": 0.2,
        "EVENT_RETRY_BACKOFF_SECONDS": 0.05,
        "RPC_TIMEOUT_SECONDS": 5,
    }
    settings.update(extra)
    # Events other tests published on this vhost before notifications ever ran wait in its queues (they are
    # declared for it from the start): drop them, or this test's event waits behind hundreds of others.
    from kombu import Connection

    from contracts import topology as contract_topology
    from servicekit import topology

    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.purge_all(connection, contract_topology.subscriptions_of("notifications"))
    config, port = service_config(amqp_uri, **settings)
    running = Running(start_container(NotificationsService, config), port)
    running.db_url = db_url
    return running
