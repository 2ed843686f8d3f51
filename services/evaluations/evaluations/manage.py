"""Operator commands of the evaluations service.

    python -m evaluations.manage migrate      # Alembic upgrade, then the official org tree (idempotent)
    python -m evaluations.manage load-demo    # this year's demo campaigns and evaluations (re-runnable)
    python -m evaluations.manage load-demo --after-events   # again once the members' events arrived
    python -m evaluations.manage check        # load the criteria sets and the configuration, report problems

The database is ``EVALUATIONS_DATABASE_URL`` (default ``sqlite:///var/data/evaluations.db`` under the repository).
"""

import argparse
import os
import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # RELIABILITY.md, fact 1
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from evaluations import demo, policy
from evaluations.criteria_sets import CriteriaFileInvalid
from evaluations.models import ORG_UNITS, metadata
from servicekit import db, migrations, orgunits
from servicekit import demo as servicekit_demo
from servicekit.uow import Work

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_URL = f"sqlite:///{REPO / 'var' / 'data' / 'evaluations.db'}"
VERSION_TABLE = "evaluations_alembic_version"


def database_url():
    return os.environ.get("EVALUATIONS_DATABASE_URL", DEFAULT_URL)


def migrate(url):
    migrations.upgrade(HERE.parent / "migrations", url, VERSION_TABLE)
    engine = db.make_engine(url, pool_size=1)
    try:
        added = orgunits.load_official(sessionmaker(engine), ORG_UNITS)
    finally:
        engine.dispose()
    print(f"evaluations: database at head; {added} official units added")


def load_demo(url, on=None, after_events=False):
    engine = db.make_engine(url, pool_size=1)
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        if after_events:  # learning citizens need the members the projection learns from member events
            known = servicekit_demo.wait_until_settled(engine, metadata.tables["member_units"], more_than=0)
            print(f"evaluations: {known} members known from events")
        summary = demo.load(lambda: Work(factory, metadata, "evaluations"), policy.build(), on)
    finally:
        engine.dispose()
    print(f"evaluations: demo loaded ({summary})")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m evaluations.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate")
    demo_command = commands.add_parser("load-demo")
    demo_command.add_argument("--after-events", action="store_true", help="first wait for the member events")
    commands.add_parser("check")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate(database_url())
    elif args.command == "load-demo":
        load_demo(database_url(), after_events=args.after_events)
    else:
        try:
            loaded = policy.build({"CRITERIA_DIR": os.environ.get("EVALUATIONS_CRITERIA_DIR")})
        except CriteriaFileInvalid as error:
            sys.exit(f"evaluations: {error}")
        print(f"evaluations: {len(loaded.criteria)} criteria sets: {', '.join(sorted(loaded.criteria))}")


if __name__ == "__main__":
    main()
