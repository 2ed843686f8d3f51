"""The platform under faults: real processes, a client that retries like a real one, and the final count.

- ``Stack``: every service and the gateway as ``nameko run`` processes (as ``make run`` starts them) on the
  given broker and databases; any of them can be killed (SIGKILL), stopped (SIGTERM) and started again on
  the same port.
- ``Traffic``: green-thread clients that register members, record donations (the Idempotency-Key is the
  transfer id), register members for the Công dân học tập title and submit their self-assessments, all
  through the gateway with an Idempotency-Key. A request that gets no answer or a 5xx (or 429) is sent
  again with the same key and body until it is acknowledged, as a real client does; ``Ledger`` records
  every acknowledged request and every attempt.
- ``reconcile``: reads every service's database and the broker and counts: each acknowledged request
  exactly once in its database, each event in every consumer's inbox and projection, the notifications'
  deliveries one per event, rule, channel and recipient, each ledger account equal to the sum of its
  postings, no dead letter, every outbox published.

Only tests and the load test use this module.
"""

import collections
import contextlib
import importlib
import itertools
import json
import os
import random
import signal
import sys
import time
import uuid
from pathlib import Path

import eventlet
import requests
from sqlalchemy import func, select

from servicekit.testing import Process, free_port

REPO = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
SERVICES = {
    "members": "MembersService",
    "funds": "FundsService",
    "evaluations": "EvaluationsService",
    "notifications": "NotificationsService",
}
PYTHONPATH = os.pathsep.join(
    str(REPO / p) for p in ("services/shared", *(f"services/{name}" for name in SERVICES), "gateway")
)
JWT_SECRET = "fault-tests-secret-of-at-least-thirty-two-bytes"
PASSWORD = "correct horse battery staple"
UNIT = "00070"  # Phường Hoàn Kiếm: an official commune every service knows from its migration
CITIZEN_ANSWERS = dict.fromkeys(
    ("NL1.1", "NL1.2", "NL1.3", "NL1.4", "NL2.1", "NL2.2", "NL2.3", "NL2.4", "NL3.1", "NL3.2"), 9
)


# --- the platform -----------------------------------------------------------------------------------


