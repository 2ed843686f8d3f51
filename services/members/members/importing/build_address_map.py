"""Builds ``old_units_2025.json``: every pre-2025 commune (xã, phường, thị trấn under a district) mapped to
the 2025 commune that took it over, in this platform's codes.

    .venv/bin/pip install vietnamadminunits==1.0.4
    .venv/bin/python -m members.importing.build_address_map

The source is the ``vietnamadminunits`` package (its legacy 63-province table and its 2025 conversion
table). It is a build-time tool only: the package pulls numpy, shapely and geopy, and for an old commune
split between several new ones it geocodes the street address over the network; the platform takes the
package's default successor instead, offline. Its 2025 commune codes differ from the official ones of
``vietnam_provinces`` (the platform's org tree) for about a hundred communes, so new communes are matched
by province and name, not by code.
"""

import json
import re
import sqlite3
from pathlib import Path

from members.domain import fold_name
from servicekit import orgunits

OUT = Path(__file__).with_name("old_units_2025.json")


def _key(name):
    return re.sub(r"[^a-z0-9]", "", fold_name(name))


def build():
    import vietnamadminunits

    data = Path(vietnamadminunits.__file__).parent / "data"
    conversion = json.loads((data / "converter_2025.json").read_text())
    with sqlite3.connect(data / "dataset.db") as db:
        legacy = db.execute(
            "SELECT provinceKey, districtKey, wardKey, wardCode, province, district, ward FROM admin_units_legacy"
        ).fetchall()
        new = db.execute("SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units").fetchall()
    ours = {(u.parent_code, _key(u.name)): u.code for u in orgunits.official_communes()}
    new_code = {(p, w): ours.get((code, _key(name))) for p, w, code, name in new}
    old_by_key = {f"{p}_{d}_{w}": (code, prov, district, ward) for p, d, w, code, prov, district, ward in legacy}
    successor = {}
    for province, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                successor[old_key] = new_code.get((province, ward_key))
    for province, divided in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, options in divided.items():
            default = next((o["newWardKey"] for o in options if o["isDefaultNewWard"]), None)
            if default and old_key not in successor:
                successor[old_key] = new_code.get((province, default))
    codes, names = {}, {}
    for old_key, target in sorted(successor.items()):
        if target is None or old_key not in old_by_key:
            continue
        code, province, district, ward = old_by_key[old_key]
        codes[code] = target
        names[f"{_key(ward)}|{_key(district)}|{_key(province)}"] = target
    OUT.write_text(json.dumps({"source": "vietnamadminunits 1.0.4", "codes": codes, "names": names}, indent=0))
    print(f"{len(codes)} old communes mapped to 2025 communes -> {OUT}")


if __name__ == "__main__":
    build()
