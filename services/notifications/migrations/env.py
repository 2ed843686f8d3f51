from alembic import context

from notifications.models import metadata
from servicekit.migrations import run_env

run_env(context, metadata)
