"""The Alembic head against the models, on both backends, and the official tree of the projection."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from notifications import manage, models


def test_the_migrated_database_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "version_table": manage.VERSION_TABLE,
            },
        )
        assert compare_metadata(context, models.metadata) == []


def test_the_projection_of_the_org_tree_holds_the_official_units(engine):
    with engine.connect() as connection:
        levels = dict(
            connection.execute(select(models.ORG_UNITS.c.level, func.count()).group_by(models.ORG_UNITS.c.level)).all()
        )
    assert levels == {"CENTRAL": 1, "PROVINCE": 34, "COMMUNE": 3321}


def test_migrating_again_changes_nothing(engine, notifications_db_url):
    manage.migrate(notifications_db_url)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(models.ORG_UNITS)).scalar_one() == 3356
