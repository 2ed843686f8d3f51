"""Small PostgreSQL chores for ensure-postgres.sh, done with the driver the tests use (pg8000).

    python deploy/local/pgadmin.py check    URL   # can we log in as the URL says?
    python deploy/local/pgadmin.py recreate URL   # drop and create the URL's database

Exit codes: 0 done, 1 other failure, 2 refused (unsafe database name), 3 authentication failed.
Using pg8000 rather than psql means no PostgreSQL client is needed, and the check proves the exact
connection the test suite will make (TCP, user from the URL, password only if the URL has one).
"""

import re
import sys
from urllib.parse import unquote, urlsplit

EXIT_FAILED, EXIT_REFUSED, EXIT_AUTH = 1, 2, 3


def connect(url: str, database: str):
    import pg8000.dbapi

    parts = urlsplit(url)
    return pg8000.dbapi.connect(
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        database=database,
        timeout=10,
    )


def is_auth_error(url: str, exc: Exception) -> bool:
    # 28P01 invalid_password, 28000 invalid_authorization_specification (no pg_hba entry, no role).
    text = str(exc).lower()
    if any(token in text for token in ("28p01", "28000", "password", "authentication")):
        return True
    # pg8000 1.31 fails with AttributeError ('NoneType' ... 'decode') when the server asks for a
    # password (md5/scram) and none was given.
    return urlsplit(url).password is None and isinstance(exc, AttributeError)


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("check", "recreate"):
        print(__doc__, file=sys.stderr)
        return EXIT_FAILED
    action, url = argv[1], argv[2]

    name = database_name(url)
    looks_like_test_db = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and "test" in name.lower()
    if action == "recreate" and not looks_like_test_db:
        # We drop this database on every run: refuse anything that does not look like a test database.
        print(f"refusing to drop and recreate {name!r}: the name must contain 'test'", file=sys.stderr)
        return EXIT_REFUSED

    try:
        conn = connect(url, "postgres")
    except Exception as exc:
        if is_auth_error(url, exc):
            reason = "the server asks for a password" if isinstance(exc, AttributeError) else repr(exc)
            print(f"cannot log in: {reason}", file=sys.stderr)
            return EXIT_AUTH
        print(f"cannot connect: {exc!r}", file=sys.stderr)
        return EXIT_FAILED

    try:
        conn.autocommit = True
        cur = conn.cursor()
        if action == "check":
            cur.execute("SELECT 1")
            return 0
        # A test run killed half-way can leave sessions open on the database, which block DROP.
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
        return 0
    except Exception as exc:
        print(f"{action} failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
