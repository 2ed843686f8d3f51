"""The demo dataset: Hà Nội's tree with grassroots units, its members and five officer accounts.

Deterministic: everything comes from ``random.Random(seed)``, so the same seed gives the same data and
the README can name members. Every member passes ``domain.validate_member_fields``. E-mail addresses use
example.com (RFC 2606), but CCCD and phone numbers are random and may belong to real people: demo data
must never be sent anything (SMS, calls) or leave a demo deployment. The officers' password is not here:
the loader reads DEMO_PASSWORD.
"""

import random
from datetime import UTC, date, datetime, time, timedelta, timezone

from members import reference
from members.domain import (
    CCCD_BIRTH_PROVINCES,
    CENTRAL_CODE,
    Gender,
    GrassrootsKind,
    Level,
    Role,
    cccd_century_digit,
    fold_name,
    grassroots_code,
)
from members.reference import UnitSeed

HANOI_CODE = "01"
DEMO_COMMUNE = "00070"  # Phường Hoàn Kiếm
OTHER_COMMUNE = "00073"  # Phường Cửa Nam: the README shows a 404 across communes with it
DEMO_TODAY = date(2026, 1, 15)
VIETNAM_TIME = timezone(timedelta(hours=7))

# Members the README names; they are the first members generated, and no other member has their names.
README_MEMBERS = (
    {"full_name": "Nguyễn Thị Hồng Nhung", "gender": Gender.FEMALE, "unit_code": DEMO_COMMUNE},
    {"full_name": "Trần Văn Bình", "gender": Gender.MALE, "unit_code": OTHER_COMMUNE},
)

DEMO_OFFICERS = [
    {
        "username": "demo.central",
        "full_name": "Nguyễn Văn Thành",
        "role": Role.ADMIN,
        "unit_code": CENTRAL_CODE,
    },
    {
        "username": "demo.province",
        "full_name": "Trần Thị Thu Hà",
        "role": Role.ADMIN,
        "unit_code": HANOI_CODE,
    },
    {
        "username": "demo.commune",
        "full_name": "Lê Minh Tuấn",
        "role": Role.OFFICER,
        "unit_code": DEMO_COMMUNE,
    },
    {
        "username": "demo.grassroots",
        "full_name": "Phạm Thị Lan",
        "role": Role.OFFICER,
        "unit_code": grassroots_code(DEMO_COMMUNE, 1),
    },
    {"username": "demo.viewer", "full_name": "Đỗ Quang Huy", "role": Role.VIEWER, "unit_code": DEMO_COMMUNE},
    # A second officer of the commune: the chair approves what demo.commune proposes (a disbursement is
    # approved by someone other than its proposer).
    {"username": "demo.chair", "full_name": "Vũ Thị Hồng Nhung", "role": Role.OFFICER, "unit_code": DEMO_COMMUNE},
]

# --- units ------------------------------------------------------------------------------------------

# Clans are known by family name and the generation name their men share ("họ Nguyễn Văn").
_CLAN_BRANCHES = (
    "Nguyễn Văn",
    "Trần Đình",
    "Lê Quang",
    "Phạm Huy",
    "Đỗ Đức",
    "Vũ Hữu",
    "Hoàng Minh",
    "Bùi Xuân",
)
_DIVISION_PREFIXES = ("Phường ", "Xã ", "Đặc khu ")


def demo_units():
    """Centre, Hà Nội, its 126 communes and three grassroots units per commune; parents first."""
    communes = reference.commune_units(HANOI_CODE)
    hanoi = next(unit for unit in reference.province_units() if unit.code == HANOI_CODE)
    units = [reference.central_unit(), hanoi, *communes]
    for index, commune in enumerate(communes):
        units.extend(_grassroots_units(commune, _CLAN_BRANCHES[index % len(_CLAN_BRANCHES)]))
    return units


def _grassroots_units(commune, clan_branch):
    place = _place_name(commune.name)
    village = "Tổ dân phố số 1" if commune.name.startswith("Phường ") else "Thôn 1"
    names = (
        (GrassrootsKind.VILLAGE, f"Chi hội khuyến học {village}"),
        (GrassrootsKind.SCHOOL, f"Ban khuyến học Trường Tiểu học {place}"),
        (GrassrootsKind.CLAN, f"Ban khuyến học dòng họ {clan_branch}"),
    )
    return [
        UnitSeed(grassroots_code(commune.code, seq), name, Level.GRASSROOTS, commune.code, kind)
        for seq, (kind, name) in enumerate(names, start=1)
    ]


