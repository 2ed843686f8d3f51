"""Fixtures of the kit's own tests: a database holding only the kit's tables, on each backend."""

import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from servicekit import db
from servicekit.testing import create_database, drop_database, kit_only_metadata, url_for
from servicekit.uow import Work

kit_metadata = kit_only_metadata()


@pytest.fixture(params=["sqlite", "postgres"])
def kit_db_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kit.db'}"
        yield url
        return
    admin_url, admin = request.getfixturevalue("_postgres_admin")
    name = f"kit_{uuid.uuid4().hex[:10]}"
    create_database(admin, name)
    yield url_for(admin_url, name)
    drop_database(admin, name)


@pytest.fixture
def kit_tables():
    return kit_metadata.tables


@pytest.fixture
def kit_engine(kit_db_url):
    engine = db.make_engine(kit_db_url, pool_size=2)
    kit_metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(kit_engine):
    return sessionmaker(kit_engine, expire_on_commit=False)


@pytest.fixture
def new_work(session_factory):
    return lambda: Work(session_factory, kit_metadata, "kittest")