class Stack:
    """The four services and the gateway, one ``nameko run`` process each."""

    def __init__(self, amqp_uri, db_urls, logs, rpc_timeout=5, extra_env=None):
        self.amqp_uri, self.db_urls, self.logs = amqp_uri, dict(db_urls), Path(logs)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.rpc_timeout = rpc_timeout
        self.extra_env = extra_env or {}
        self.ports = {name: free_port() for name in (*SERVICES, "gateway")}
        self.processes = {}
        self.base_url = f"http://127.0.0.1:{self.ports['gateway']}"
        self.faults = []  # what was done to it, in order

    def migrate(self):
        for name, url in self.db_urls.items():
            importlib.import_module(f"{name}.manage").migrate(url)

    def _command(self, name):
        env = dict(os.environ, PYTHONPATH=PYTHONPATH, AMQP_URI=self.amqp_uri, LOG_LEVEL="INFO")
        env.update({k: str(v) for k, v in self.extra_env.items()})
        address = f"127.0.0.1:{self.ports[name]}"
        if name == "gateway":
            env.update(GATEWAY_WEB_ADDRESS=address, GATEWAY_JWT_SECRET=JWT_SECRET,
                       RPC_TIMEOUT_SECONDS=str(self.rpc_timeout))  # fmt: skip
            return [NAMEKO, "run", "--config", "gateway/config.yml", "gateway.service:GatewayService"], env
        prefix = name.upper()
        env.update({f"{prefix}_DATABASE_URL": self.db_urls[name], f"{prefix}_WEB_ADDRESS": address})
        return [NAMEKO, "run", "--config", f"services/{name}/config.yml", f"{name}.service:{SERVICES[name]}"], env

    def start(self, *names, timeout=90):
        """Start the named processes (all when none is named) at once, then wait until each is healthy."""
        for name in names or (*SERVICES, "gateway"):
            args, env = self._command(name)
            self.processes[name] = Process(name, args, env, self.ports[name], self.logs / f"{name}.log", cwd=REPO)
        for name in names or (*SERVICES, "gateway"):
            self.processes[name].wait_healthy(timeout)
        return self

    def ready(self, name):
        try:
            return requests.get(f"http://127.0.0.1:{self.ports[name]}/readyz", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        pending = set(self.processes)
        while pending and time.monotonic() < deadline:
            pending = {name for name in pending if not self.ready(name)}
            eventlet.sleep(0.2)
        assert not pending, f"not ready within {timeout} s: {sorted(pending)}"

    def kill(self, name, sig=signal.SIGKILL, timeout=45):
        """SIGKILL, or SIGTERM (a graceful stop: nameko finishes its workers and closes its connections).

        ``nameko run`` handles SIGTERM on eventlet's hub, which can sleep in epoll for up to a minute when
        nothing happens (deploy/local/run.py, Child.wake): a connection to its web port wakes it."""
        process = self.processes[name]
        self.faults.append(f"{signal.Signals(sig).name} {name}")
        process.popen.send_signal(sig)
        deadline = time.monotonic() + timeout
        while process.popen.poll() is None:
            if time.monotonic() > deadline:
                process.popen.kill()
                process.popen.wait(10)
                raise AssertionError(f"{name} did not stop within {timeout} s of {signal.Signals(sig).name}")
            with contextlib.suppress(requests.RequestException):
                requests.get(f"http://127.0.0.1:{self.ports[name]}/healthz", timeout=0.5)
            eventlet.sleep(0.2)
        process.log.close()
        return process.popen.returncode

    def restart(self, name, sig=signal.SIGKILL):
        self.kill(name, sig)
        return self.start(name)

    def stop(self):
        for process in self.processes.values():
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                process.popen.wait(timeout=20)
            except Exception:  # an idle hub or a stuck stop: it is the end of the test anyway
                process.popen.kill()
                process.popen.wait(10)
            if not process.log.closed:
                process.log.close()
            del name

    def log_tail(self, name, lines=40):
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def create_officer(stack, role="OFFICER", unit_code=UNIT):
    """An officer account in the members database; returns its username."""
    from members import manage

    username = f"f.{role.lower()}.{uuid.uuid4().hex[:8]}"
    manage.create_officer(stack.db_urls["members"], username, role, unit_code, "Cán bộ Kiểm thử", PASSWORD)
    return username


def login(base_url, username, attempts=30):
    for _ in range(attempts):
        try:
            response = requests.post(
                f"{base_url}/api/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=15
            )
            if response.status_code == 200:
                return response.json()["access_token"]
        except requests.RequestException:
            pass
        eventlet.sleep(0.5)
    raise AssertionError(f"cannot log in as {username}")


# --- the client -------------------------------------------------------------------------------------


class Ledger:
    """Everything the platform acknowledged, and everything the client sent."""

    def __init__(self):
        self.registrations = {}  # key -> {"cccd", "member_id"}
        self.donations = {}  # key (= transfer id) -> {"amount_vnd", "has_contact"}
        self.evaluations = {}  # key -> {"member_id", "evaluation_id"}
        self.assessments = {}  # key -> evaluation id
        self.extra_member_events = {}  # event id -> member id: member events published by a test itself
        self.requests = 0  # logical requests (one per key)
        self.attempts = 0  # HTTP requests sent, retries included
        self.statuses = collections.Counter()  # answer of each attempt: "201", "503", "connection", ...
        self.refused = []  # (operation, status, body): answers that are neither success nor retryable
        self.unacknowledged = []  # (operation, key): still unanswered when the client gave up
        self.latencies = []  # seconds from the first send of a request to its acknowledgement
        self.retried = 0  # requests that needed more than one attempt

    @property
    def acknowledged(self):
        return len(self.registrations) + len(self.donations) + len(self.evaluations) + len(self.assessments)

    def summary(self):
        ordered = sorted(self.latencies)

        def percentile(p):
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1) if ordered else None

        return {
            "requests": self.requests,
            "attempts": self.attempts,
            "acknowledged": self.acknowledged,
            "retried": self.retried,
            "registrations": len(self.registrations),
            "donations": len(self.donations),
            "evaluations": len(self.evaluations),
            "self_assessments": len(self.assessments),
            "statuses": dict(sorted(self.statuses.items())),
            "refused": len(self.refused),
            "unacknowledged": len(self.unacknowledged),
            "p50_ms": percentile(0.50),
            "p99_ms": percentile(0.99),
        }


