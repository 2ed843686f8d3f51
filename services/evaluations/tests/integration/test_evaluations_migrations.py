"""The Alembic head against the models, on both backends, and the demo loaded twice changes nothing."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from evaluations import manage, models


def test_the_migrated_database_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "version_table": manage.VERSION_TABLE})
        assert compare_metadata(context, models.metadata) == []


def test_the_demo_loads_evaluations_in_every_state_and_a_second_load_adds_nothing(evaluations_db_url, engine):
    manage.load_demo(evaluations_db_url)
    with engine.connect() as connection:
        statuses = set(connection.execute(select(models.Evaluation.status)).scalars())
        first = connection.execute(select(func.count()).select_from(models.Evaluation)).scalar_one()
    manage.load_demo(evaluations_db_url)
    with engine.connect() as connection:
        again = connection.execute(select(func.count()).select_from(models.Evaluation)).scalar_one()
    assert statuses == {"REGISTERED", "SELF_ASSESSED", "REVIEWED", "RECOGNISED"} and first == again > 0
