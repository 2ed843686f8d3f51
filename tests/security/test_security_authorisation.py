"""The authorisation matrix, over HTTP against the real services: every route × every caller × a target
inside and outside the caller's subtree, the expected outcome of each cell written below as data.

Callers: a VIEWER, an OFFICER and an ADMIN of the province 01 (Hà Nội); machine clients of 01 with one
scope each (members:read, members:write, imports:write); and a machine client of another province (79,
every scope) — which sees 01's records as outside its subtree. Targets: records of the commune 00070 (in 01:
inside) and of a commune of 79 (outside), made beforehand by a central administrator.

Outcomes: ``ok`` = the request passed authentication, the role or scope check and the subtree check (any
answer but 401, 403 and 404: 2xx, or 409/422 when an earlier cell already changed the record); ``403``;
``404`` (outside the subtree: not found, as if it did not exist). The table states, per route, the lowest
role that may call it, the client scope that opens it (``None``: no client at all), and whether a target
outside the caller's subtree is hidden (``scoped``); the cells follow from it mechanically:

- a person below the route's role, or a client without the scope (or on a route of no client): 403, in and out;
- allowed and ``scoped``: ok inside, 404 outside; allowed and not scoped: ok (there is no "outside");
- ``ABSENT`` routes address a record that exists for nobody (another officer's note, a delivery never
  made): allowed callers get 404, the others 403 — the role check comes first.

Tokens: expired, of another audience or issuer, signed with another key, with the ``none`` algorithm, of an
unknown kind of claims, or not a JWT at all: 401 on every kind of route.
"""

import base64
import json
import time
import uuid
from datetime import date

import eventlet
import jwt
import pytest

from gateway.routes import ROUTES
from members.testing import member_payload
from tests.security.stack import JWT_SECRET

pytestmark = [pytest.mark.rabbit, pytest.mark.e2e]

YEAR = date.today().year
PERIOD = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
PEOPLE = ("VIEWER", "OFFICER", "ADMIN")
RANK = {"VIEWER": 0, "OFFICER": 1, "ADMIN": 2}
SCOPES = ("members:read", "members:write", "imports:write")
R, W, A = "VIEWER", "OFFICER", "ADMIN"
ABSENT = "absent"
UNREACHABLE = "http://127.0.0.1:9/hook"
ACTIVITY = {"kind": "STUDY_SESSION", "title": "Sinh hoạt học tập", "started_on": f"{YEAR}-01-01", "participants": 12}

