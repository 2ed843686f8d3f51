"""The demo data set of the funds service (``python -m funds.manage load-demo``): the funds of Hà Nội (01),
Phường Hoàn Kiếm (00070) and, when the funds service already knows it, the grassroots unit 00070-G0001,
with four months of donations, paid scholarships and rewards, a grant from the city to the ward, and one
scholarship PROPOSED by the demo loader and waiting for an approver (demo.chair, say).

Everything goes through the use cases, so the ledger, the receipt numbers and the events are what the
service itself would write. Transfer ids are fixed (``demo-...``): loading twice changes nothing.
"""

import random
from datetime import timedelta

from contracts.funds import (
    ApproveDisbursementSchema,
    CreateFundSchema,
    FundTransferSchema,
    PayDisbursementSchema,
    ProposeDisbursementSchema,
    RecordDonationSchema,
)
from funds import repository
from funds.models import metadata
from funds.usecases import common, disbursements, donations, funds, transfers
from servicekit import orgunits
from servicekit.uow import Work

# The loader acts as two officers of the province, so that what one proposes the other approves.
PROPOSER = {"officer_id": "demo-loader-treasurer", "username": "demo.loader", "role": "ADMIN", "unit_code": "01"}
APPROVER = {"officer_id": "demo-loader-chair", "username": "demo.loader2", "role": "ADMIN", "unit_code": "01"}

CITY_FUND = "Quỹ Khuyến học Thành phố Hà Nội"
FUNDS = [
    ("01", CITY_FUND, "GENERAL", None),
    ("00070", "Quỹ Khuyến học Phường Hoàn Kiếm", "GENERAL", None),
    ("00070", "Quỹ học bổng Nguyễn Văn Tố", "SCHOLARSHIP", "Gia đình cụ Nguyễn Văn Tố"),
    ("00070-G0001", "Quỹ khuyến học Chi hội Tổ dân phố số 1", "SCHOOL", None),
]
PERSONS = [
    "Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn", "Phạm Thị Thu Hà", "Hoàng Đức Anh", "Vũ Thị Hồng",
    "Đặng Quốc Bảo", "Bùi Thị Ngọc Ánh", "Đỗ Văn Thành", "Ngô Thị Mai Phương",
]
ORGANISATIONS = ["Công ty Cổ phần Sách Thăng Long", "Ngân hàng TMCP Hoàn Kiếm", "Hợp tác xã Đồng Xuân"]
PUPILS = ["Nguyễn Minh Khôi", "Trần Bảo Ngọc", "Lê Gia Huy", "Phạm Thùy Linh", "Đỗ Khánh An", "Vũ Hải Đăng"]
POOR_PUPILS = "SCHOLARSHIP_POOR_PUPILS"


def load(session_factory, today=None):
    """Load what is missing of the demo (re-runnable); returns a line saying what happened.

    Each demo fund comes with its movements when its unit is known: the official ones at once, a grassroots
    unit once its unit_created event has arrived (``load-demo --after-events``, which ``make run`` runs).
    """
    today = today or common.today()
    with session_factory() as session:
        missing = [
            (code, name, kind, donor) for code, name, kind, donor in FUNDS
            if orgunits.get_unit(session, _org_units(), code) is not None
            and repository.fund_by_unit_and_name(session, code, name) is None
        ]
    if not missing:
        return "funds: demo data already loaded"
    work = lambda: Work(session_factory, metadata, "funds")  # noqa: E731
    created = {}
    for unit_code, name, kind, donor in missing:
        body = {"unit_code": unit_code, "name": name, "kind": kind, "donor_name": donor}
        created[name] = funds.create_fund(work(), PROPOSER, CreateFundSchema().load(body))["id"]
    rng = random.Random(2025 + len(created))  # noqa: S311 (demo figures, not secrets)
    counts = {"donations": 0, "paid": 0}
    for name, fund_id in created.items():
        counts["donations"] += _donations(work, rng, fund_id, name, today)
        counts["paid"] += _scholarships(work, rng, fund_id, name, today)
    extras = ""
    ward = created.get("Quỹ Khuyến học Phường Hoàn Kiếm")
    if CITY_FUND in created and ward:  # the first load: a grant from the city and a proposal to approve
        grant = {"from_fund_id": created[CITY_FUND], "to_fund_id": ward, "amount_vnd": 5_000_000,
                 "transferred_on": (today - timedelta(days=15)).isoformat(), "note": "Hỗ trợ học bổng học kỳ I"}
        transfers.transfer_between_funds(work(), APPROVER, FundTransferSchema().load(grant), "demo-grant-01-00070")
        body = {"kind": "HOC_BONG", "beneficiary_name": "Ngô Thảo Vy", "amount_vnd": 2_000_000,
                "decision_reference": "27/QĐ-KH", "note": "Chờ phê duyệt: học sinh nghèo vượt khó"}
        disbursements.propose_disbursement(work(), PROPOSER, ward, ProposeDisbursementSchema().load(body))
        extras = ", 1 grant, 1 proposal waiting for approval"
    return (f"funds: demo data loaded ({len(created)} funds, {counts['donations']} donations, "
            f"{counts['paid']} paid disbursements{extras})")


def _org_units():
    from funds.models import ORG_UNITS

    return ORG_UNITS


def _donations(work, rng, fund_id, name, today):
    count = 12 if "Thành phố" in name else 8
    for n in range(count):
        kind = rng.choice(["PERSON", "PERSON", "PERSON", "ORGANISATION", "ANONYMOUS"])
        donor = {"PERSON": rng.choice(PERSONS), "ORGANISATION": rng.choice(ORGANISATIONS)}.get(kind)
        channel = rng.choice(["CASH", "BANK_TRANSFER", "BANK_TRANSFER", "IN_KIND"])
        body = {
            "donor_kind": kind,
            "donor_name": donor,
            "amount_vnd": rng.randint(20 if n % 3 == 0 else 5, 100) * 100_000 * (5 if kind == "ORGANISATION" else 1),
            "received_on": (today - timedelta(days=rng.randint(20, 120))).isoformat(),
            "channel": channel,
            "in_kind_description": "Sách giáo khoa và vở viết" if channel == "IN_KIND" else None,
            "purpose": POOR_PUPILS if n % 3 == 0 else None,
        }
        tid = f"demo-donation-{fund_id[:8]}-{n:03d}"
        donations.record_donation(work(), PROPOSER, fund_id, RecordDonationSchema().load(body), tid)
    return count


def _scholarships(work, rng, fund_id, name, today):
    """Two scholarships from the earmarked money and a reward from the rest, approved and paid."""
    plan = [("HOC_BONG", POOR_PUPILS, 1_000_000), ("HOC_BONG", POOR_PUPILS, 1_500_000), ("KHEN_THUONG", None, 500_000)]
    for n, (kind, purpose, amount) in enumerate(plan):
        body = {"kind": kind, "beneficiary_name": rng.choice(PUPILS), "amount_vnd": amount, "purpose": purpose,
                "decision_reference": f"{10 + n}/QĐ-KH"}
        proposed = disbursements.propose_disbursement(work(), PROPOSER, fund_id, ProposeDisbursementSchema().load(body))
        disbursements.approve_disbursement(work(), APPROVER, proposed["id"], ApproveDisbursementSchema().load({}))
        paid_on = {"paid_on": (today - timedelta(days=10 + 5 * n)).isoformat()}
        tid = f"demo-payment-{fund_id[:8]}-{n:03d}"
        disbursements.pay_disbursement(work(), PROPOSER, proposed["id"], PayDisbursementSchema().load(paid_on), tid)
    return len(plan)
