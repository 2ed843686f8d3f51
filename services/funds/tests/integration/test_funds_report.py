"""The funds part of the review report on a real database: figures known to the đồng for a province, its
communes and a grassroots unit, built through the use cases."""

import uuid
from datetime import date, timedelta

import pytest

from contracts.errors import UnitNotFound
from contracts.funds import FundTransferSchema, ReverseTransferSchema
from funds.models import ORG_UNITS
from funds.testing import make_actor
from funds.usecases import report, transfers
from funds.usecases.common import today
from servicekit import orgunits

TODAY = today()
FROM, TO = TODAY - timedelta(days=35), TODAY - timedelta(days=5)
PROVINCE = make_actor("ADMIN", "01")
KHOA, KHOI, LINH = "Trần Minh Khoa", "Nguyễn Minh Khôi", "Phạm Thùy Linh"
POOR = "SCHOLARSHIP_POOR_PUPILS"


def ago(days):
    return (TODAY - timedelta(days=days)).isoformat()


def grassroots_unit(uow):
    envelope = {"event_id": uuid.uuid4(), "event_type": "unit_created"}
    payload = {
        "unit_code": "00070-G0001",
        "parent_code": "00070",
        "unit_path": "/VN/01/00070/00070-G0001/",
        "level": "GRASSROOTS",
        "kind": "SCHOOL",
        "name": "Ban khuyến học Trường Tiểu học Tràng Thi",
        "valid_from": date(2025, 7, 1),
    }
    orgunits.handle_unit_created(uow(), "funds", ORG_UNITS, envelope, payload)


def reverse(uow, transfer_id, on):
    command = ReverseTransferSchema().load({"reason": "Ghi nhầm", "reversed_on": on})
    transfers.reverse_transfer(uow(), PROVINCE, transfer_id, command, "r-" + transfer_id)


@pytest.fixture
def dataset(uow, new_fund, donate, pay):
    """Hà Nội (01) with a fund of its own; Hoàn Kiếm (00070) with a general and a scholarship fund and a
    school's fund below it; Ba Đình (00004) with a general fund and a grant from the city; Ngọc Hà (00008)
    without funds. Movements before, in and after the period [TODAY-35, TODAY-5]."""
    grassroots_unit(uow)
    city = new_fund("01", by=PROVINCE, name="Quỹ Khuyến học Thành phố Hà Nội")
    general = new_fund("00070", by=PROVINCE)
    scholarship = new_fund("00070", by=PROVINCE, name="Quỹ học bổng Nguyễn Văn Tố", kind="SCHOLARSHIP")
    school = new_fund("00070-G0001", by=PROVINCE, name="Quỹ khuyến học Trường Tràng Thi", kind="SCHOOL")
    ba_dinh = new_fund("00004", by=PROVINCE, name="Quỹ Khuyến học Phường Ba Đình")
    donate(general["id"], 3_000_000, by=PROVINCE, received_on=ago(60))  # before the period
    pay(general["id"], 300_000, LINH, kind="KHEN_THUONG", paid_on=TODAY - timedelta(days=50))
    donate(general["id"], 2_000_000, by=PROVINCE, channel="BANK_TRANSFER", received_on=ago(20))
    donate(general["id"], 500_000, by=PROVINCE, received_on=ago(10))
    wrong = donate(general["id"], 700_000, by=PROVINCE, received_on=ago(10))
    reverse(uow, wrong["id"], ago(10))
    donate(general["id"], 400_000, by=PROVINCE)  # today: after the period
    pay(general["id"], 1_000_000, KHOI, paid_on=TODAY - timedelta(days=8))
    donate(scholarship["id"], 5_000_000, by=PROVINCE, channel="BANK_TRANSFER", purpose=POOR, received_on=ago(30))
    pay(scholarship["id"], 2_000_000, KHOA, purpose=POOR, paid_on=TODAY - timedelta(days=12))
    donate(
        school["id"],
        1_200_000,
        by=PROVINCE,
        channel="IN_KIND",
        in_kind_description="Sách giáo khoa",
        received_on=ago(15),
    )
    donate(city["id"], 10_000_000, by=PROVINCE, channel="BANK_TRANSFER", received_on=ago(30))
    grant = {
        "from_fund_id": city["id"],
        "to_fund_id": ba_dinh["id"],
        "amount_vnd": 4_000_000,
        "transferred_on": ago(20),
    }
    transfers.transfer_between_funds(uow(), PROVINCE, FundTransferSchema().load(grant), str(uuid.uuid4()))
    donate(ba_dinh["id"], 800_000, by=PROVINCE, received_on=ago(25))
    pay(ba_dinh["id"], 200_000, KHOA, kind="HO_TRO", paid_on=TODAY - timedelta(days=9))
    wrong_payment = pay(ba_dinh["id"], 100_000, LINH, paid_on=TODAY - timedelta(days=9))
    reverse(uow, wrong_payment["paid_transfer_id"], ago(9))