RETRYABLE = {429, 500, 502, 503, 504}
_cccd_serial = itertools.count(random.randrange(10**5))


def new_cccd():
    """A CCCD that passes the members' checks (a man born in 1990 in Hà Nội), unique in this process."""
    return f"001090{next(_cccd_serial) % 10**6:06d}"


class Traffic:
    """``clients`` green threads sending a mix of requests until ``stop()``; each request is retried with
    the same key until acknowledged or ``give_up_after`` seconds passed."""

    MIX = (("register", 50), ("donate", 25), ("evaluate", 15), ("assess", 10))

    def __init__(self, base_url, token, fund_id, year, ledger, clients=6, give_up_after=150, mix=MIX,
                 request_timeout=20):  # fmt: skip
        self.base = f"{base_url}/api/v1"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.fund_id, self.year, self.ledger = fund_id, year, ledger
        self.clients, self.give_up_after, self.request_timeout = clients, give_up_after, request_timeout
        self.operations = [name for name, weight in mix for _ in range(weight)]
        self.members_to_evaluate = collections.deque()
        self.evaluations_to_assess = collections.deque()
        self.stopping = False
        self.threads = []
        self.random = random.Random(1)

    # -- running

    def start(self):
        self.stopping = False
        self.threads = [eventlet.spawn(self._worker) for _ in range(self.clients)]
        return self

    def stop(self):
        """Ask every client to stop after its current request (which it still retries until acknowledged)."""
        self.stopping = True
        for thread in self.threads:
            thread.wait()
        self.threads = []

    def wait_acknowledged(self, count, timeout=120):
        """Wait until ``count`` more requests than now are acknowledged (the load is flowing)."""
        target = self.ledger.acknowledged + count
        deadline = time.monotonic() + timeout
        while self.ledger.acknowledged < target:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{count} acknowledgements not within {timeout} s: {self.ledger.summary()['statuses']}"
                )
            eventlet.sleep(0.05)

    def _worker(self):
        session = requests.Session()
        while not self.stopping:
            operation = self.random.choice(self.operations)
            if operation == "assess" and not self.evaluations_to_assess:
                operation = "evaluate"
            if operation == "evaluate" and not self.members_to_evaluate:
                operation = "register"
            getattr(self, f"_{operation}")(session)

    # -- the four requests

    def _register(self, session):
        cccd = new_cccd()
        body = {"cccd": cccd, "full_name": "Nguyễn Văn An", "gender": "MALE", "birth_year": 1990,
                "phone": "0912 345 678", "unit_code": UNIT,
                "consent": {"given": True, "channel": "PAPER_FORM"}}  # fmt: skip
        key, answer = self._until_acknowledged(session, "register", "/members", body)
        if answer is not None:
            self.ledger.registrations[key] = {"cccd": cccd, "member_id": answer["id"]}
            self.members_to_evaluate.append(answer["id"])

    def _donate(self, session):
        amount = self.random.randrange(1, 500) * 10_000
        has_contact = self.random.random() < 0.3
        body = {"donor_kind": "PERSON", "donor_name": "Trần Thị Mai", "amount_vnd": amount, "channel": "CASH"}
        if has_contact:
            body["donor_phone"] = "0987 654 321"
        key, answer = self._until_acknowledged(session, "donate", f"/funds/{self.fund_id}/donations", body)
        if answer is not None:
            assert answer["amount_vnd"] == amount, answer
            self.ledger.donations[key] = {"amount_vnd": amount, "has_contact": has_contact}

    def _evaluate(self, session):
        member_id = self.members_to_evaluate.popleft()
        body = {"title_type": "CONG_DAN_HOC_TAP", "year": self.year, "form_code": "RESIDENT",
                "subject": {"kind": "PERSON", "member_id": member_id}}  # fmt: skip
        key, answer = self._until_acknowledged(session, "evaluate", "/evaluations", body)
        if answer is not None:
            self.ledger.evaluations[key] = {"member_id": member_id, "evaluation_id": answer["id"]}
            self.evaluations_to_assess.append(answer["id"])

    def _assess(self, session):
        evaluation_id = self.evaluations_to_assess.popleft()
        path = f"/evaluations/{evaluation_id}/self-assessment"
        key, answer = self._until_acknowledged(session, "assess", path, {"answers": CITIZEN_ANSWERS})
        if answer is not None:
            assert answer["status"] == "SELF_ASSESSED", answer
            self.ledger.assessments[key] = evaluation_id

    def _until_acknowledged(self, session, operation, path, body):
        key = str(uuid.uuid4())
        headers = {**self.headers, "Idempotency-Key": key}
        self.ledger.requests += 1
        started = time.monotonic()
        pause, attempts = 0.2, 0
        while True:
            attempts += 1
            self.ledger.attempts += 1
            try:
                response = session.post(f"{self.base}{path}", json=body, headers=headers,
                                        timeout=self.request_timeout)  # fmt: skip
                status = response.status_code
            except requests.RequestException:
                response, status = None, "connection"
            self.ledger.statuses[str(status)] += 1
            if isinstance(status, int) and 200 <= status < 300:
                self.ledger.latencies.append(time.monotonic() - started)
                self.ledger.retried += attempts > 1
                return key, response.json()
            if not self._retryable(operation, status, response):
                self.ledger.refused.append((operation, status, response.text[:500]))
                return key, None
            if time.monotonic() - started > self.give_up_after:
                self.ledger.unacknowledged.append((operation, key))
                return key, None
            wait = pause
            if status == 429:
                wait = max(pause, float(response.headers.get("Retry-After", 1)))
            eventlet.sleep(wait * (0.5 + self.random.random()))
            pause = min(pause * 2, 2.0)

    @staticmethod
    def _retryable(operation, status, response):
        if status == "connection" or status in RETRYABLE:
            return True
        # The evaluations service learns of a member from the members' event: until it arrives (later when
        # a service or the broker is down) the member is unknown there, and the officer tries again.
        return operation == "evaluate" and status == 404 and response.json().get("code") == "member_not_found"


