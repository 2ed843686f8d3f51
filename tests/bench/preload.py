"""Fill a migrated members database with N synthetic members by COPY, as if a province had registered.

    python tests/bench/preload.py POSTGRES_URL [--rows 1750000]

Members are spread over the communes of Hà Nội (about 14,000 each), each with its opening membership and
consent record, so that search, statistics and the registration path meet tables of the size of the Hanoi
association (1,746,236 members in June 2024). The rows go in by COPY (three tables, one transaction each)
(secondary indexes dropped for the load and built again after it), then the tables are analysed. It
prints one JSON object: rows and seconds per table. No eventlet here: COPY runs at the driver's speed.

The synthetic CCCDs start with 099 and the card numbers carry year 20, so they never collide with what the
benchmark registers afterwards (CCCDs 001090..., cards of the current year).
"""

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for folder in ("services/shared", "services/members"):
    sys.path.insert(0, str(REPO / folder))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = [("Văn", "MALE"), ("Thị", "FEMALE"), ("Đức", "MALE"), ("Ngọc", "FEMALE"), ("Minh", "MALE"), ("Thu", "FEMALE")]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Ngọc", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang",
         "Tuấn", "Việt", "Yến"]  # fmt: skip
MEMBER_ID_BASE = 0xB5 << 120  # synthetic ids: recognisable, never equal to a uuid4


def member_id(i):
    return uuid.UUID(int=MEMBER_ID_BASE | i)


def full_name(i):
    middle, gender = MIDDLE[(i // 14) % len(MIDDLE)]
    return f"{FAMILY[i % len(FAMILY)]} {middle} {GIVEN[(i // 84) % len(GIVEN)]}", gender


def cccd(i):
    return f"099{i:09d}"


class Lines:
    """A file-like object over generated lines, read by ``copy_expert`` a chunk at a time."""

    def __init__(self, lines):
        self._lines = lines
        self._buffer = ""

    def read(self, size=65536):
        parts, length = [self._buffer], len(self._buffer)
        while length < size:
            line = next(self._lines, None)
            if line is None:
                break
            parts.append(line)
            length += len(line)
        data = "".join(parts)
        self._buffer = data[size:]
        return data[:size]

    readline = read


def main(argv=None):
    from members.domain import fold_name
    from members.reference import commune_units

    parser = argparse.ArgumentParser(prog="preload.py")
    parser.add_argument("url")
    parser.add_argument("--rows", type=int, default=1_750_000)
    args = parser.parse_args(argv)
    communes = [unit.code for unit in commune_units("01")]
    folded = {}

    def member_lines():
        for i in range(args.rows):
            name, gender = full_name(i)
            if name not in folded:
                folded[name] = fold_name(name)
            year = 1940 + i % 70
            unit = communes[i % len(communes)]
            joined = f"{2005 + i % 21}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            yield (f"{member_id(i)}\t{cccd(i)}\t{name}\t{folded[name]}\t{gender}\t{year}\t\\N\t09{i % 10**8:08d}\t"
                   f"\\N\t\\N\t\\N\t{unit}\t/VN/01/{unit}/\tACTIVE\t{joined}\t\\N\t\\N\tKH-01-20-{i:07d}\t"
                   f"{joined} 00:00:00+00\t1\t{joined} 00:00:00+00\t{joined} 00:00:00+00\n")

    def membership_lines():
        for i in range(args.rows):
            unit = communes[i % len(communes)]
            yield f"{member_id(i)}\t{unit}\t/VN/01/{unit}/\t{2005 + i % 21}-{1 + i % 12:02d}-{1 + i % 28:02d}\tJOINED\n"

    def consent_lines():
        for i in range(args.rows):
            yield (f"{member_id(i)}\tMEMBERSHIP\tPAPER_FORM\t{2005 + i % 21}-{1 + i % 12:02d}-{1 + i % 28:02d} "
                   "00:00:00+00\tpreload\n")

    import psycopg2

    connection = psycopg2.connect(args.url.replace("postgresql+psycopg2://", "postgresql://", 1))
    timings = {}
    try:
        cursor = connection.cursor()
        # The secondary indexes are dropped for the load and built again after it (one sort each instead of
        # 1.75 million inserts into a trigram GIN index); the constraints' indexes stay.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('members', 'memberships', 'consents') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        secondary = cursor.fetchall()
        # Consistent by construction: skip the per-row foreign-key triggers (superuser only, this session only).
        cursor.execute("SET session_replication_role = replica")
        for name, _ in secondary:
            cursor.execute(f'DROP INDEX "{name}"')
        for table, columns, lines in (
            ("members", "id, cccd, full_name, name_folded, gender, birth_year, birth_date, phone, email, ethnicity, "
             "religion, unit_code, unit_path, status, join_date, left_on, left_reason, card_number, "
             "consent_given_at, version, created_at, updated_at", member_lines()),
            ("memberships", "member_id, unit_code, unit_path, started_on, start_reason", membership_lines()),
            ("consents", "member_id, purpose, channel, given_at, recorded_by", consent_lines()),
        ):  # fmt: skip
            started = time.monotonic()
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", Lines(lines))
            connection.commit()
            timings[table] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in secondary:
            cursor.execute(definition)
        connection.commit()
        timings["indexes"] = round(time.monotonic() - started, 1)
        connection.autocommit = True
        started = time.monotonic()
        cursor.execute("VACUUM ANALYZE members, memberships, consents")
        timings["vacuum_analyze"] = round(time.monotonic() - started, 1)
    finally:
        connection.close()
    print(json.dumps({"rows": args.rows, "seconds": timings,
                      "members_copy_per_second": round(args.rows / timings["members"])}))  # fmt: skip


if __name__ == "__main__":
    main()
