"""The demo data set loads through the use cases, once, with the grassroots unit's fund when it is known."""

import uuid
from datetime import date

from sqlalchemy.orm import sessionmaker

from funds import demo
from funds.models import ORG_UNITS
from servicekit import orgunits


def grassroots_unit_arrives(uow):
    orgunits.handle_unit_created(uow(), "funds", ORG_UNITS, {"event_id": uuid.uuid4(), "event_type": "unit_created"}, {
        "unit_code": "00070-G0001", "parent_code": "00070", "unit_path": "/VN/01/00070/00070-G0001/",
        "level": "GRASSROOTS", "kind": "VILLAGE", "name": "Chi hội Tổ dân phố số 1", "valid_from": date(2025, 7, 1)})


def test_the_demo_loads_once_with_a_proposal_waiting_for_approval(engine, uow, count, rows, get_fund):
    factory = sessionmaker(engine, expire_on_commit=False)
    grassroots_unit_arrives(uow)
    first, again = demo.load(factory), demo.load(factory)
    assert "loaded (4 funds" in first and again == "funds: demo data already loaded"
    assert count("funds") == 4 and count("disbursements", status="PROPOSED") == 1
    assert count("disbursements", status="PAID") == 4 * 3 and count("transfers", kind="fund_transfer") == 1
    assert all(get_fund(fund["id"])["balance"]["cash_vnd"] > 0 for fund in rows("funds"))


def test_the_grassroots_fund_joins_the_demo_when_its_unit_arrives_later(engine, uow, count):
    """``make run`` loads the demo before the members' unit_created events arrive, and again after."""
    factory = sessionmaker(engine, expire_on_commit=False)
    before = demo.load(factory)
    assert "loaded (3 funds" in before and "1 grant" in before and count("funds") == 3
    grassroots_unit_arrives(uow)
    after = demo.load(factory)
    assert "loaded (1 funds" in after and "grant" not in after
    assert count("funds") == 4 and count("transfers", kind="fund_transfer") == 1
    assert count("disbursements", status="PROPOSED") == 1 and demo.load(factory) == "funds: demo data already loaded"