def _place_name(commune_name):
    """ "Phường Hoàn Kiếm" -> "Hoàn Kiếm"."""
    for prefix in _DIVISION_PREFIXES:
        if commune_name.startswith(prefix):
            return commune_name[len(prefix) :]
    return commune_name


# --- members ----------------------------------------------------------------------------------------

_FAMILY_NAMES = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 2), ("Phan", 4), ("Vũ", 4),
    ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1), ("Lý", 1),
)  # fmt: skip
_MIDDLE_NAMES = {
    Gender.MALE: ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân", "Ngọc", "Gia"),
    Gender.FEMALE: ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thùy", "Mai", "Kim"),
}
_GIVEN_NAMES = {
    Gender.MALE: (
        "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh", "Khôi",
        "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Tùng",
        "Việt", "Vinh",
    ),
    Gender.FEMALE: (
        "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huyền", "Hương", "Lan", "Linh",
        "Loan", "Mai", "My", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Tuyết",
        "Vân", "Yến",
    ),
}  # fmt: skip
_MOBILE_PREFIXES = (
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "086",
    "088",
    "032",
    "035",
    "038",
    "070",
    "077",
)
_HANOI_BIRTHS = 0.6  # share of members whose birth was registered in Hà Nội (CCCD prefix 001)
_FOCUS_EVERY = 20  # one member in 20 goes to DEMO_COMMUNE's subtree, so that the README has data there


def demo_members(count=3000, seed=2025, today=DEMO_TODAY):
    """``count`` members spread over Hà Nội's communes and grassroots units, as plain dicts.

    Keys: cccd, full_name, gender, birth_date, birth_year, phone, email (or None), unit_code, join_date,
    consent ({"given": True, "channel": "PAPER_FORM", "given_at": aware UTC datetime}), party_member (True,
    False or None: not recorded).
    """
    factory = _Factory(random.Random(seed), today)  # noqa: S311 -- demo data, not a secret
    # Party membership is drawn from a generator of its own, so that the people above stay as they were.
    party = random.Random(seed * 1009 + 1)  # noqa: S311
    return [{**factory.member(index), "party_member": _party_member(party)} for index in range(count)]


_PARTY_SHARES = ((True, 12), (False, 48), (None, 40))  # a Party member, not one, not recorded


def _party_member(rng):
    return rng.choices([value for value, _ in _PARTY_SHARES], [weight for _, weight in _PARTY_SHARES])[0]


class _Factory:
    """Draws people one by one, keeping CCCD and phone numbers unique within the set."""

    def __init__(self, rng, today):
        self.rng, self.today = rng, today
        self.cccds, self.phones = set(), set()
        self.unit_codes = [u.code for u in demo_units() if u.level in (Level.COMMUNE, Level.GRASSROOTS)]
        self.focus_codes = [c for c in self.unit_codes if c.startswith(DEMO_COMMUNE)]
        self.reserved_names = {known["full_name"] for known in README_MEMBERS}

    def member(self, index):
        known = README_MEMBERS[index] if index < len(README_MEMBERS) else {}
        gender = known.get("gender") or self.rng.choice(list(Gender))
        full_name = known.get("full_name") or self._full_name(gender)
        birth_date = self._birth_date()
        join_date = self._join_date(birth_date)
        return {
            "cccd": self._cccd(gender, birth_date.year),
            "full_name": full_name,
            "gender": gender,
            "birth_date": birth_date,
            "birth_year": birth_date.year,
            "phone": self._phone(),
            "email": self._email(full_name),
            "unit_code": known.get("unit_code") or self._unit_code(index),
            "join_date": join_date,
            "consent": {"given": True, "channel": "PAPER_FORM", "given_at": self._office_hours(join_date)},
        }

    def _full_name(self, gender):
        while True:
            family = self.rng.choices([n for n, _ in _FAMILY_NAMES], [w for _, w in _FAMILY_NAMES])[0]
            middle = self.rng.choice(_MIDDLE_NAMES[gender])
            if gender == Gender.FEMALE and middle != "Thị" and self.rng.random() < 0.3:
                middle = f"Thị {middle}"  # "Nguyễn Thị Hồng Nhung": two middle names are common
            name = f"{family} {middle} {self.rng.choice(_GIVEN_NAMES[gender])}"
            if name not in self.reserved_names:
                return name

    def _birth_date(self):
        """Adults from 18 to 85 years old on ``today``."""
        return self._day_between(_years_before(self.today, 86) + timedelta(days=1), _years_before(self.today, 18))

    def _join_date(self, birth_date):
        """A day in the last five years, once the person was 18."""
        return self._day_between(max(_years_before(self.today, 5), _years_after(birth_date, 18)), self.today)

    def _day_between(self, first, last):
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _cccd(self, gender, birth_year):
        while True:
            province = "001" if self.rng.random() < _HANOI_BIRTHS else self.rng.choice(list(CCCD_BIRTH_PROVINCES))
            digit = cccd_century_digit(gender, birth_year)
            cccd = f"{province}{digit}{birth_year % 100:02d}{self.rng.randrange(10**6):06d}"
            if cccd not in self.cccds:
                self.cccds.add(cccd)
                return cccd

    def _phone(self):
        while True:
            phone = f"{self.rng.choice(_MOBILE_PREFIXES)}{self.rng.randrange(10**7):07d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _email(self, full_name):
        if self.rng.random() < 0.6:
            return None
        words = fold_name(full_name).split()
        return f"{words[-1]}.{words[0]}{self.rng.randint(1, 999)}@example.com"

    def _unit_code(self, index):
        codes = self.focus_codes if index % _FOCUS_EVERY == 0 else self.unit_codes
        return self.rng.choice(codes)

    def _office_hours(self, day):
        """Consent signed on paper on the join day, between 8:00 and 17:00 Vietnam time, stored in UTC."""
        moment = time(self.rng.randint(8, 16), self.rng.randrange(60))
        return datetime.combine(day, moment, tzinfo=VIETNAM_TIME).astimezone(UTC)


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # back from 29 February: the 28th keeps the result on or before the anniversary
        return date(day.year - years, 2, 28)


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year: the anniversary falls on 1 March, as in age_on
        return date(day.year + years, 3, 1)


