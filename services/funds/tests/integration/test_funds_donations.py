"""Donations through the use case on a real database: the ledger moves, a receipt number is issued,
one event rides in the transaction, the client's id makes a retry harmless."""

import uuid
from datetime import timedelta

import pytest

from contracts.errors import PermissionDenied, ValidationFailed
from contracts.funds import DonationNotFound, FundNotFound, IdempotencyKeyRequired, TransferIdReused
from funds.testing import donation_command, make_actor
from funds.usecases import donations
from funds.usecases.common import today


def test_a_donation_raises_the_funds_cash_and_issues_a_receipt_number(new_fund, donate, get_fund):
    fund = new_fund()
    donation = donate(fund["id"], 5_000_000, purpose="SCHOLARSHIP_POOR_PUPILS")
    balance = get_fund(fund["id"])["balance"]
    assert balance["cash_vnd"] == balance["donations_vnd"] == 5_000_000
    assert balance["by_purpose"] == [{"purpose": "SCHOLARSHIP_POOR_PUPILS", "balance_vnd": 5_000_000}]
    assert donation["receipt_number"].startswith(f"00070-{today().year}-")


def test_receipt_numbers_run_per_unit_and_year_across_its_funds(new_fund, donate):
    first, second = new_fund(), new_fund(name="Quỹ học bổng Lê Văn Hưu", kind="SCHOLARSHIP", donor_name="Lê Văn Hưu")
    numbers = [donate(first["id"])["receipt_number"], donate(second["id"])["receipt_number"]]
    sequence = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert sequence[1] == sequence[0] + 1


def test_the_same_id_and_request_replays_the_first_result_and_moves_money_once(new_fund, donate, get_fund, count):
    fund, transfer_id = new_fund(), str(uuid.uuid4())
    first = donate(fund["id"], 700_000, transfer_id=transfer_id)
    again = donate(fund["id"], 700_000, transfer_id=transfer_id)
    assert again == first
    assert get_fund(fund["id"])["balance"]["cash_vnd"] == 700_000
    assert count("transfers", id=transfer_id) == count("donations", id=transfer_id) == 1


def test_the_same_id_with_another_request_is_transfer_id_reused(new_fund, donate, get_fund):
    fund, transfer_id = new_fund(), str(uuid.uuid4())
    donate(fund["id"], 700_000, transfer_id=transfer_id)
    with pytest.raises(TransferIdReused):
        donate(fund["id"], 800_000, transfer_id=transfer_id)
    assert get_fund(fund["id"])["balance"]["cash_vnd"] == 700_000


def test_the_same_id_and_body_from_another_officer_is_another_request(new_fund, donate):
    fund, transfer_id = new_fund(), str(uuid.uuid4())
    donate(fund["id"], 700_000, transfer_id=transfer_id)
    with pytest.raises(TransferIdReused):
        donate(fund["id"], 700_000, transfer_id=transfer_id, by=make_actor("OFFICER", "00070"))


def test_a_donation_without_an_id_is_refused(uow, officer, new_fund):
    with pytest.raises(IdempotencyKeyRequired):
        donations.record_donation(uow(), officer, new_fund()["id"], donation_command(), None)


def test_a_fund_outside_the_subtree_does_not_exist_for_the_officer(new_fund, donate):
    fund = new_fund()
    with pytest.raises(FundNotFound):
        donate(fund["id"], by=make_actor("OFFICER", "00073"))


def test_a_viewer_records_nothing(new_fund, donate):
    with pytest.raises(PermissionDenied):
        donate(new_fund()["id"], by=make_actor("VIEWER", "00070"))


def test_a_donation_dated_in_the_future_is_refused(new_fund, donate, count):
    with pytest.raises(ValidationFailed) as refused:
        donate(new_fund()["id"], received_on=(today() + timedelta(days=1)).isoformat())
    assert refused.value.fields["received_on"][0]["code"] == "date_in_future"
    assert count("transfers") == 0


def test_the_event_carries_ids_and_amounts_never_the_donors_contact(new_fund, donate, events):
    fund = new_fund()
    donation = donate(fund["id"], 2_000_000, donor_email="mai.nguyen@example.vn", donor_phone="0912 345 678")
    (event,) = events("donation_received")
    assert event["payload"]["donation_id"] == donation["id"] and event["payload"]["amount_vnd"] == 2_000_000
    assert event["payload"]["has_contact"] is True
    assert not {"Nguyễn Thị Mai", "mai.nguyen@example.vn", "0912 345 678"} & set(map(str, event["payload"].values()))


def test_views_mask_the_donors_contact_and_only_the_service_call_returns_it(uow, new_fund, donate):
    fund = new_fund()
    donation = donate(fund["id"], donor_email="mai.nguyen@example.vn", donor_phone="0912 345 678")
    contact = donations.donation_contact(uow(), donation["id"])
    assert (donation["donor_email_masked"], donation["donor_phone_masked"]) == ("m***@example.vn", "091****678")
    assert (contact["email"], contact["phone"], contact["receipt_number"]) == (
        "mai.nguyen@example.vn", "0912 345 678", donation["receipt_number"])


def test_a_donor_without_contact_has_none(uow, new_fund, donate):
    donation = donate(new_fund()["id"], donor_kind="ANONYMOUS", donor_name=None)
    assert donations.donation_contact(uow(), donation["id"]) is None


def test_the_receipt_shows_the_amount_in_figures_and_no_contact(uow, officer, new_fund, donate):
    donation = donate(new_fund()["id"], 5_000_000, channel="BANK_TRANSFER", donor_email="a@example.vn")
    receipt = donations.donation_receipt(uow(), officer, donation["id"])
    assert (receipt["amount_text"], receipt["donor_name"]) == ("5.000.000 đồng", "Nguyễn Thị Mai")
    assert "a@example.vn" not in str(receipt)


def test_a_receipt_outside_the_subtree_is_not_found(uow, new_fund, donate):
    donation = donate(new_fund()["id"])
    with pytest.raises(DonationNotFound):
        donations.donation_receipt(uow(), make_actor("VIEWER", "00073"), donation["id"])
