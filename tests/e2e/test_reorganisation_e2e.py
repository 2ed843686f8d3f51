"""Three communes merged into one over real RabbitMQ, through the gateway (issue 11, "done when").

Phường Ba Đình (00004) survives; Phường Ngọc Hà (00008) and Phường Giảng Võ (00025) are merged into it.
Each commune has members (some in a grassroots unit below it), a fund with donations, an activity and
learning-citizen registrations, all dated before the merge. After the merge every member, balance and
title is under the survivor, the sums are unchanged, a second identical merge changes nothing, and the
review report for a period before the merge still shows the three communes with their own figures.

All four services and the gateway run as real nameko containers on PostgreSQL (SQLite when no test
PostgreSQL is configured) and a vhost of their own."""

import os
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from members.testing import Api, member_payload
from servicekit.testing import Running, private_vhost, service_config, start_container, wait_for

pytestmark = [pytest.mark.rabbit, pytest.mark.e2e]

SURVIVOR, MERGED = "00004", ("00008", "00025")
COMMUNES = (SURVIVOR, *MERGED)
JOINED_ON = date(2026, 3, 2)
# per commune: members registered in the commune itself, in a grassroots unit below it; donations (đồng)
MEMBERS = {"00004": (1, 2), "00008": (2, 1), "00025": (0, 3)}
DONATIONS = {"00004": (3_000_000,), "00008": (1_500_000, 2_500_000), "00025": (700_000,)}
STUDY_SESSIONS = {"00004": (4, 120), "00008": (2, 45), "00025": (6, 300)}  # sessions, participations
JWT = {"JWT_SECRET": "test-secret-of-at-least-thirty-two-bytes!", "JWT_ISSUER": "khuyenhoc-gateway",
       "JWT_AUDIENCE": "khuyenhoc-api", "JWT_TTL_SECONDS": 600}  # fmt: skip


def vietnam_today():
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


@pytest.fixture(scope="module")
def stack(request, databases):
    from evaluations.service import EvaluationsService
    from funds.service import FundsService
    from gateway.service import GatewayService
    from members.service import MembersService
    from notifications.testing import HttpReceiver, SmtpServer, start_notifications

    backend = "postgres" if os.environ.get("TEST_POSTGRES_URL") else "sqlite"
    vhost = private_vhost()
    amqp_uri = next(vhost)
    names = ("members", "funds", "evaluations", "notifications")
    generators = {name: databases.fresh(request, name, backend) for name in names}
    urls = {name: next(generator) for name, generator in generators.items()}
    containers, smtp, sms = [], SmtpServer(), HttpReceiver()

    def start(service_cls, **settings):
        config, port = service_config(amqp_uri, OUTBOX_RELAY_INTERVAL_SECONDS=0.2, **settings)
        containers.append(start_container(service_cls, config))
        return Running(containers[-1], port)

    try:
        start(MembersService, DATABASE_URL=urls["members"])
        start(FundsService, DATABASE_URL=urls["funds"])
        start(EvaluationsService, DATABASE_URL=urls["evaluations"])
        containers.append(start_notifications(amqp_uri, urls["notifications"], smtp, sms).container)
        gateway = start(GatewayService, **JWT)
        yield Api(gateway.url, urls["members"])
    finally:
        for container in reversed(containers):
            container.stop()
        smtp.stop()
        sms.stop()
        for generator in (*generators.values(), vhost):
            next(generator, None)


def created(response):
    assert response.status_code in (200, 201), response.text
    return response.json()


def key():
    return {"Idempotency-Key": str(uuid.uuid4())}


def build_commune(admin, code):
    """The commune's members, fund, donations, activity and registrations; returns the member ids."""
    in_commune, in_unit = MEMBERS[code]
    unit = created(admin.post("/units", json={"parent_code": code, "name": f"Chi hội Tổ dân phố 1 ({code})",
                                              "kind": "VILLAGE"}))["code"]
    members = [created(admin.post("/members", json=member_payload(where, join_date=JOINED_ON.isoformat())))["id"]
               for where in [code] * in_commune + [unit] * in_unit]
    fund = wait_for(lambda: (r := admin.post("/funds", json={"unit_code": code, "kind": "GENERAL",
                                                             "name": f"Quỹ khuyến học {code}"})).status_code == 201
                    and r.json(), message=f"the fund of {code}")
    for amount in DONATIONS[code]:
        created(admin.post(f"/funds/{fund['id']}/donations", headers=key(), json={
            "donor_kind": "ORGANISATION", "donor_name": "Công ty Sách Hà Nội", "amount_vnd": amount,
            "channel": "BANK_TRANSFER", "received_on": date(2026, 4, 1).isoformat()}))
    sessions, participants = STUDY_SESSIONS[code]
    created(admin.post(f"/units/{code}/activities", headers=key(), json={
        "kind": "STUDY_SESSION", "title": "Sinh hoạt học tập cộng đồng", "started_on": "2026-05-10",
        "sessions": sessions, "participants": participants}))
    year = vietnam_today().year
    opened = admin.post(f"/units/{code}/evaluation-campaigns", json={"year": year})
    assert opened.status_code in (201, 409), opened.text
    for member_id in members:
        body = {"title_type": "CONG_DAN_HOC_TAP", "year": year, "form_code": "RESIDENT",
                "subject": {"kind": "PERSON", "member_id": member_id}}
        headers = key()
        wait_for(lambda b=body, h=headers: admin.post("/evaluations", json=b, headers=h).status_code == 201,
                 message="the member known to evaluations")
    return unit, fund, members


