"""Funds follow a merge or a split of units on a real database: balances move to the survivor by ledger
transfers, the old funds close and stay reportable under the old units, a redelivery changes nothing."""

import uuid
from datetime import date, timedelta

import pytest

from contracts.envelope import load_event, make_event
from contracts.errors import PermissionDenied, UnitNotFound
from contracts.funds import (
    ApproveDisbursementSchema,
    FundClosed,
    PayDisbursementSchema,
    ProposeDisbursementSchema,
    ReverseTransferSchema,
)
from contracts.reorganisation import ReorganisationPlanSchema
from funds import repository
from funds.models import ORG_UNITS
from funds.testing import make_actor, scholarship_body, units_merged_event
from funds.usecases import disbursements, reorganisation, report, transfers
from funds.usecases.common import today
from servicekit import orgunits

TODAY = today()
EFFECTIVE = TODAY - timedelta(days=3)
PROVINCE = make_actor("ADMIN", "01")
POOR = "SCHOLARSHIP_POOR_PUPILS"
SCHOOL = ("00070-G0001", "00004", "/VN/01/00070/00070-G0001/", "/VN/01/00004/00070-G0001/")


def ago(days):
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
def communes(uow, new_fund, donate, pay):
    """Ba Đình (00004) survives; Hoàn Kiếm (00070, with a school below it) and Ngọc Hà (00008) merge into it."""
    envelope = {"event_id": uuid.uuid4(), "event_type": "unit_created"}
    orgunits.handle_unit_created(
        uow(),
        "funds",
        ORG_UNITS,
        envelope,
        {
            "unit_code": SCHOOL[0],
            "parent_code": "00070",
            "unit_path": SCHOOL[2],
            "level": "GRASSROOTS",
            "kind": "SCHOOL",
            "name": "Ban khuyến học Trường Tràng Thi",
            "valid_from": date(2025, 7, 1),
        },
    )
    funds = {
        "survivor": new_fund("00004", by=PROVINCE, name="Quỹ Khuyến học Phường Ba Đình"),
        "hoan_kiem": new_fund("00070", by=PROVINCE),
        "scholarship": new_fund("00070", by=PROVINCE, name="Quỹ học bổng Nguyễn Văn Tố", kind="SCHOLARSHIP"),
        "school": new_fund(SCHOOL[0], by=PROVINCE, name="Quỹ khuyến học Trường Tràng Thi", kind="SCHOOL"),
        "ngoc_ha": new_fund("00008", by=PROVINCE, name="Quỹ Khuyến học Phường Ngọc Hà"),
        "empty": new_fund("00008", by=PROVINCE, name="Quỹ vì người nghèo", kind="OTHER"),
    }
    donate(funds["survivor"]["id"], 1_000_000, by=PROVINCE, received_on=ago(20))
    donate(funds["hoan_kiem"]["id"], 3_000_000, by=PROVINCE, received_on=ago(20))
    donate(funds["hoan_kiem"]["id"], 2_000_000, by=PROVINCE, purpose=POOR, received_on=ago(20))
    pay(funds["hoan_kiem"]["id"], 500_000, "Trần Minh Khoa", paid_on=TODAY - timedelta(days=10))
    donate(funds["scholarship"]["id"], 5_000_000, by=PROVINCE, channel="BANK_TRANSFER", received_on=ago(15))
    donate(funds["school"]["id"], 1_200_000, by=PROVINCE, received_on=ago(15))
    donate(funds["ngoc_ha"]["id"], 700_000, by=PROVINCE, received_on=ago(10))
    return funds


def merge(uow, event=None):
    event = event or units_merged_event(
        ("00004", "/VN/01/00004/"), [("00070", "/VN/01/00070/"), ("00008", "/VN/01/00008/")], EFFECTIVE, [SCHOOL]
    )
    reorganisation.follow_reorganisation(uow(), "funds", *load_event(event.to_message()))
    return event


def cash(get_fund, fund_id):
    return get_fund(fund_id)["balance"]["cash_vnd"]


def survivor_funds(rows):
    return {f["name"]: f for f in rows("funds", unit_code="00004")}