# route: (lowest role, client scope that opens it or None, scoped: True / False / ABSENT)
# Public routes (login, oauth_token, openapi) take no token: tested on their own below.
MATRIX = {
    "me": (R, "members:read", False),
    "ping": (R, "members:read", False),
    "list_units": (R, "members:read", False),
    "create_unit": (A, None, True),
    "get_unit": (R, "members:read", True),
    "unit_statistics": (R, "members:read", True),
    "search_members": (R, "members:read", True),
    "register_member": (W, "members:write", True),
    "get_member": (R, "members:read", True),
    "update_member": (W, "members:write", True),
    "transfer_member": (W, "members:write", True),
    "leave_member": (W, "members:write", True),
    "rejoin_member": (W, "members:write", True),
    "verify_member": (W, "members:write", True),
    "get_verification": (R, "members:read", True),
    "list_officers": (A, None, False),
    "create_officer": (A, None, True),
    "list_funds": (R, None, True),
    "create_fund": (W, None, True),
    "get_fund": (R, None, True),
    "fund_statement": (R, None, True),
    "list_donations": (R, None, True),
    "record_donation": (W, None, True),
    "donation_receipt": (R, None, True),
    "list_disbursements": (R, None, True),
    "propose_disbursement": (W, None, True),
    "approve_disbursement": (W, None, True),
    "reject_disbursement": (W, None, True),
    "pay_disbursement": (W, None, True),
    "transfer_between_funds": (W, None, True),
    "get_transfer": (R, None, True),
    "reverse_transfer": (W, None, True),
    "unit_funds_summary": (R, None, True),
    "unit_disclosure": (R, None, True),
    "list_criteria_sets": (R, None, False),
    "get_criteria_set": (R, None, False),
    "open_campaign": (W, None, True),
    "list_campaigns": (R, None, True),
    "get_campaign": (R, None, True),
    "register_evaluation": (W, None, True),
    "list_evaluations": (R, None, True),
    "get_evaluation": (R, None, True),
    "submit_self_assessment": (W, None, True),
    "review_evaluation": (W, None, True),
    "decide_evaluation": (W, None, True),
    "evaluation_statistics": (R, None, True),
    "list_inbox": (R, None, False),
    "mark_inbox_read": (R, None, ABSENT),
    "get_preferences": (R, None, False),
    "put_preferences": (R, None, False),
    "create_webhook": (A, None, True),
    "list_webhooks": (A, None, False),
    "get_webhook": (A, None, True),
    "rotate_webhook_secret": (A, None, True),
    "list_webhook_deliveries": (A, None, True),
    "replay_webhook_delivery": (A, None, ABSENT),
    "delete_webhook": (A, None, True),
    "create_client": (A, None, True),
    "list_clients": (A, None, False),
    "rotate_client_secret": (A, None, True),
    "disable_client": (A, None, True),
    "list_audit": (A, None, False),
    "create_import": (W, "imports:write", False),
    "get_import": (R, "members:read", True),
    "import_errors": (R, "members:read", True),
    "export_personal_data": (W, None, True),
    "correct_member": (W, None, True),
    "withdraw_consent": (W, None, True),
    "anonymise_member": (W, None, True),
    "list_privacy_requests": (A, None, False),
    "record_activity": (W, None, True),
    "list_activities": (R, None, True),
    "get_activity": (R, None, True),
    "delete_activity": (W, None, ABSENT),
    "review_report": (R, None, True),
    "reorganise_units": (A, None, True),
    "reorganise_from_mapping": (A, None, True),
    "list_reorganisations": (A, None, False),
}
PUBLIC = {"login", "oauth_token", "openapi"}
# Run after every other route, one at a time: they delete, disable or erase what other cells read.
LAST = ("delete_webhook", "disable_client", "leave_member", "rejoin_member", "anonymise_member")


