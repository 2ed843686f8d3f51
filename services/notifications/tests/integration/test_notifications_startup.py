"""A bad template stops the service at start-up, naming the file and the problem."""

import shutil

import pytest
from nameko.containers import ServiceContainer
from nameko.exceptions import ConfigurationError

from notifications import rules
from notifications.service import NotificationsService

pytestmark = pytest.mark.rabbit


def test_the_service_does_not_start_with_a_template_that_does_not_render(amqp_uri, tmp_path):
    shutil.copytree(rules.DEFAULT_TEMPLATES, tmp_path / "templates")
    broken = tmp_path / "templates" / "officer_new_member.yml"
    broken.write_text(broken.read_text().replace("{{ unit.name }}", "{{ unit.nam }}", 1))
    config = {
        "AMQP_URI": amqp_uri,
        "DATABASE_URL": "sqlite://",
        "NOTIFICATIONS_TEMPLATES_DIR": str(tmp_path / "templates"),
    }
    container = ServiceContainer(NotificationsService, config)
    with pytest.raises(ConfigurationError, match=r"officer_new_member\.yml: vi\.subject does not render its sample"):
        container.start()
    container.kill()
