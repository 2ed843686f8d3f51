from alembic import context

from evaluations.models import metadata
from servicekit.migrations import run_env

run_env(context, metadata)