def test_a_merge_moves_every_balance_to_the_survivor_and_the_sums_are_unchanged(uow, communes, rows, get_fund):
    before = sum(cash(get_fund, f["id"]) for f in rows("funds"))
    merge(uow)
    survivor = get_fund(communes["survivor"]["id"])["balance"]
    assert survivor["cash_vnd"] == 1_000_000 + 4_500_000 + 700_000
    assert {"purpose": POOR, "balance_vnd": 2_000_000} in survivor["by_purpose"]
    assert sum(cash(get_fund, f["id"]) for f in rows("funds")) == before == 12_400_000
    assert sum(cash(get_fund, f["id"]) for f in rows("funds") if f["unit_code"] in ("00070", "00008")) == 0
    with uow() as work:
        debits, credits = repository.ledger_totals(work.session)
    assert debits == credits


def test_the_survivor_gets_a_fund_of_the_same_kind_and_name(uow, communes, rows, get_fund):
    merge(uow)
    funds = survivor_funds(rows)
    assert sorted(funds) == ["Quỹ Khuyến học Phường Ba Đình", "Quỹ học bổng Nguyễn Văn Tố", "Quỹ vì người nghèo"]
    assert cash(get_fund, funds["Quỹ học bổng Nguyễn Văn Tố"]["id"]) == 5_000_000
    assert funds["Quỹ vì người nghèo"]["kind"] == "OTHER" and cash(get_fund, funds["Quỹ vì người nghèo"]["id"]) == 0


def test_a_merged_fund_is_closed_and_names_the_fund_its_money_went_to(uow, communes, rows, get_fund, donate):
    merge(uow)
    (old,) = rows("funds", id=uuid.UUID(communes["hoan_kiem"]["id"]))
    assert old["closed_at"] is not None and old["merged_into_id"] == uuid.UUID(communes["survivor"]["id"])
    assert get_fund(communes["hoan_kiem"]["id"])["closed"] is True
    with pytest.raises(FundClosed):
        donate(communes["hoan_kiem"]["id"], 100_000, by=PROVINCE)


def test_a_merge_transfer_cannot_be_reversed_into_the_closed_fund(uow, communes, rows):
    merge(uow)
    (moved, *_) = rows("transfers", fund_id=uuid.UUID(communes["ngoc_ha"]["id"]), kind="fund_transfer")
    with pytest.raises(FundClosed):
        transfers.reverse_transfer(uow(), PROVINCE, moved["id"], ReverseTransferSchema().load({"reason": "x"}), "r-1")


def test_a_redelivered_or_repeated_merge_changes_nothing(uow, communes, count, get_fund):
    event = merge(uow)
    state = (count("transfers"), count("outbox"), count("funds"), cash(get_fund, communes["survivor"]["id"]))
    merge(uow, event)  # the same event again
    again = units_merged_event(
        ("00004", "/VN/01/00004/"),
        [("00070", "/VN/01/00070/"), ("00008", "/VN/01/00008/")],
        EFFECTIVE,
        [SCHOOL],
        reorganisation_id=event.payload["reorganisation_id"],
    )
    merge(uow, again)  # the members service announcing the same merge under a new event id
    assert (count("transfers"), count("outbox"), count("funds"), cash(get_fund, communes["survivor"]["id"])) == state


def test_each_moved_balance_is_a_transfer_announced_as_fund_transfer_completed(uow, communes, events):
    event = merge(uow)
    announced = [e["payload"] for e in events("fund_transfer_completed")]
    assert sorted((p["from_unit_code"], p["amount_vnd"], p["purpose"]) for p in announced) == [
        ("00008", 700_000, None),
        ("00070", 2_000_000, POOR),
        ("00070", 2_500_000, None),
        ("00070", 5_000_000, None),
    ]
    assert {p["to_unit_code"] for p in announced} == {"00004"} and {p["transferred_on"] for p in announced} == {
        EFFECTIVE.isoformat()
    }
    assert all(p["transfer_id"].startswith(f"reorg:{event.payload['reorganisation_id']}:") for p in announced)


def test_a_unit_below_a_merged_commune_keeps_its_fund_under_its_new_path(uow, communes, rows, get_fund):
    merge(uow)
    (school,) = rows("funds", unit_code=SCHOOL[0])
    assert school["closed_at"] is None and school["unit_path"] == SCHOOL[3]
    assert get_fund(school["id"], make_actor("OFFICER", "00004"))["balance"]["cash_vnd"] == 1_200_000


