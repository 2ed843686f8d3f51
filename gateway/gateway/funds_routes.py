"""The funds service's rows of the route table (``routes.py``); handlers in ``funds_handlers.py``.

Routes that move money (record a donation, pay a disbursement, transfer between funds, reverse a
transfer) require an ``Idempotency-Key``: it becomes the transfer's id (400 ``idempotency_key_required``
without it). The other writes take the usual optional key.
"""

from contracts.funds import (
    ApproveDisbursementSchema,
    CreateFundSchema,
    DisbursementListQuerySchema,
    DisbursementPageSchema,
    DisbursementSchema,
    DisclosureSchema,
    DonationPageSchema,
    DonationReceiptSchema,
    DonationSchema,
    FundListQuerySchema,
    FundPageSchema,
    FundSchema,
    FundTransferSchema,
    PageQuerySchema,
    PayDisbursementSchema,
    PeriodQuerySchema,
    ProposeDisbursementSchema,
    RecordDonationSchema,
    RejectDisbursementSchema,
    ReverseTransferSchema,
    StatementSchema,
    TransferSchema,
    UnitFundsSummarySchema,
)
from gateway.auth import READ, WRITE_FUNDS
from gateway.route import Route

MONEY = " Cần Idempotency-Key (mã giao dịch) / Requires an Idempotency-Key: the transfer's id."

ROUTES = [
    Route("list_funds", "GET", "/funds", "funds", "Danh sách quỹ / List funds in your subtree", READ,
          FundPageSchema, query=FundListQuerySchema),
    Route("create_fund", "POST", "/funds", "funds", "Lập quỹ / Create a fund", WRITE_FUNDS, FundSchema, 201,
          body=CreateFundSchema, idempotent=True),
    Route("get_fund", "GET", "/funds/<uuid:fund_id>", "funds", "Xem quỹ và số dư / A fund with its balances",
          READ, FundSchema),
    Route("fund_statement", "GET", "/funds/<uuid:fund_id>/statement", "funds",
          "Báo cáo thu chi của quỹ / A fund's statement for a period", READ, StatementSchema,
          query=PeriodQuerySchema),
    Route("list_donations", "GET", "/funds/<uuid:fund_id>/donations", "donations",
          "Danh sách khoản ủng hộ / Donations to a fund", READ, DonationPageSchema, query=PageQuerySchema),
    Route("record_donation", "POST", "/funds/<uuid:fund_id>/donations", "donations",
          "Ghi nhận ủng hộ / Record a donation." + MONEY, WRITE_FUNDS, DonationSchema, 201,
          body=RecordDonationSchema, idempotent=True, key_required=True),
    Route("donation_receipt", "GET", "/donations/<donation_id>/receipt", "donations",
          "Biên nhận ủng hộ / A donor's receipt", READ, DonationReceiptSchema),
    Route("list_disbursements", "GET", "/funds/<uuid:fund_id>/disbursements", "disbursements",
          "Danh sách khoản chi / Disbursements of a fund", READ, DisbursementPageSchema,
          query=DisbursementListQuerySchema),
    Route("propose_disbursement", "POST", "/funds/<uuid:fund_id>/disbursements", "disbursements",
          "Đề xuất chi / Propose a disbursement", WRITE_FUNDS, DisbursementSchema, 201,
          body=ProposeDisbursementSchema, idempotent=True),
    Route("approve_disbursement", "POST", "/disbursements/<uuid:disbursement_id>/approve", "disbursements",
          "Phê duyệt khoản chi (người khác người đề xuất) / Approve (not the proposer)", WRITE_FUNDS,
          DisbursementSchema, body=ApproveDisbursementSchema, idempotent=True),
    Route("reject_disbursement", "POST", "/disbursements/<uuid:disbursement_id>/reject", "disbursements",
          "Từ chối khoản chi / Reject a disbursement", WRITE_FUNDS, DisbursementSchema,
          body=RejectDisbursementSchema, idempotent=True),
    Route("pay_disbursement", "POST", "/disbursements/<uuid:disbursement_id>/pay", "disbursements",
          "Chi trả khoản chi đã duyệt / Pay an approved disbursement." + MONEY, WRITE_FUNDS, DisbursementSchema,
          body=PayDisbursementSchema, idempotent=True, key_required=True),
    Route("transfer_between_funds", "POST", "/fund-transfers", "transfers",
          "Chuyển tiền giữa các quỹ / Transfer between funds." + MONEY, WRITE_FUNDS, TransferSchema, 201,
          body=FundTransferSchema, idempotent=True, key_required=True),
    Route("get_transfer", "GET", "/transfers/<transfer_id>", "transfers",
          "Xem giao dịch và bút toán / A transfer with its postings", READ, TransferSchema),
    Route("reverse_transfer", "POST", "/transfers/<transfer_id>/reverse", "transfers",
          "Đảo giao dịch / Reverse a transfer." + MONEY, WRITE_FUNDS, TransferSchema, 201,
          body=ReverseTransferSchema, idempotent=True, key_required=True),
    Route("unit_funds_summary", "GET", "/units/<code>/funds/summary", "funds",
          "Tổng hợp quỹ của đơn vị và cấp dưới / Funds rolled up over a unit's subtree", READ,
          UnitFundsSummarySchema, query=PeriodQuerySchema),
    Route("unit_disclosure", "GET", "/units/<code>/disclosure", "funds",
          "Công khai thu chi / Public list of receipts and spending", READ, DisclosureSchema,
          query=PeriodQuerySchema),
]