def prepare(stack, ledger_year=None):
    """An officer of the commune, its token, a fund and this year's evaluation campaign: what the traffic
    needs. Returns ``(token, fund_id, year)``."""
    from evaluations.usecases.common import today

    year = ledger_year or today().year
    token = login(stack.base_url, create_officer(stack))
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    api = f"{stack.base_url}/api/v1"
    fund = _post_until_done(f"{api}/funds", {"unit_code": UNIT, "name": "Quỹ khuyến học phường", "kind": "GENERAL"},
                            headers)  # fmt: skip
    headers["Idempotency-Key"] = str(uuid.uuid4())
    _post_until_done(f"{api}/units/{UNIT}/evaluation-campaigns", {"year": year}, headers)
    return token, fund["id"], year


def _post_until_done(url, body, headers, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = requests.post(url, json=body, headers=headers, timeout=20)
            if response.status_code in (200, 201):
                return response.json()
            if response.status_code < 500:
                raise AssertionError(f"{url}: {response.status_code} {response.text}")
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} not answered within {timeout} s")
        eventlet.sleep(0.5)


# --- the count --------------------------------------------------------------------------------------

MEMBER_EVENTS_FOR_NOTIFICATIONS = ("member_registered",)
ROOT_KINDS = ("MEMBER", "DONOR", "UNIT_OFFICERS", "DISBURSEMENT_OFFICERS")
EXPECTED_DELIVERIES = {  # root deliveries an event gives (rules.yml), as sorted (rule, channel)
    "member_registered": [("member_registered_officers", "IN_APP"), ("member_welcome", "EMAIL"),
                          ("member_welcome", "SMS")],
    "donation_received_with_contact": [("donation_thanks", "EMAIL"), ("donation_thanks", "SMS")],
    "donation_received": [],
    "evaluation_registered": [],
    "self_assessment_submitted": [],
}  # fmt: skip


