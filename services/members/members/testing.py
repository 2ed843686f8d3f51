"""Helpers for tests that talk to the members service (its own tests, the gateway's, end-to-end tests).

Only tests import this module.
"""

import itertools
import uuid

import requests

_serial = itertools.count(1)


def new_cccd(gender="MALE", birth_year=1990, province="001"):
    """A CCCD that passes the checks and has not been used yet in this test process."""
    century = (birth_year // 100 - 19) * 2 + (1 if gender == "FEMALE" else 0)
    return f"{province}{century}{birth_year % 100:02d}{next(_serial) % 10**6:06d}"


def member_payload(unit_code="00070", **overrides):
    """A valid registration body; ``overrides`` replace fields (the CCCD follows gender and birth year)."""
    payload = {
        "cccd": new_cccd(overrides.get("gender", "MALE"), overrides.get("birth_year", 1990)),
        "full_name": "Nguyễn Văn An",
        "gender": "MALE",
        "birth_year": 1990,
        "phone": "0912 345 678",
        "unit_code": unit_code,
        "consent": {"given": True, "channel": "PAPER_FORM"},
    }
    payload.update(overrides)
    return payload


class Api:
    """An HTTP client of the gateway. ``as_officer(role, unit_code)`` creates an officer account in the
    members database and logs in as it; ``new_unit()`` gives a test a grassroots unit of its own."""

    password = "correct horse battery staple"

    def __init__(self, base_url, db_url, token=None, http=None):
        self.base = f"{base_url}/api/v1"
        self.base_url = base_url
        self.db_url = db_url
        self.http = http or requests.Session()
        self.token = token

    def as_officer(self, role="OFFICER", unit_code="00070", username=None):
        from members import manage

        username = username or f"t.{role.lower()}.{uuid.uuid4().hex[:8]}"
        manage.create_officer(self.db_url, username, role, unit_code, "Cán bộ Kiểm thử", self.password)
        response = self.http.post(f"{self.base}/auth/login", json={"username": username, "password": self.password})
        assert response.status_code == 200, response.text
        officer = Api(self.base_url, self.db_url, response.json()["access_token"], self.http)
        officer.username = username
        return officer

    def new_unit(self, parent_code="00070", name="Chi hội Tổ dân phố kiểm thử"):
        admin = self if self.token else self.as_officer("ADMIN", parent_code)
        response = admin.post("/units", json={"parent_code": parent_code, "name": name, "kind": "VILLAGE"})
        assert response.status_code == 201, response.text
        return response.json()["code"]

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.http.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)
