"""The demo data set loads through the use cases, once, with the grassroots unit's fund when it is known."""

import uuid
from datetime import date

from sqlalchemy.orm import sessionmaker

from funds import demo
from funds.models import ORG_UNITS
from servicekit import orgunits


def test_the_demo_loads_once_with_a_proposal_waiting_for_approval(engine, uow, count, rows, get_fund):
    factory = sessionmaker(engine, expire_on_commit=False)
    orgunits.handle_unit_created(uow(), "funds", ORG_UNITS, {"event_id": uuid.uuid4(), "event_type": "unit_created"}, {
        "unit_code": "00070-G0001", "parent_code": "00070", "unit_path": "/VN/01/00070/00070-G0001/",
        "level": "GRASSROOTS", "kind": "VILLAGE", "name": "Chi hội Tổ dân phố số 1", "valid_from": date(2025, 7, 1)})
    first, again = demo.load(factory), demo.load(factory)
    assert "loaded (4 funds" in first and again == "funds: demo data already loaded"
    assert count("funds") == 4 and count("disbursements", status="PROPOSED") == 1
    assert count("disbursements", status="PAID") == 4 * 3 and count("transfers", kind="fund_transfer") == 1
    assert all(get_fund(fund["id"])["balance"]["cash_vnd"] > 0 for fund in rows("funds"))