def part(uow, unit_code="01", actor=PROVINCE, date_from=FROM, date_to=TO):
    return report.review_report_part(uow(), actor, unit_code, date_from, date_to)


def row(result, code):
    (found,) = [r["funds"] for r in result["by_unit"] if r["unit_code"] == code]
    return found


def test_a_commune_row_counts_its_funds_and_the_units_below_it_to_the_dong(uow, dataset):
    assert row(part(uow), "00070") == {
        "raised": 8_700_000,
        "raised_by_channel": {"CASH": 500_000, "BANK_TRANSFER": 7_000_000, "IN_KIND": 1_200_000},
        "donations": 4,
        "spent": 3_000_000,
        "spent_by_kind": {"HOC_BONG": 3_000_000, "KHEN_THUONG": 0, "HO_TRO": 0},
        "disbursements": 2,
        "beneficiaries": 2,
        "balance_at_end": (3_000_000 - 300_000 + 2_000_000 + 500_000 - 1_000_000) + 3_000_000 + 1_200_000,
    }


def test_a_grant_moves_a_balance_but_is_neither_raised_nor_spent(uow, dataset):
    ba_dinh = row(part(uow), "00004")
    assert (ba_dinh["raised"], ba_dinh["spent"], ba_dinh["disbursements"]) == (800_000, 200_000, 1)
    assert ba_dinh["spent_by_kind"]["HO_TRO"] == 200_000 and ba_dinh["spent_by_kind"]["HOC_BONG"] == 0  # reversed
    assert ba_dinh["balance_at_end"] == 800_000 + 4_000_000 - 200_000


def test_the_totals_add_the_province_own_fund_and_count_a_beneficiary_once(uow, dataset):
    totals = part(uow)["funds"]
    assert totals["raised_by_channel"] == {"CASH": 1_300_000, "BANK_TRANSFER": 17_000_000, "IN_KIND": 1_200_000}
    assert (totals["raised"], totals["donations"]) == (19_500_000, 6)
    assert totals["spent_by_kind"] == {"HOC_BONG": 3_000_000, "KHEN_THUONG": 0, "HO_TRO": 200_000}
    assert (totals["spent"], totals["disbursements"], totals["beneficiaries"]) == (3_200_000, 3, 2)
    assert totals["balance_at_end"] == 8_400_000 + 4_600_000 + 6_000_000


def test_every_commune_of_the_period_has_a_row_even_without_funds(uow, dataset):
    result = part(uow)
    assert len(result["by_unit"]) > 100  # Hà Nội's communes
    assert row(result, "00008") == {
        "raised": 0,
        "raised_by_channel": {"CASH": 0, "BANK_TRANSFER": 0, "IN_KIND": 0},
        "donations": 0,
        "spent": 0,
        "spent_by_kind": {"HOC_BONG": 0, "KHEN_THUONG": 0, "HO_TRO": 0},
        "disbursements": 0,
        "beneficiaries": 0,
        "balance_at_end": 0,
    }


def test_a_commune_report_has_its_school_as_a_row(uow, dataset):
    result = part(uow, "00070", make_actor("OFFICER", "00070"))
    assert [r["unit_code"] for r in result["by_unit"]] == ["00070-G0001"]
    assert row(result, "00070-G0001")["raised_by_channel"]["IN_KIND"] == 1_200_000
    assert result["funds"]["balance_at_end"] == 8_400_000


def test_a_balance_at_end_counts_postings_up_to_that_day(uow, dataset):
    before = part(uow, "00070", date_from=TODAY - timedelta(days=70), date_to=TODAY - timedelta(days=55))
    assert before["funds"]["balance_at_end"] == 3_000_000 and before["funds"]["raised"] == 3_000_000


def test_a_commune_cannot_report_on_its_province(uow, dataset):
    with pytest.raises(UnitNotFound):
        part(uow, "01", make_actor("OFFICER", "00070"))