def request_for(route, t, other):
    """(method, path, body, query, extra headers) of ``route`` against the records ``t`` (the target side);
    ``other`` is the other side (a transfer to a fund or unit there)."""
    key = {"Idempotency-Key": str(uuid.uuid4())}
    note = {"reason": "Đơn yêu cầu của hội viên (kiểm thử phân quyền)"}
    table = {
        "me": ("GET", "/me", None, None),
        "ping": ("GET", "/ping", None, None),
        "list_units": ("GET", "/units", None, {"parent_code": t["province"]}),
        "create_unit": ("POST", "/units", {"parent_code": t["commune"], "name": "Chi hội kiểm thử phân quyền",
                                           "kind": "VILLAGE"}, None),
        "get_unit": ("GET", f"/units/{t['commune']}", None, None),
        "unit_statistics": ("GET", f"/units/{t['commune']}/statistics", None, PERIOD),
        "search_members": ("GET", "/members", None, {"unit_code": t["commune"]}),
        "register_member": ("POST", "/members", member_payload(t["commune"]), None),
        "get_member": ("GET", f"/members/{t['member']}", None, None),
        "update_member": ("PATCH", f"/members/{t['member']}", {"religion": "Không"}, None),
        "transfer_member": ("POST", f"/members/{t['member']}/transfer", {"to_unit_code": t["commune2"]}, None),
        "leave_member": ("POST", f"/members/{t['member']}/leave", {"reason_code": "VOLUNTARY"}, None),
        "rejoin_member": ("POST", f"/members/{t['member']}/rejoin", {
            "unit_code": t["commune"], "consent": {"given": True, "channel": "PAPER_FORM"}}, None),
        "verify_member": ("POST", f"/members/{t['member']}/verify", {"method": "MANUAL", "note": "đã xem thẻ"}, None),
        "get_verification": ("GET", f"/members/{t['member']}/verification", None, None),
        "list_officers": ("GET", "/officers", None, None),
        "create_officer": ("POST", "/officers", {"username": f"m.{uuid.uuid4().hex[:10]}", "full_name": "Cán bộ",
                                                 "password": "mat-khau-dai-du-10", "role": "VIEWER",
                                                 "unit_code": t["commune"]}, None),
        "list_funds": ("GET", "/funds", None, {"unit_code": t["commune"]}),
        "create_fund": ("POST", "/funds", {"unit_code": t["commune"], "name": "Quỹ kiểm thử", "kind": "OTHER"}, None),
        "get_fund": ("GET", f"/funds/{t['fund']}", None, None),
        "fund_statement": ("GET", f"/funds/{t['fund']}/statement", None, PERIOD),
        "list_donations": ("GET", f"/funds/{t['fund']}/donations", None, None),
        "record_donation": ("POST", f"/funds/{t['fund']}/donations",
                            {"donor_kind": "ANONYMOUS", "amount_vnd": 1000, "channel": "CASH"}, None, key),
        "donation_receipt": ("GET", f"/donations/{t['donation']}/receipt", None, None),
        "list_disbursements": ("GET", f"/funds/{t['fund']}/disbursements", None, None),
        "propose_disbursement": ("POST", f"/funds/{t['fund']}/disbursements", {
            "kind": "HOC_BONG", "beneficiary_name": "Trần Minh Khoa", "amount_vnd": 1000,
            "decision_reference": "1/QĐ-KH"}, None),
        "approve_disbursement": ("POST", f"/disbursements/{t['disbursement']}/approve", {}, None),
        "reject_disbursement": ("POST", f"/disbursements/{t['disbursement2']}/reject", {"reason": "Thiếu hồ sơ"},
                                None),
        "pay_disbursement": ("POST", f"/disbursements/{t['disbursement']}/pay", {}, None, key),
        "transfer_between_funds": ("POST", "/fund-transfers", {"from_fund_id": t["fund"], "to_fund_id": other["fund"],
                                                               "amount_vnd": 1000}, None, key),
        "get_transfer": ("GET", f"/transfers/{t['donation']}", None, None),
        "reverse_transfer": ("POST", f"/transfers/{t['donation']}/reverse", {"reason": "Ghi nhầm"}, None, key),
        "unit_funds_summary": ("GET", f"/units/{t['commune']}/funds/summary", None, PERIOD),
        "unit_disclosure": ("GET", f"/units/{t['commune']}/disclosure", None, PERIOD),
        "list_criteria_sets": ("GET", "/evaluations/criteria-sets", None, None),
        "get_criteria_set": ("GET", "/evaluations/criteria-sets/CDHT-QD324-2023", None, None),
        "open_campaign": ("POST", f"/units/{t['commune']}/evaluation-campaigns", {"year": YEAR}, None),
        "list_campaigns": ("GET", f"/units/{t['commune']}/evaluation-campaigns", None, {"year": YEAR}),
        "get_campaign": ("GET", f"/evaluation-campaigns/{t['campaign']}", None, None),
        "register_evaluation": ("POST", "/evaluations", {"title_type": "GIA_DINH_HOC_TAP", "year": YEAR, "subject": {
            "kind": "HOUSEHOLD", "name": f"Hộ {uuid.uuid4().hex[:6]}", "unit_code": t["commune"]}}, None),
        "list_evaluations": ("GET", "/evaluations", None, {"unit_code": t["commune"]}),
        "get_evaluation": ("GET", f"/evaluations/{t['evaluation']}", None, None),
        "submit_self_assessment": ("POST", f"/evaluations/{t['evaluation']}/self-assessment", {"answers": {}}, None),
        "review_evaluation": ("POST", f"/evaluations/{t['evaluation']}/review", {"adjustments": []}, None),
        "decide_evaluation": ("POST", f"/evaluations/{t['evaluation']}/decision", {
            "outcome": "NOT_RECOGNISED", "decision_reference": "9/QĐ-KH"}, None),
        "evaluation_statistics": ("GET", f"/units/{t['commune']}/evaluations/statistics", None, {"year": YEAR}),
        "list_inbox": ("GET", "/inbox", None, None),
        "mark_inbox_read": ("POST", f"/inbox/{uuid.uuid4()}/read", {}, None),
        "get_preferences": ("GET", "/me/preferences", None, None),
        "put_preferences": ("PUT", "/me/preferences", {"channels": {}, "muted_rules": []}, None),
        "create_webhook": ("POST", "/webhooks", {"client_name": "LGSP", "unit_code": t["province"],
                                                 "event_types": ["member_registered"], "url": UNREACHABLE}, None),
        "list_webhooks": ("GET", "/webhooks", None, None),
        "get_webhook": ("GET", f"/webhooks/{t['webhook']}", None, None),
        "rotate_webhook_secret": ("POST", f"/webhooks/{t['webhook']}/rotate-secret", {}, None),
        "list_webhook_deliveries": ("GET", f"/webhooks/{t['webhook']}/deliveries", None, None),
        "replay_webhook_delivery": ("POST", f"/webhook-deliveries/{uuid.uuid4()}/replay", {}, None),
        "delete_webhook": ("DELETE", f"/webhooks/{t['webhook']}", None, None),
        "create_client": ("POST", "/clients", {"name": "LGSP kiểm thử", "unit_code": t["province"],
                                               "scopes": ["members:read"]}, None),
        "list_clients": ("GET", "/clients", None, None),
        "rotate_client_secret": ("POST", f"/clients/{t['client']}/rotate-secret", {}, None),
        "disable_client": ("POST", f"/clients/{t['client']}/disable", {}, None),
        "list_audit": ("GET", "/audit", None, None),
        "create_import": ("POST", "/imports", "cccd,full_name\n", None, {"Content-Type": "text/csv"}),
        "get_import": ("GET", f"/imports/{t['job']}", None, None),
        "import_errors": ("GET", f"/imports/{t['job']}/errors", None, None),
        "export_personal_data": ("POST", f"/members/{t['member']}/privacy/export", note, None),
        "correct_member": ("POST", f"/members/{t['member']}/privacy/correct", {**note, "changes": {
            "ethnicity": "Kinh"}}, None),
        "withdraw_consent": ("POST", f"/members/{t['member']}/privacy/withdraw-consent", {
            **note, "purpose": "CONTACT"}, None),
        "anonymise_member": ("POST", f"/members/{t['member']}/privacy/anonymise", note, None),
        "list_privacy_requests": ("GET", "/privacy-requests", None, None),
        "record_activity": ("POST", f"/units/{t['commune']}/activities", ACTIVITY, None),
        "list_activities": ("GET", f"/units/{t['commune']}/activities", None, None),
        "get_activity": ("GET", f"/activities/{t['activity']}", None, None),
        "delete_activity": ("DELETE", f"/activities/{uuid.uuid4()}", None, None),
        "review_report": ("GET", "/reports/review", None, {"unit": t["commune"], **PERIOD}),
        "reorganise_units": ("POST", "/reorganisations", {"operations": [{
            "kind": "MERGE", "survivor_code": t["commune"], "merged_codes": [t["commune2"]]}]}, {"dry_run": "true"}),
        "reorganise_from_mapping": ("POST", "/reorganisations/mapping", f"from_code,to_code\n{t['commune2']},"
                                    f"{t['commune']}\n", {"dry_run": "true"}, {"Content-Type": "text/csv"}),
        "list_reorganisations": ("GET", "/reorganisations", None, None),
    }
    method, path, body, query, *headers = table[route]
    return method, path, body, query, (headers[0] if headers else {})


