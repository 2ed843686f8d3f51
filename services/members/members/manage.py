"""Operator commands of the members service.

    python -m members.manage migrate      # Alembic upgrade, then the official org tree (idempotent)
    python -m members.manage load-demo    # the Hanoi demo data set, once (idempotent)
    python -m members.manage create-officer USERNAME ROLE UNIT_CODE "Full name"   # password from stdin

The database is ``MEMBERS_DATABASE_URL`` (default ``sqlite:///var/data/members.db`` under the repository).
"""

import argparse
import getpass
import os
import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # RELIABILITY.md, fact 1
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from members import demo, reference
from members.models import Activity, Officer, Unit, metadata
from members.passwords import hash_password
from members.usecases import activities, common, members, units
from servicekit import db, migrations
from servicekit.uow import Work

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_URL = f"sqlite:///{REPO / 'var' / 'data' / 'members.db'}"
VERSION_TABLE = "members_alembic_version"


def database_url():
    return os.environ.get("MEMBERS_DATABASE_URL", DEFAULT_URL)


def migrate(url):
    migrations.upgrade(HERE.parent / "migrations", url, VERSION_TABLE)
    engine = db.make_engine(url, pool_size=1)
    try:
        added = units.load_reference_units(sessionmaker(engine), reference.official_units())
    finally:
        engine.dispose()
    print(f"members: database at head; {added} official units added")


def load_demo(url, password):
    engine = db.make_engine(url, pool_size=1)
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        with factory() as session:
            loaded = session.execute(select(Officer.id).where(Officer.username == "demo.central")).first()
        if loaded:
            print("members: demo data already loaded")
            _load_demo_activities(factory)  # a demo loaded before activities existed gets them
            return
        _load_demo_units(factory)
        _load_demo_officers(factory, password)
        actor = {"officer_id": "demo-loader", "username": "demo-loader", "role": "ADMIN", "unit_code": "VN"}
        rows = demo.demo_members()
        for start in range(0, len(rows), 1000):
            members.register_members(Work(factory, metadata, "members"), actor, rows[start : start + 1000])
        print(f"members: demo data loaded ({len(rows)} members)")
        _load_demo_activities(factory)
    finally:
        engine.dispose()


def _load_demo_activities(factory):
    """The demo's year of activities, once (none recorded yet), recorded by the loader as an ADMIN would."""
    with factory() as session:
        if session.execute(select(Activity.id).limit(1)).first():
            return
    actor = {"officer_id": "demo-loader", "username": "demo-loader", "role": "ADMIN", "unit_code": "VN"}
    # the year before the real today, as the demo's donations are: a review report of this year has both
    rows = demo.demo_activities(today=common.today())
    activities.record_activities(Work(factory, metadata, "members"), actor, rows)
    print(f"members: demo activities loaded ({len(rows)})")


def _load_demo_units(factory):
    """The demo's grassroots units, each announced with ``unit_created`` through the outbox as a unit an
    officer creates is, so that the other services' projections of the tree learn them."""
    work = Work(factory, metadata, "members")
    with work:
        session = work.session
        known = set(session.execute(select(Unit.code)).scalars())
        for seed in demo.demo_units():
            if seed.code in known:
                continue
            parent = session.get(Unit, seed.parent_code)
            parent.grassroots_issued = max(parent.grassroots_issued, int(seed.code.rsplit("G", 1)[1]))
            unit = Unit(
                code=seed.code,
                name=seed.name,
                name_folded=units.domain.fold_name(seed.name),
                level=seed.level,
                kind=seed.kind,
                parent_code=seed.parent_code,
                path=units.domain.unit_path(parent.path, seed.code),
                valid_from=seed.valid_from,
                valid_to=seed.valid_to,
                committees={},
                grassroots_issued=0,
            )
            session.add(unit)
            session.flush()
            work.emit(units.unit_created_event(unit))
        work.commit()


def _load_demo_officers(factory, password):
    with factory() as session, session.begin():
        for officer in demo.DEMO_OFFICERS:
            session.add(
                Officer(
                    username=officer["username"],
                    full_name=officer["full_name"],
                    role=officer["role"],
                    unit_code=officer["unit_code"],
                    password_hash=hash_password(password),
                    active=True,
                )
            )


def create_officer(url, username, role, unit_code, full_name, password):
    engine = db.make_engine(url, pool_size=1)
    try:
        with sessionmaker(engine)() as session, session.begin():
            session.add(
                Officer(
                    username=username,
                    full_name=full_name,
                    role=role,
                    unit_code=unit_code,
                    password_hash=hash_password(password),
                    active=True,
                )
            )
    finally:
        engine.dispose()
    print(f"members: officer {username} created")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m members.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate")
    commands.add_parser("load-demo")
    officer = commands.add_parser("create-officer")
    for name in ("username", "role", "unit_code", "full_name"):
        officer.add_argument(name)
    args = parser.parse_args(argv)
    url = database_url()
    if args.command == "migrate":
        migrate(url)
    elif args.command == "load-demo":
        load_demo(url, os.environ.get("DEMO_PASSWORD", "Khuyenhoc@2025"))
    else:
        password = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass()
        create_officer(url, args.username, args.role, args.unit_code, args.full_name, password)


if __name__ == "__main__":
    main()
