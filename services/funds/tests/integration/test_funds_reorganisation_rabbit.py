"""Over a real broker: the funds service (a real nameko container) consumes ``units_merged`` as members
publishes it and moves the merged commune's balance once, the same event delivered again changing
nothing; the review report part and the dry run answer by RPC, a bad period or plan as a 422."""

from datetime import timedelta

import pytest
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from contracts import topology as contract_topology
from contracts.errors import ValidationFailed
from funds.service import FundsService
from funds.testing import make_actor, units_merged_event
from funds.usecases.common import today
from servicekit import metrics, topology
from servicekit.testing import publish_raw, service_config, start_container, wait_for

pytestmark = pytest.mark.rabbit
TODAY = today()
ADMIN_01 = make_actor("ADMIN", "01")
SURVIVOR, MERGED = ("00091", "/VN/01/00091/"), ("00073", "/VN/01/00073/")


@pytest.fixture
def service(amqp_uri, funds_db_url):
    with Connection(amqp_uri, connect_timeout=5) as connection:  # events other tests left for funds
        topology.purge_all(connection, contract_topology.subscriptions_of("funds"))
    config, _ = service_config(
        amqp_uri, DATABASE_URL=funds_db_url, OUTBOX_RELAY_INTERVAL_SECONDS=0.2, EVENT_RETRY_BACKOFF_SECONDS=0.01
    )
    container = start_container(FundsService, config)
    yield container
    container.stop()


def duplicates_skipped():
    return metrics.INBOX_DUPLICATES.labels("funds", "funds")._value.get()


def test_a_merge_published_twice_moves_the_balance_once(amqp_uri, service, new_fund, donate, get_fund, count):
    survivor = new_fund(SURVIVOR[0], by=ADMIN_01, name="Quỹ Khuyến học Phường Phú Thượng")
    merged = new_fund(MERGED[0], by=ADMIN_01, name="Quỹ Khuyến học Phường Cửa Nam")
    donate(survivor["id"], 1_000_000, by=ADMIN_01)
    donate(merged["id"], 2_500_000, by=ADMIN_01, purpose="SCHOLARSHIP_POOR_PUPILS")
    message = units_merged_event(SURVIVOR, [MERGED], TODAY).to_message()
    publish_raw(amqp_uri, "members.events", "units_merged", message)
    wait_for(lambda: get_fund(merged["id"])["closed"], 20, message="the merged commune's fund closed")
    before = duplicates_skipped()
    publish_raw(amqp_uri, "members.events", "units_merged", message)
    wait_for(lambda: duplicates_skipped() > before, 20, message="the redelivered merge skipped")
    assert get_fund(survivor["id"])["balance"]["cash_vnd"] == 3_500_000
    assert count("transfers", kind="fund_transfer") == 1


def test_the_report_part_and_the_dry_run_answer_by_rpc(amqp_uri, service, new_fund, donate):
    fund = new_fund(MERGED[0], by=ADMIN_01, name="Quỹ Khuyến học Phường Cửa Nam")
    donate(fund["id"], 2_000_000, by=ADMIN_01, channel="BANK_TRANSFER")
    today = TODAY
    plan = {"operations": [{"kind": "MERGE", "survivor_code": SURVIVOR[0], "merged_codes": [MERGED[0]]}]}
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=20) as cluster:
        part = cluster.funds.review_report_part(ADMIN_01, "01", today.isoformat(), today.isoformat())
        with pytest.raises(ValidationFailed):
            cluster.funds.review_report_part(ADMIN_01, "01", today.isoformat(), (today - timedelta(1)).isoformat())
        preview = cluster.funds.preview_reorganisation(ADMIN_01, plan)
        with pytest.raises(ValidationFailed):
            cluster.funds.preview_reorganisation(ADMIN_01, {"operations": [{"kind": "MERGE"}]})
    (row,) = [r for r in part["by_unit"] if r["unit_code"] == MERGED[0]]
    assert row["funds"]["raised_by_channel"]["BANK_TRANSFER"] == 2_000_000 == part["funds"]["balance_at_end"]
    assert [(i["from_unit_code"], i["to_unit_code"], i["amount"]) for i in preview["items"]] == [
        (MERGED[0], SURVIVOR[0], 2_000_000)
    ]