def expected(route, caller, inside):
    role, scope, scoped = MATRIX[route]
    if caller in PEOPLE:
        allowed = RANK[caller] >= RANK[role]
    else:
        allowed = scope is not None and (scope == "members:read" or scope in caller.split("+"))  # any scope reads
    if not allowed:
        return "403"
    if scoped == ABSENT or (scoped and not inside):
        return "404"
    return "ok"


def outcome(status):
    return {401: "401", 403: "403", 404: "404"}.get(status, "ok" if status < 500 else str(status))


def _send(api, token, method, path, body, query, headers):
    headers = {"Authorization": f"Bearer {token}", **headers}
    if isinstance(body, str):
        return api.http.request(method, f"{api.base}{path}", data=body.encode(), params=query, headers=headers,
                                timeout=60)  # fmt: skip
    return api.http.request(method, f"{api.base}{path}", json=body, params=query, headers=headers, timeout=60)


# --- the world the cells act on ----------------------------------------------------------------------------


def _ok(response, *statuses):
    assert response.status_code in (statuses or (200, 201, 202)), response.text
    return response.json()


def _side(central, admin, province, commune, commune2):
    """A member, a fund with a donation, two proposed disbursements, a campaign with an evaluation, a webhook,
    a client and an import job in ``commune`` (province ``province``), made by the centre (and the job by the
    province's administrator, whose subtree it belongs to)."""
    member = _ok(central.post("/members", json=member_payload(commune, email="hv@example.vn",
                                                              consent={"given": True, "channel": "PAPER_FORM",
                                                                       "contact": True})))  # fmt: skip
    fund = _ok(central.post("/funds", json={"unit_code": commune, "name": "Quỹ khuyến học", "kind": "GENERAL"}))
    donation = str(uuid.uuid4())
    _ok(central.post(f"/funds/{fund['id']}/donations", headers={"Idempotency-Key": donation},
                     json={"donor_kind": "ANONYMOUS", "amount_vnd": 5_000_000, "channel": "CASH"}))  # fmt: skip
    proposal = {"kind": "HOC_BONG", "beneficiary_name": "Lê Gia Huy", "amount_vnd": 1000, "decision_reference": "2/QĐ"}
    disbursements = [_ok(central.post(f"/funds/{fund['id']}/disbursements", json=proposal)) for _ in range(2)]
    campaign = _ok(central.post(f"/units/{commune}/evaluation-campaigns", json={"year": YEAR}))
    evaluation = _ok(central.post("/evaluations", json={"title_type": "GIA_DINH_HOC_TAP", "year": YEAR, "subject": {
        "kind": "HOUSEHOLD", "name": "Hộ ông Nguyễn Văn Ba", "unit_code": commune}}))
    webhook = _ok(central.post("/webhooks", json={"client_name": "LGSP", "unit_code": province,
                                                  "event_types": ["member_registered"], "url": UNREACHABLE}))
    client = _ok(central.post("/clients", json={"name": "LGSP đích", "unit_code": province,
                                                "scopes": ["members:read"]}))  # fmt: skip
    activity = _ok(central.post(f"/units/{commune}/activities", json=ACTIVITY))
    job = _ok(admin.post("/imports", data=f"cccd,full_name\n{uuid.uuid4().hex[:12]},A\n".encode(),
                         headers={"Content-Type": "text/csv"}))  # fmt: skip
    return {"province": province, "commune": commune, "commune2": commune2, "member": member["id"],
            "fund": fund["id"], "donation": donation, "disbursement": disbursements[0]["id"],
            "disbursement2": disbursements[1]["id"], "campaign": campaign["id"], "evaluation": evaluation["id"],
            "webhook": webhook["id"], "client": client["id"], "job": job["id"],
            "activity": activity["id"]}  # fmt: skip