def merge(admin, effective_on, dry_run=False):
    plan = {"effective_on": effective_on.isoformat(), "decision_ref": "Nghị quyết 1656/NQ-UBTVQH15",
            "operations": [{"kind": "MERGE", "survivor_code": SURVIVOR, "merged_codes": list(COMMUNES)}]}
    return created(admin.post("/reorganisations", params={"dry_run": "true"} if dry_run else None,
                              json=plan, headers=key()))


def funds_of(admin, code):
    return admin.get("/funds", params={"unit_code": code, "page_size": 100, "include_closed": "true"}).json()["items"]


def registrations_of(admin, code):
    return admin.get("/evaluations", params={"unit_code": code, "page_size": 100}).json()["items"]


def report(admin, date_from, date_to):
    response = admin.get("/reports/review", params={"unit": "01", "from": date_from.isoformat(),
                                                    "to": date_to.isoformat()})
    assert response.status_code == 200, response.text
    return {row["unit"]["code"]: row for row in response.json()["by_unit"]}


def test_three_communes_merge_into_one_and_the_report_before_the_merge_still_shows_them(stack):
    admin = stack.as_officer("ADMIN", "01")
    built = {code: build_commune(admin, code) for code in COMMUNES}
    effective_on = vietnam_today()
    all_members = {m for _, _, members in built.values() for m in members}
    total_raised = sum(sum(amounts) for amounts in DONATIONS.values())

    preview = merge(admin, effective_on, dry_run=True)
    [operation] = preview["operations"]
    assert (preview["dry_run"], operation["moved_members"]) == (True, 2)  # members of the merged communes themselves
    moved_funds = [i for s in preview["services"] for i in s["items"] if i["what"] == "fund"]
    assert sorted(i["amount"] for i in moved_funds) == [700_000, 4_000_000]
    assert admin.get(f"/units/{MERGED[0]}").json()["valid_to"] is None  # a dry run changes nothing

    [applied] = merge(admin, effective_on)["operations"]
    assert (applied["already_applied"], sorted(applied["closed_units"])) == (False, sorted(MERGED))

    def settled():
        survivor_funds = [f for f in funds_of(admin, SURVIVOR) if f["unit_code"] == SURVIVOR]
        return sum(f["balance"]["cash_vnd"] for f in survivor_funds) == total_raised and survivor_funds

    wait_for(settled, timeout=60, message="the balances moved to the survivor")
    wait_for(lambda: len(registrations_of(admin, SURVIVOR)) == len(all_members), timeout=60,
             message="the registrations re-pointed to the survivor")

    survivor_path = admin.get(f"/units/{SURVIVOR}").json()["path"]
    paths = {}
    for member_id in all_members:
        unit = admin.get(f"/members/{member_id}").json()["unit_code"]
        paths.setdefault(unit, admin.get(f"/units/{unit}").json()["path"])
    assert paths[SURVIVOR] == survivor_path and all(p.startswith(survivor_path) for p in paths.values())
    assert set(paths) == {SURVIVOR, *(unit for unit, _, _ in built.values())}
    for code in MERGED:
        closed = admin.get(f"/units/{code}").json()
        assert closed["valid_to"] == (effective_on - timedelta(days=1)).isoformat()
        assert all(f["balance"]["cash_vnd"] == 0 for f in funds_of(admin, code) if f["unit_code"] == code)
    assert {r["member_id"] for r in registrations_of(admin, SURVIVOR)} == all_members

    again = merge(admin, effective_on)["operations"][0]
    assert (again["already_applied"], again["moved_members"]) == (True, 0)

    before = report(admin, date(2026, 1, 1), effective_on - timedelta(days=1))
    for code in COMMUNES:
        row = before[code]
        assert row["members"]["at_end"] == sum(MEMBERS[code]) and row["members"]["joined"] == sum(MEMBERS[code])
        assert row["funds"]["raised"] == sum(DONATIONS[code])
        [study] = [a for a in row["activities"] if a["kind"] == "STUDY_SESSION"]
        assert (study["sessions"], study["participants"]) == STUDY_SESSIONS[code]
        [citizens] = [t for t in row["titles"] if t["title_type"] == "CONG_DAN_HOC_TAP"]
        assert citizens["registered"] == sum(MEMBERS[code])

    after = report(admin, effective_on, effective_on)
    assert after[SURVIVOR]["members"]["at_end"] == len(all_members)
    assert after[SURVIVOR]["funds"]["balance_at_end"] == total_raised
    assert all(after.get(code, {"members": {"at_end": 0}})["members"]["at_end"] == 0 for code in MERGED)
