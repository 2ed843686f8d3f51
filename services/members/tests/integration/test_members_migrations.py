"""The Alembic head against the models, on both backends.

``compare_metadata`` sees tables, columns, types, nullability, server defaults, unique constraints, foreign
keys and the columns of indexes, but not an index's method, operator classes or ``WHERE`` clause: those
are checked here from the database's own definitions (``pg_indexes``, ``sqlite_master``).
"""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text

from members import manage, models
from servicekit import migrations


def differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "compare_server_default": True, "version_table": manage.VERSION_TABLE,
        })
        return compare_metadata(context, models.metadata)


def alembic_config(url):
    return migrations.alembic_config(manage.HERE.parent / "migrations", url, manage.VERSION_TABLE)


def index_definitions(engine):
    query = {
        "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
        "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    }[engine.dialect.name]
    with engine.connect() as connection:
        return dict(connection.execute(text(query)).all())


def test_the_migrated_database_matches_the_models(engine):
    assert differences(engine) == []


def test_the_migrated_database_is_at_the_only_head(engine, members_db_url):
    [head] = ScriptDirectory.from_config(alembic_config(members_db_url)).get_heads()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": manage.VERSION_TABLE})
        assert context.get_current_revision() == head


def test_the_outbox_index_holds_only_unpublished_rows(engine):
    definition = index_definitions(engine)["ix_outbox_unpublished"]
    assert "published_at IS NULL" in definition


def test_name_and_path_indexes_have_the_operator_classes_of_the_models(engine):
    definitions = index_definitions(engine)
    if engine.dialect.name != "postgresql":
        assert {"ix_members_name_trgm", "ix_members_unit_path", "ix_memberships_path_started"} <= set(definitions)
        return
    assert "USING gin (name_folded gin_trgm_ops)" in definitions["ix_members_name_trgm"]
    assert "(unit_path text_pattern_ops)" in definitions["ix_members_unit_path"]
    assert "(unit_path text_pattern_ops, started_on)" in definitions["ix_memberships_path_started"]


def test_the_migration_downgrades_to_nothing_and_upgrades_back_to_the_models(engine, members_db_url):
    command.downgrade(alembic_config(members_db_url), "base")
    with engine.connect() as connection:
        left = set(inspect(connection).get_table_names()) - {manage.VERSION_TABLE}
    command.upgrade(alembic_config(members_db_url), "heads")
    assert left == set()
    assert differences(engine) == []


def test_the_migrated_database_holds_the_official_tree(engine):
    unit = models.Unit
    with engine.connect() as connection:
        levels = dict(connection.execute(select(unit.level, func.count()).group_by(unit.level)).all())
    assert levels == {"CENTRAL": 1, "PROVINCE": 34, "COMMUNE": 3321}


def test_migrating_again_changes_nothing(engine, members_db_url, count):
    before = count("units")
    manage.migrate(members_db_url)
    assert count("units") == before
    assert differences(engine) == []
