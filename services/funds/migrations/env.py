from alembic import context

from funds.models import metadata
from servicekit.migrations import run_env

run_env(context, metadata)
