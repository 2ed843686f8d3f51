"""The whole platform in this process for the console's browser tests: members, funds, evaluations and
notifications as real nameko containers on fresh SQLite databases and the session's RabbitMQ vhost, and
the gateway that serves both the console and the API; then headless Chromium (Debian's, driven by
Selenium through chromedriver) pointed at it.

The browser tests are about what an officer sees and does; the services' behaviour on PostgreSQL is
covered by their own tests, so the stack runs once, on SQLite, for the whole session.
"""

import os
import shutil
import uuid
from pathlib import Path

import pytest

from members.testing import Api
from servicekit.testing import Running, service_config, start_container

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = REPO / "var" / "screenshots"
PASSWORD = "Khuyenhoc@2025-test"
JWT = {"JWT_SECRET": "test-secret-of-at-least-thirty-two-bytes!", "JWT_ISSUER": "khuyenhoc-gateway",
       "JWT_AUDIENCE": "khuyenhoc-api", "JWT_TTL_SECONDS": 600}  # fmt: skip


class Stack:
    """The running platform: ``url`` of the gateway, ``members_db`` for creating officer accounts."""

    def __init__(self, gateway, members_db):
        self.gateway = gateway
        self.url = gateway.url
        self.members_db = members_db
        self.password = PASSWORD

    def officer(self, role, unit_code, full_name="Cán bộ Kiểm thử"):
        """A new officer account; returns its username (the password is ``PASSWORD``)."""
        from members import manage

        username = f"{role.lower()}.{unit_code}.{uuid.uuid4().hex[:6]}".lower()
        manage.create_officer(self.members_db, username, role, unit_code, full_name, PASSWORD)
        return username

    def api_as(self, username):
        """An HTTP client of the gateway signed in as ``username`` (to prepare data the walk needs)."""
        api = Api(self.url, self.members_db)
        response = api.http.post(f"{api.base}/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return Api(self.url, self.members_db, response.json()["access_token"], api.http)


@pytest.fixture(scope="session")
def console_stack(request, amqp_uri, databases, tmp_path_factory):
    from evaluations.service import EvaluationsService
    from funds.service import FundsService
    from gateway.service import GatewayService
    from members.service import MembersService
    from notifications.testing import HttpReceiver, SmtpServer, start_notifications

    urls = {name: databases.fresh(request, name, "sqlite") for name in ("members", "funds", "evaluations",
                                                                        "notifications")}
    db = {name: next(generator) for name, generator in urls.items()}
    spool = str(tmp_path_factory.mktemp("console-spool"))
    fast = {"OUTBOX_RELAY_INTERVAL_SECONDS": 0.2}
    containers = []

    def start(service_cls, **settings):
        config, port = service_config(amqp_uri, **settings)
        container = start_container(service_cls, config)
        containers.append(container)
        return Running(container, port)

    smtp, sms = SmtpServer(), HttpReceiver()
    try:
        start(MembersService, DATABASE_URL=db["members"], IMPORT_SPOOL_DIR=spool, IMPORT_POLL_SECONDS=0.1, **fast)
        start(FundsService, DATABASE_URL=db["funds"], **fast)
        start(EvaluationsService, DATABASE_URL=db["evaluations"], **fast)
        notifications = start_notifications(amqp_uri, db["notifications"], smtp, sms)
        containers.append(notifications.container)
        gateway = start(GatewayService, IMPORT_SPOOL_DIR=spool, **JWT)
        yield Stack(gateway, db["members"])
    finally:
        for container in reversed(containers):
            container.stop()
        smtp.stop()
        sms.stop()
        for generator in urls.values():
            next(generator, None)


def chromium_missing():
    """Why no browser can run here, or None."""
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        return (f"Chromium is not installed ({CHROMIUM}, {CHROMEDRIVER}); deploy/local/ensure-browser.sh installs "
                "Debian's chromium and chromium-driver (make test runs it)")
    return None


def new_driver(width, height):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-extensions", "--lang=vi-VN", f"--window-size={width},{height}",
                     "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(CHROMEDRIVER, log_output=os.devnull)
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(0)
    return driver


@pytest.fixture(scope="session")
def browser_factory():
    """``browser_factory(width, height)``: a new headless Chromium window, closed at the end."""
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("selenium", reason="selenium is not installed in the venv (pyproject's dev extras)")
    drivers = []

    def make(width=1280, height=900):
        driver = new_driver(width, height)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots():
    """Where the walk's screenshots go (var/screenshots, recreated for each session)."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def amqp_uri():
    """This directory's platform runs for the whole session: on a vhost of its own, so that its services
    never consume another test's RPCs or events (the root fixture's vhost is shared by every module)."""
    from servicekit.testing import private_vhost

    yield from private_vhost()
