"""Operator commands of the funds service.

    python -m funds.manage migrate      # Alembic upgrade, then the official org tree (idempotent)
    python -m funds.manage load-demo    # demo funds and a few months of movements (idempotent)
    python -m funds.manage load-demo --after-events   # the same once the demo's unit_created events arrived

The database is ``FUNDS_DATABASE_URL`` (default ``sqlite:///var/data/funds.db`` under the repository).
"""

import argparse
import os
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # RELIABILITY.md, fact 1
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from funds.models import ORG_UNITS
from servicekit import db, migrations, orgunits
from servicekit import demo as servicekit_demo

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_URL = f"sqlite:///{REPO / 'var' / 'data' / 'funds.db'}"
VERSION_TABLE = "funds_alembic_version"


def database_url():
    return os.environ.get("FUNDS_DATABASE_URL", DEFAULT_URL)


def migrate(url):
    migrations.upgrade(HERE.parent / "migrations", url, VERSION_TABLE)
    engine = db.make_engine(url, pool_size=1)
    try:
        added = orgunits.load_official(sessionmaker(engine), ORG_UNITS)
    finally:
        engine.dispose()
    print(f"funds: database at head; {added} official units added")


def load_demo(url, after_events=False):
    from funds import demo

    engine = db.make_engine(url, pool_size=1)
    try:
        if after_events:  # the grassroots units of the members demo reach funds as unit_created events
            official = sum(1 for _ in orgunits.official_units())
            known = servicekit_demo.wait_until_settled(engine, ORG_UNITS, more_than=official)
            print(f"funds: {known - official} grassroots units known from events")
        print(demo.load(sessionmaker(engine, expire_on_commit=False)))
    finally:
        engine.dispose()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m funds.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate")
    demo_command = commands.add_parser("load-demo")
    demo_command.add_argument("--after-events", action="store_true", help="first wait for unit_created events")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate(database_url())
    else:
        load_demo(database_url(), after_events=args.after_events)


if __name__ == "__main__":
    main()
