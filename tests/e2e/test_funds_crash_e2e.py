"""The funds service killed with SIGKILL in the middle of a stream of donations sent over RPC with their
ids: after a restart the client retries every donation it got no answer for, with the same id, and each
donation is applied exactly once (one transfer, one donation row, the balance equal to their sum)."""

import os
import sys
import uuid
from pathlib import Path

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from contracts.funds import CreateFundSchema
from funds import repository
from funds.models import Donation, Transfer, metadata
from funds.testing import donation_body, make_actor
from funds.usecases import funds
from servicekit import db
from servicekit.testing import Process, free_port
from servicekit.uow import Work

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
PYTHONPATH = os.pathsep.join(str(REPO / p) for p in ("services/shared", "services/funds"))
DONATIONS, KILL_AFTER = 60, 15


def start_funds(amqp_uri, db_url, tmp_path):
    port = free_port()
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, AMQP_URI=amqp_uri, FUNDS_DATABASE_URL=db_url,
               FUNDS_WEB_ADDRESS=f"127.0.0.1:{port}", LOG_LEVEL="INFO")
    args = [NAMEKO, "run", "--config", "services/funds/config.yml", "funds.service:FundsService"]
    return Process("funds", args, env, port, tmp_path / "funds.log", cwd=REPO).wait_healthy()


def send_all(amqp_uri, actor, fund_id, pending, answers, kill=None):
    """Send every pending donation at once and collect the answers in order. With ``kill=(process, n)``
    the service gets SIGKILL once ``n`` answers arrived; answers already on their way get two seconds."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=None) as cluster:
        replies = [(tid, cluster.funds.record_donation.call_async(actor, fund_id, donation_body(amount), tid))
                   for tid, amount in pending.items()]
        waiting = iter(replies)
        for tid, reply in waiting:
            with eventlet.Timeout(60):
                answers[tid] = reply.result()
            if kill and len(answers) >= kill[1]:
                kill[0].kill()
                break
        with eventlet.Timeout(2, False):  # no answer by then: the client retries the id
            for tid, reply in waiting:
                answers[tid] = reply.result()


def test_a_stream_of_donations_survives_a_sigkill_and_each_is_applied_once(amqp_uri, funds_db_url, tmp_path):
    engine = db.make_engine(funds_db_url, pool_size=1)
    factory, actor = sessionmaker(engine, expire_on_commit=False), make_actor("OFFICER", "00070")
    body = CreateFundSchema().load({"unit_code": "00070", "name": "Quỹ chịu lỗi", "kind": "GENERAL"})
    fund_id = funds.create_fund(Work(factory, metadata, "funds"), actor, body)["id"]
    stream = {str(uuid.uuid4()): 10_000 + n for n in range(DONATIONS)}
    answers = {}

    process = start_funds(amqp_uri, funds_db_url, tmp_path)
    send_all(amqp_uri, actor, fund_id, stream, answers, kill=(process, KILL_AFTER))
    assert process.popen.poll() is not None and KILL_AFTER <= len(answers) < DONATIONS

    process = start_funds(amqp_uri, funds_db_url, tmp_path)
    first_answers = dict(answers)
    send_all(amqp_uri, actor, fund_id, {t: a for t, a in stream.items() if t not in answers}, answers)
    process.stop()

    with factory() as session:
        transfers = session.execute(select(Transfer.id, func.count()).group_by(Transfer.id)).all()
        donations = session.execute(select(func.count()).select_from(Donation)).scalar_one()
        cash = repository.account_states(session, [fund_id])
    engine.dispose()
    assert sorted(tid for tid, _ in transfers) == sorted(stream) and {n for _, n in transfers} == {1}
    assert donations == DONATIONS and set(answers) == set(stream)
    assert sum(state.debits_posted for key, state in cash.items() if key.kind == "CASH") == sum(stream.values())
    assert all(answers[tid] == first for tid, first in first_answers.items())