def client_token(admin, province, scopes):
    created = _ok(admin.post("/clients", json={"name": f"LGSP {province} {' '.join(scopes)}", "unit_code": province,
                                               "scopes": list(scopes)}))  # fmt: skip
    response = admin.http.post(f"{admin.base}/oauth/token", auth=(created["id"], created["client_secret"]),
                               data={"grant_type": "client_credentials"}, timeout=30)  # fmt: skip
    return _ok(response)["access_token"]


@pytest.fixture(scope="module")
def world(security_platform, officers):
    central = officers[("ADMIN", "VN")]
    communes = central.get("/units", params={"parent_code": "79", "page_size": 2}).json()["items"]
    inside = _side(central, officers[("ADMIN", "01")], "01", "00070", "00073")
    outside = _side(central, officers[("ADMIN", "79")], "79", communes[0]["code"], communes[1]["code"])
    callers = {role: officers[(role, "01")].token for role in PEOPLE}
    callers.update({scope: client_token(officers[("ADMIN", "01")], "01", [scope]) for scope in SCOPES})
    callers["79:" + "+".join(SCOPES)] = client_token(officers[("ADMIN", "79")], "79", SCOPES)
    return {"in": inside, "out": outside, "callers": callers}


def cells(world):
    """Every cell: (route, caller, side). The client of 79 meets 01's records as outside, 79's as inside."""
    for route in MATRIX:
        for caller in world["callers"]:
            for side in ("in", "out"):
                if MATRIX[route][2] is not True and side == "out":
                    continue  # nothing outside the caller's subtree to address
                yield route, caller, side


def test_the_matrix_covers_every_route_of_the_document():
    assert set(MATRIX) | PUBLIC == {route.name for route in ROUTES}


