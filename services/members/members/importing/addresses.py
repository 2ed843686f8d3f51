"""Pre-2025 addresses (commune under a district) mapped to the 2025 communes.

Bulk files from provincial systems still carry the old codes (10,035 communes under 705 districts before
1 July 2025). ``old_units_2025.json`` maps each to the 2025 commune that took it over; it is built from the
``vietnamadminunits`` package by ``build_address_map.py`` (see there why the package is not a run-time
dependency). An old commune split between several new ones maps to the package's default successor.
"""

import json
import re
from functools import cache
from pathlib import Path

from members.domain import fold_name

DATA = Path(__file__).with_name("old_units_2025.json")


@cache
def _table():
    return json.loads(DATA.read_text(encoding="utf-8"))


def _key(name):
    return re.sub(r"[^a-z0-9]", "", fold_name(name))


_PREFIXES = re.compile(r"^(xa|phuong|thitran|quan|huyen|thixa|thanhpho|tp|tinh)")


def commune_for_old_code(code):
    """The 2025 commune code that took over the old commune ``code`` (5 digits), or None."""
    return _table()["codes"].get((code or "").strip().zfill(5))


def commune_for_old_address(ward, district, province):
    """The 2025 commune for an old address given by names ("Phường Hàng Trống", "Quận Hoàn Kiếm",
    "Thành phố Hà Nội"), or None. The kind words (phường, quận, thành phố) may be left out."""
    names = _table()["names"]
    key = f"{_key(ward)}|{_key(district)}|{_key(province)}"
    if key in names:
        return names[key]
    return _by_bare_names().get(f"{_bare(ward)}|{_bare(district)}|{_bare(province)}")


def _bare(name):
    return _PREFIXES.sub("", _key(name), count=1)


@cache
def _by_bare_names():
    index = {}
    for key, code in _table()["names"].items():
        bare = "|".join(_PREFIXES.sub("", part, count=1) for part in key.split("|"))
        index.setdefault(bare, code)
    return index
