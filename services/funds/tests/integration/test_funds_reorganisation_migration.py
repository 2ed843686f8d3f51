"""The Alembic head (with 0002: earlier unit paths, the fund a merged fund went to) against the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from funds import manage, models


def test_the_migrated_database_matches_the_models(engine):
    with engine.connect() as connection:
        options = {"compare_type": True, "version_table": manage.VERSION_TABLE}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, models.metadata) == []