def test_every_cell_of_the_authorisation_matrix(security_platform, world):
    api = security_platform.api()
    results, mismatches = {}, []

    def run(cell):
        route, caller, side = cell
        # ``side`` is relative to the caller: for the client of 79, its own records ("in") are world["out"].
        foreign = caller.startswith("79:")
        target_side = {"in": "out", "out": "in"}[side] if foreign else side
        method, path, body, query, headers = request_for(route, world[target_side], world[
            "out" if target_side == "in" else "in"])
        response = _send(api, world["callers"][caller], method, path, body, query, headers)
        want, got = expected(route, caller.removeprefix("79:"), side == "in"), outcome(response.status_code)
        results[cell] = got
        if want != got:
            mismatches.append(f"{route} as {caller} on {side} ({method} {path}): expected {want}, got "
                              f"{response.status_code} {response.text[:200]}")  # fmt: skip

    every = list(cells(world))
    pool = eventlet.GreenPool(8)
    list(pool.imap(run, [c for c in every if c[0] not in LAST]))
    for route in LAST:
        for cell in [c for c in every if c[0] == route]:
            run(cell)
    counts = {}
    for got in results.values():
        counts[got] = counts.get(got, 0) + 1
    print(f"authorisation matrix: {len(results)} cells, {len(MATRIX)} routes, {len(world['callers'])} callers:",
          counts)  # fmt: skip
    assert len(results) == len(every)
    assert not mismatches, f"{len(mismatches)} of {len(every)} cells differ:\n" + "\n".join(sorted(mismatches))


# --- tokens ------------------------------------------------------------------------------------------------


def _claims(**overrides):
    now = int(time.time())
    claims = {"iss": "khuyenhoc-gateway", "aud": "khuyenhoc-api", "sub": str(uuid.uuid4()), "iat": now,
              "exp": now + 600, "username": "demo.central", "name": "X", "role": "ADMIN", "unit_code": "VN"}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


BAD_TOKENS = {
    "expired": lambda: jwt.encode(_claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), JWT_SECRET,
                                  algorithm="HS256"),
    "wrong audience": lambda: jwt.encode(_claims(aud="another-api"), JWT_SECRET, algorithm="HS256"),
    "wrong issuer": lambda: jwt.encode(_claims(iss="someone-else"), JWT_SECRET, algorithm="HS256"),
    "no expiry": lambda: jwt.encode(_claims(exp=None), JWT_SECRET, algorithm="HS256"),
    "another key": lambda: jwt.encode(_claims(), "another-secret-of-at-least-thirty-two-bytes", algorithm="HS256"),
    "alg none": lambda: f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.",
    "alg none, signature kept": lambda: (
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}."
        + jwt.encode(_claims(), JWT_SECRET, algorithm="HS256").rsplit(".", 1)[1]),
    "HS512 with the right key": lambda: jwt.encode(_claims(), JWT_SECRET, algorithm="HS512"),
    "unknown role": lambda: jwt.encode(_claims(role="SUPERUSER"), JWT_SECRET, algorithm="HS256"),
    "client of unknown scope": lambda: jwt.encode(_claims(kind="client", scope="funds:write", unit_code="01"),
                                                  JWT_SECRET, algorithm="HS256"),
    "tampered payload": lambda: (lambda t: ".".join([t.split(".")[0], _b64(_claims(unit_code="VN", role="ADMIN")),
                                                     t.split(".")[2]]))(
        jwt.encode(_claims(role="VIEWER", unit_code="00070"), JWT_SECRET, algorithm="HS256")),
    "not a JWT": lambda: "not-a-token",
}
TOKEN_ROUTES = [("GET", "/me"), ("GET", "/members"), ("POST", "/units"), ("GET", "/audit"), ("POST", "/imports"),
                ("POST", "/members/00000000-0000-4000-8000-000000000000/privacy/export")]


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_a_bad_token_is_refused_with_401_on_every_kind_of_route(security_platform, kind):
    api = security_platform.api()
    token = BAD_TOKENS[kind]()
    for method, path in TOKEN_ROUTES:
        response = _send(api, token, method, path, {}, None, {})
        assert response.status_code == 401, (kind, method, path, response.status_code, response.text)
        assert response.json()["code"] in ("unauthenticated", "token_expired")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_good_token_of_the_same_shape_is_accepted(security_platform):
    """The forged tokens above fail for their defect, not for their shape: the same claims, properly signed,
    open the door (so the 401s cannot come from a broken test)."""
    api = security_platform.api()
    good = jwt.encode(_claims(), JWT_SECRET, algorithm="HS256")
    assert _send(api, good, "GET", "/me", None, None, {}).status_code == 200
    assert _send(api, "", "GET", "/me", None, None, {}).status_code == 401
