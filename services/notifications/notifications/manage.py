"""Operator commands of the notifications service.

    python -m notifications.manage migrate                  # Alembic upgrade, then the official org tree
    python -m notifications.manage check-rules              # load and render every rule and template
    python -m notifications.manage list-dead [--limit N]    # deliveries that gave up
    python -m notifications.manage replay DELIVERY_ID       # send a dead delivery again

The database is ``NOTIFICATIONS_DATABASE_URL`` (default ``sqlite:///var/data/notifications.db`` under the
repository).
"""

import argparse
import os
import uuid
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # RELIABILITY.md, fact 1
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from notifications import models, rules
from notifications.usecases import deliveries
from servicekit import db, migrations, orgunits
from servicekit.uow import Work

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_URL = f"sqlite:///{REPO / 'var' / 'data' / 'notifications.db'}"
VERSION_TABLE = "notifications_alembic_version"


def database_url():
    return os.environ.get("NOTIFICATIONS_DATABASE_URL", DEFAULT_URL)


def migrate(url):
    migrations.upgrade(HERE.parent / "migrations", url, VERSION_TABLE)
    engine = db.make_engine(url, pool_size=1)
    try:
        added = orgunits.load_official(sessionmaker(engine), models.ORG_UNITS)
    finally:
        engine.dispose()
    print(f"notifications: database at head; {added} official units added")


def _work(url):
    engine = db.make_engine(url, pool_size=1)
    return engine, Work(sessionmaker(engine, expire_on_commit=False), models.metadata, "notifications")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m notifications.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate")
    commands.add_parser("check-rules")
    dead = commands.add_parser("list-dead")
    dead.add_argument("--limit", type=int, default=50)
    replay = commands.add_parser("replay")
    replay.add_argument("delivery_id", type=uuid.UUID)
    args = parser.parse_args(argv)
    url = database_url()
    if args.command == "migrate":
        migrate(url)
        return
    if args.command == "check-rules":
        book = rules.load_rulebook()
        print(f"notifications: {len(book.rules)} rules and {len(book.templates)} templates are valid")
        return
    engine, work = _work(url)
    try:
        if args.command == "list-dead":
            for row in deliveries.list_dead(work, args.limit):
                print(
                    f"{row['id']}  {row['channel']:8} {row['rule']:30} {row['attempts']} attempts  {row['last_error']}"
                )
        else:
            row = deliveries.replay(work, args.delivery_id)
            print(f"notifications: delivery {row['id']} is {row['state']} again")
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