def test_a_disbursement_waiting_for_payment_follows_the_money(uow, communes):
    body = ProposeDisbursementSchema().load(scholarship_body(300_000))
    proposed = disbursements.propose_disbursement(uow(), PROVINCE, communes["ngoc_ha"]["id"], body)
    disbursements.approve_disbursement(
        uow(), make_actor("ADMIN", "01"), proposed["id"], ApproveDisbursementSchema().load({})
    )
    merge(uow)
    paid = disbursements.pay_disbursement(uow(), PROVINCE, proposed["id"], PayDisbursementSchema().load({}), "p-1")
    assert (paid["status"], paid["fund_id"]) == ("PAID", communes["survivor"]["id"])


def test_a_report_before_the_merge_still_shows_the_old_communes(uow, communes):
    merge(uow)
    before = report.review_report_part(uow(), PROVINCE, "01", TODAY - timedelta(days=30), EFFECTIVE - timedelta(1))
    rows = {r["unit_code"]: r["funds"] for r in before["by_unit"]}
    assert rows["00070"]["raised"] == 3_000_000 + 2_000_000 + 5_000_000 + 1_200_000  # the school counted there
    assert rows["00070"]["balance_at_end"] == 4_500_000 + 5_000_000 + 1_200_000
    assert (rows["00008"]["balance_at_end"], rows["00004"]["balance_at_end"]) == (700_000, 1_000_000)
    after = report.review_report_part(uow(), PROVINCE, "01", EFFECTIVE, TODAY)
    rows = {r["unit_code"]: r["funds"] for r in after["by_unit"]}
    assert "00070" not in rows and "00008" not in rows
    assert rows["00004"]["balance_at_end"] == 1_000_000 + 4_500_000 + 5_000_000 + 1_200_000 + 700_000
    assert after["funds"]["balance_at_end"] == before["funds"]["balance_at_end"]
    assert (after["funds"]["raised"], after["funds"]["spent"]) == (0, 0)  # the merge neither raised nor spent


def test_a_closed_split_source_hands_its_funds_to_the_successor(uow, communes, rows, get_fund):
    payload = {
        "reorganisation_id": uuid.uuid4(),
        "effective_on": EFFECTIVE,
        "source_code": "00008",
        "source_path": "/VN/01/00008/",
        "source_closed": True,
        "successor_code": "00025",
        "successor_path": "/VN/01/00025/",
        "targets": [
            {
                "unit_code": "00025",
                "unit_path": "/VN/01/00025/",
                "parent_code": "01",
                "level": "COMMUNE",
                "name": "Phường Giảng Võ",
                "valid_from": date(2025, 7, 1),
            }
        ],
    }
    reorganisation.follow_reorganisation(
        uow(), "funds", *load_event(make_event("unit_split", payload, "members").to_message())
    )
    funds = {f["name"]: f for f in rows("funds", unit_code="00025")}
    assert sorted(funds) == ["Quỹ Khuyến học Phường Giảng Võ", "Quỹ vì người nghèo"]
    assert cash(get_fund, funds["Quỹ Khuyến học Phường Giảng Võ"]["id"]) == 700_000
    assert get_fund(communes["ngoc_ha"]["id"])["closed"] is True


# --- the dry run -----------------------------------------------------------------------------------------


def plan(*merged, survivor="00004"):
    return ReorganisationPlanSchema().load(
        {"operations": [{"kind": "MERGE", "survivor_code": survivor, "merged_codes": list(merged)}]}
    )


def test_the_preview_lists_each_fund_that_would_move_and_moves_nothing(uow, communes, count):
    transfers_before = count("transfers")
    preview = reorganisation.preview_reorganisation(uow(), PROVINCE, plan("00004", "00070", "00008"))
    items = sorted((i["from_unit_code"], i["label"], i["amount"]) for i in preview["items"])
    assert preview["service"] == "funds" and items == [
        ("00008", "Quỹ Khuyến học Phường Ngọc Hà", 700_000),
        ("00008", "Quỹ vì người nghèo", 0),
        ("00070", "Quỹ học bổng Nguyễn Văn Tố", 5_000_000),
        ("00070", "Quỹ khuyến học phường", 4_500_000),
    ]
    assert {(i["what"], i["to_unit_code"], i["count"]) for i in preview["items"]} == {("fund", "00004", 1)}
    assert count("transfers") == transfers_before


def test_only_an_admin_previews_and_only_within_their_scope(uow, communes):
    with pytest.raises(PermissionDenied):
        reorganisation.preview_reorganisation(uow(), make_actor("OFFICER", "01"), plan("00070"))
    with pytest.raises(UnitNotFound):
        reorganisation.preview_reorganisation(uow(), make_actor("ADMIN", "00004"), plan("00070"))