class _Databases:
    def __init__(self, db_urls):
        from servicekit import db

        self.engines = {name: db.make_engine(url, pool_size=2) for name, url in db_urls.items()}

    def rows(self, service, statement):
        with self.engines[service].connect() as connection:
            return connection.execute(statement).all()

    def close(self):
        for engine in self.engines.values():
            engine.dispose()


def _outbox(dbs, service, tables):
    """{event_type: {event_id: (payload, published)}} of a service's outbox."""
    outbox = tables.OUTBOX
    events = collections.defaultdict(dict)
    for event_id, event_type, body, published_at in dbs.rows(
        service, select(outbox.c.event_id, outbox.c.event_type, outbox.c.body, outbox.c.published_at)
    ):
        events[event_type][str(event_id)] = (json.loads(body)["payload"], published_at is not None)
    return events


def _inbox(dbs, service, tables):
    inbox = tables.INBOX
    return collections.Counter(
        (event_type, str(event_id))
        for event_id, event_type in dbs.rows(service, select(inbox.c.event_id, inbox.c.event_type))
    )


def snapshot(db_urls, ledger, amqp_uri=None):
    """Count everything; returns ``(counts, problems)``: ``problems`` is empty when the platform holds
    exactly what was acknowledged."""
    from evaluations import models as evaluations_models
    from funds import models as funds_models
    from members import models as members_models
    from notifications import models as notifications_models

    dbs = _Databases(db_urls)
    problems, counts = _Problems(), {}
    try:
        # members: every acknowledged registration exactly once, under the id the client was told
        member = members_models.Member
        stored = collections.defaultdict(list)
        for member_id, cccd in dbs.rows("members", select(member.id, member.cccd)):
            stored[cccd].append(str(member_id))
        acked = {r["cccd"]: r["member_id"] for r in ledger.registrations.values()}
        counts["members"] = sum(len(ids) for ids in stored.values())
        _compare(problems, "members: registered (cccd -> id)", {c: ids[0] for c, ids in stored.items()}, acked)
        member_events = _outbox(dbs, "members", members_models)
        registered = member_events["member_registered"]
        per_member = collections.Counter(payload["member_id"] for payload, _ in registered.values())
        counts["member_registered_events"] = len(registered)
        _compare(problems, "members: member_registered per member", dict(per_member),
                 dict.fromkeys(acked.values(), 1))  # fmt: skip
        unpublished = {s: sum(not p for _, p in e.values()) for s, e in member_events.items()}

        # funds: each acknowledged donation one transfer, one donation row, the right amount; every
        # account's posted totals equal the sum of its postings; the fund's cash equals the donations
        donations = dict(dbs.rows("funds", select(funds_models.Donation.id, funds_models.Donation.amount_vnd)))
        transfers = collections.Counter(
            transfer_id for (transfer_id,) in dbs.rows("funds", select(funds_models.Transfer.id))
        )
        counts["donations"] = len(donations)
        _compare(problems, "funds: donations (transfer id -> amount)", donations,
                 {k: d["amount_vnd"] for k, d in ledger.donations.items()})  # fmt: skip
        _compare(problems, "funds: transfers per id", dict(transfers), dict.fromkeys(ledger.donations, 1))
        account, posting = funds_models.Account, funds_models.Posting
        sums = {
            account_id: (debit, credit)
            for account_id, debit, credit in dbs.rows(
                "funds",
                select(posting.account_id, func.sum(posting.debit), func.sum(posting.credit)).group_by(
                    posting.account_id
                ),
            )
        }
        accounts = dbs.rows("funds", select(account.id, account.kind, account.debits_posted, account.credits_posted))
        counts["ledger_accounts"] = len(accounts)
        for account_id, kind, debits, credits in accounts:
            if (debits, credits) != tuple(int(v) for v in sums.get(account_id, (0, 0))):
                problems.append(f"funds: account {account_id} ({kind}) posted {debits}/{credits}, "
                                f"postings sum to {sums.get(account_id)}")  # fmt: skip
        cash = sum(d - c for _, kind, d, c in accounts if kind == "CASH")
        counts["cash_vnd"] = cash
        donated = sum(d["amount_vnd"] for d in ledger.donations.values())
        if cash != donated:
            problems.append(f"funds: cash {cash} != acknowledged donations {donated}")
        fund_events = _outbox(dbs, "funds", funds_models)
        received = fund_events["donation_received"]
        _compare(problems, "funds: donation_received per donation",
                 dict(collections.Counter(p["donation_id"] for p, _ in received.values())),
                 dict.fromkeys(ledger.donations, 1))  # fmt: skip
        unpublished.update({f"funds.{s}": sum(not p for _, p in e.values()) for s, e in fund_events.items()})

        # evaluations: its projection has every member (from the events), its inbox every member event
        # once; each acknowledged registration one evaluation, assessed when the assessment was acknowledged
        expected_member_events = {**{e: p["member_id"] for e, (p, _) in registered.items()},
                                  **ledger.extra_member_events}  # fmt: skip
        projected = {str(m): s for m, s in dbs.rows("evaluations", select(
            evaluations_models.MemberUnit.member_id, evaluations_models.MemberUnit.status))}  # fmt: skip
        counts["member_units"] = len(projected)
        _compare(problems, "evaluations: member_units", projected,
                 dict.fromkeys(expected_member_events.values(), "ACTIVE"))  # fmt: skip
        evaluations_inbox = _inbox(dbs, "evaluations", evaluations_models)
        _compare(problems, "evaluations: inbox of member_registered",
                 {e: n for (t, e), n in evaluations_inbox.items() if t == "member_registered"},
                 dict.fromkeys(expected_member_events, 1))  # fmt: skip
        evaluation = evaluations_models.Evaluation
        stored_evaluations = {str(i): (str(m), s) for i, m, s in dbs.rows(
            "evaluations", select(evaluation.id, evaluation.member_id, evaluation.status))}  # fmt: skip
        assessed = set(ledger.assessments.values())
        counts["evaluations"] = len(stored_evaluations)
        _compare(problems, "evaluations: evaluations (id -> member, status)", stored_evaluations,
                 {e["evaluation_id"]: (e["member_id"], "SELF_ASSESSED" if e["evaluation_id"] in assessed
                                       else "REGISTERED") for e in ledger.evaluations.values()})  # fmt: skip
        evaluation_events = _outbox(dbs, "evaluations", evaluations_models)
        _compare(problems, "evaluations: evaluation_registered per evaluation",
                 dict(collections.Counter(p["evaluation_id"] for p, _ in
                                          evaluation_events["evaluation_registered"].values())),
                 {e["evaluation_id"]: 1 for e in ledger.evaluations.values()})  # fmt: skip
        _compare(problems, "evaluations: self_assessment_submitted per evaluation",
                 dict(collections.Counter(p["evaluation_id"] for p, _ in
                                          evaluation_events["self_assessment_submitted"].values())),
                 dict.fromkeys(assessed, 1))  # fmt: skip
        unpublished.update({f"evaluations.{s}": sum(not p for _, p in e.values())
                            for s, e in evaluation_events.items()})  # fmt: skip

        # notifications: every event once in its inbox, and one root delivery per rule and channel of it
        expected_events = dict.fromkeys(expected_member_events, "member_registered")
        for event_id, (payload, _) in received.items():
            expected_events[event_id] = "donation_received" + ("_with_contact" if payload.get("has_contact") else "")
        for event_type in ("evaluation_registered", "self_assessment_submitted"):
            expected_events.update(dict.fromkeys(evaluation_events[event_type], event_type))
        notifications_inbox = _inbox(dbs, "notifications", notifications_models)
        counts["notifications_inbox"] = sum(notifications_inbox.values())
        counts["events"] = len(expected_events)
        _compare(problems, "notifications: inbox",
                 {e: n for (t, e), n in notifications_inbox.items() if t != "unit_created"},
                 dict.fromkeys(expected_events, 1))  # fmt: skip
        deliveries = notifications_models.DELIVERIES
        roots = collections.defaultdict(list)
        for event_id, rule, channel in dbs.rows("notifications", select(
                deliveries.c.event_id, deliveries.c.rule, deliveries.c.channel).where(
                deliveries.c.recipient_kind.in_(ROOT_KINDS))):  # fmt: skip
            roots[str(event_id)].append((rule, channel))
        counts["deliveries"] = sum(len(v) for v in roots.values())
        _compare(problems, "notifications: deliveries per event",
                 {e: sorted(v) for e, v in roots.items() if v},
                 {e: EXPECTED_DELIVERIES[t] for e, t in expected_events.items() if EXPECTED_DELIVERIES[t]})  # fmt: skip
        twice = dbs.rows("notifications", select(
            deliveries.c.event_id, deliveries.c.rule, deliveries.c.channel, deliveries.c.recipient_id, func.count())
            .group_by(deliveries.c.event_id, deliveries.c.rule, deliveries.c.channel, deliveries.c.recipient_id)
            .having(func.count() > 1))  # fmt: skip
        if twice:
            problems.append(f"notifications: {len(twice)} deliveries made twice to one recipient: {twice[:3]}")

        counts["unpublished"] = sum(unpublished.values())
        if counts["unpublished"]:
            problems.append(f"outboxes not empty: { {k: v for k, v in unpublished.items() if v} }")
    finally:
        dbs.close()
    counts["lost"], counts["duplicated"] = problems.lost, problems.duplicated
    if amqp_uri:
        counts["dead_letters"], counts["queued"] = _broker_counts(amqp_uri)
        if counts["dead_letters"]:
            problems.append(f"dead letters: {counts['dead_letters']}")
        if counts["queued"]:
            problems.append(f"events still queued: {counts['queued']}")
    return counts, problems


