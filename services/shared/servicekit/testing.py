"""Helpers for tests of any service: free ports and throw-away PostgreSQL databases.

Only tests import this module.
"""

import signal
import socket
import subprocess

from nameko.containers import ServiceContainer
from sqlalchemy import text
from sqlalchemy.engine import make_url


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_database(admin, name, template=None):
    """``admin`` is an AUTOCOMMIT engine on the server; the database is dropped first if it exists."""
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


def drop_database(admin, name):
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def url_for(admin_url, name):
    """The URL of database ``name`` on the server of ``admin_url``."""
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def kit_only_metadata():
    """A metadata holding only the kit's tables (outbox, inbox, idempotency keys)."""
    from sqlalchemy import MetaData

    from servicekit.tables import define_kit_tables

    metadata = MetaData()
    define_kit_tables(metadata)
    return metadata


class Running:
    def __init__(self, container, port):
        self.container = container
        self.port = port
        self.url = f"http://127.0.0.1:{port}"


def start_container(service_cls, config):
    container = ServiceContainer(service_cls, config)
    container.start()
    return container


def service_config(amqp_uri, **extra):
    port = free_port()
    config = {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_TIMEOUT_SECONDS": 10}
    config.update(extra)
    return config, port


def wait_for(predicate, timeout=30.0, interval=0.05, message="condition"):
    """Poll ``predicate`` until it returns something truthy (returned) or ``timeout`` seconds pass."""
    import eventlet

    with eventlet.Timeout(timeout, AssertionError(f"{message} not met within {timeout} s")):
        while not (result := predicate()):
            eventlet.sleep(interval)
    return result


def publish_raw(amqp_uri, exchange, routing_key, body):
    """Put a message on an exchange the way any producer could (for tests of consumers)."""
    from kombu import Connection, Exchange, Producer

    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), Exchange(exchange, type="topic", durable=True))
        producer.publish(body, routing_key=routing_key, serializer="json", delivery_mode=2)


def queue_messages(amqp_uri, queue):
    """Take every message now in ``queue`` (acknowledged, so they are gone); returns their bodies."""
    import json

    from kombu import Connection

    bodies = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            bodies.append(json.loads(message.body))
    return bodies


class Process:
    """A service started as its own process (``nameko run``), as ``make run`` starts it."""

    def __init__(self, name, args, env, port, log_path, cwd=None):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(args, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout=60):
        import requests

        def healthy():
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(healthy, timeout, 0.1, f"{self.name} healthy")
        return self

    def kill(self, sig=signal.SIGKILL):
        self.popen.send_signal(sig)
        self.popen.wait(timeout=30)
        self.log.close()

    def stop(self):
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)


def private_vhost():
    """A generator for a fixture: a vhost of its own on the broker of ``AMQP_URI`` (made with rabbitmqctl), its
    URI, then the vhost deleted. Every fixture that yields from it gets a broker no other test shares."""
    import os
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    def rabbitmqctl(*args):
        subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)  # noqa: S607

    base = urlsplit(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//"))
    vhost = f"test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, base.username or "guest", ".*", ".*", ".*")
    yield urlunsplit(base._replace(path=f"/{vhost}"))
    rabbitmqctl("delete_vhost", vhost)
