"""Alembic, driven from code: each service keeps its migrations in ``services/<name>/migrations`` and its
own version table (``<name>_alembic_version``), so services can share one PostgreSQL server or not."""

from alembic import command
from alembic.config import Config

from servicekit import db


def alembic_config(script_location, url, version_table):
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["version_table"] = version_table
    return config


def upgrade(script_location, url, version_table, revision="heads"):
    """Every branch to its head: two features developed side by side may each add a migration after the
    same parent (two heads) until a merge revision joins them; "heads" upgrades both either way."""
    command.upgrade(alembic_config(script_location, url, version_table), revision)


def run_env(context, target_metadata):
    """The body of every service's ``migrations/env.py``."""
    config = context.config
    version_table = config.attributes["version_table"]
    engine = db.make_engine(config.get_main_option("sqlalchemy.url"), pool_size=1)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                version_table=version_table,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()