class _Problems(list):
    lost = duplicated = 0


def _broker_counts(amqp_uri):
    from kombu import Connection

    from contracts import topology
    from servicekit import deadletters

    with Connection(amqp_uri, connect_timeout=5) as connection:
        dead = deadletters.counts(connection, [s.dead_letter_queue for s in topology.SUBSCRIPTIONS])
        queued = deadletters.counts(connection, [s.queue for s in topology.SUBSCRIPTIONS])
    return (
        {q: n for q, n in dead.items() if n},
        {q: n for q, n in queued.items() if n},
    )


def _compare(problems, what, actual, expected):
    """Record what is missing (lost), what is extra or doubled, and what differs; ``problems.lost`` and
    ``problems.duplicated`` count the first two (a count above the expected one is a duplicate)."""
    if actual == expected:
        return
    missing = [k for k in expected if k not in actual]
    extra = [k for k in actual if k not in expected]
    different = [(k, actual[k], expected[k]) for k in expected if k in actual and actual[k] != expected[k]]
    problems.lost += len(missing)
    problems.duplicated += len(extra) + sum(
        1 for _, a, e in different if isinstance(a, int) and isinstance(e, int) and a > e
    )
    problems.append(
        f"{what}: {len(missing)} missing {missing[:3]}, {len(extra)} unexpected {extra[:3]}, "
        f"{len(different)} different {different[:3]}"
    )


def reconcile(db_urls, ledger, amqp_uri, timeout=120):
    """Wait until the platform settled (events take a moment to reach every consumer), then count.
    Returns the counts; raises AssertionError listing every problem if it does not settle."""
    deadline = time.monotonic() + timeout
    while True:
        counts, problems = snapshot(db_urls, ledger, amqp_uri)
        if not problems:
            counts["settled_after_s"] = round(timeout - (deadline - time.monotonic()), 1)
            return counts
        if time.monotonic() > deadline:
            raise AssertionError("the platform does not reconcile:\n- " + "\n- ".join(problems))
        eventlet.sleep(1.0)