# --- activities (issue 11) ---------------------------------------------------------------------------------

_STUDY_TITLES = (
    "Sinh hoạt câu lạc bộ đọc sách",
    "Sinh hoạt chuyên đề học tập suốt đời",
    "Buổi học kỹ năng số cho người cao tuổi",
    "Sinh hoạt khuyến học - khuyến tài",
    "Buổi học tiếng Anh cộng đồng",
    "Tọa đàm gia đình học tập",
)
_CAMPAIGN_TITLES = (
    "Đợt vận động xây dựng Quỹ khuyến học",
    "Đợt vận động tặng sách cho học sinh",
    "Đợt vận động đăng ký danh hiệu Gia đình học tập",
)
_TRAINING_TITLE = "Lớp tập huấn nghiệp vụ công tác khuyến học"


def demo_activities(seed=2025, today=DEMO_TODAY, study_records=420, campaigns=24, training_classes=4):
    """Activities of the year before ``today``: study sessions at the grassroots units, campaigns at the
    communes, training classes at Hà Nội and a few communes, as plain dicts (unit_code, kind, title,
    started_on, ended_on, sessions, participants, notes), oldest first. Deterministic for a seed."""
    rng = random.Random(seed * 7919 + 3)  # noqa: S311 -- demo data, not a secret
    units = demo_units()
    grassroots = [u.code for u in units if u.level == Level.GRASSROOTS]
    communes = [u.code for u in units if u.level == Level.COMMUNE]
    first = _years_before(today, 1) + timedelta(days=1)

    def day():
        return first + timedelta(days=rng.randint(0, (today - first).days))

    rows = []
    for index in range(study_records):
        sessions = rng.randint(1, 4)  # a register of the month's sessions, or one
        code = rng.choice([c for c in grassroots if c.startswith(DEMO_COMMUNE)]) if index % 10 == 0 else None
        rows.append(_activity(code or rng.choice(grassroots), "STUDY_SESSION", rng.choice(_STUDY_TITLES), day(),
                              0, sessions, sessions * rng.randint(15, 60)))  # fmt: skip
    for _ in range(campaigns):
        rows.append(_activity(rng.choice(communes), "CAMPAIGN", rng.choice(_CAMPAIGN_TITLES), day(),
                              rng.randint(7, 30), 1, rng.randint(50, 500)))  # fmt: skip
    for index in range(training_classes):
        code = (HANOI_CODE, DEMO_COMMUNE)[index] if index < 2 else rng.choice(communes)
        length = rng.randint(1, 3)
        rows.append(_activity(code, "TRAINING_CLASS", _TRAINING_TITLE, day(), length - 1, length,
                              rng.randint(80, 300)))  # fmt: skip
    return sorted(rows, key=lambda row: (row["started_on"], row["unit_code"], row["kind"]))


def _activity(unit_code, kind, title, started_on, extra_days, sessions, participants):
    return {
        "unit_code": unit_code,
        "kind": kind,
        "title": title,
        "started_on": started_on,
        "ended_on": started_on + timedelta(days=extra_days),
        "sessions": sessions,
        "participants": participants,
        "notes": None,
    }
