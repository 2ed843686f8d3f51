"""The members service: the org tree, members, officer accounts. Entrypoints only; rules live in usecases."""

import uuid

from contracts.errors import MemberNotFound, PlatformError
from contracts.integration import (
    AuditBatchSchema,
    AuditQuerySchema,
    AuthenticateClientSchema,
    CreateClientSchema,
    CreateImportJobSchema,
    ImportJobNotFound,
    VerifyMemberSchema,
)
from contracts.members import (
    ActorSchema,
    CreateOfficerSchema,
    CreateUnitSchema,
    LeaveMemberSchema,
    LoginSchema,
    MemberSearchSchema,
    RegisterMemberSchema,
    RejoinMemberSchema,
    StatisticsQuerySchema,
    TransferMemberSchema,
    UnitListQuerySchema,
    UpdateMemberSchema,
)
from contracts.privacy import (
    AnonymiseRequestSchema,
    CorrectionRequestSchema,
    ExportRequestSchema,
    PrivacyRequestQuerySchema,
    WithdrawConsentSchema,
)
from contracts.reorganisation import ReorganisationPlanSchema
from contracts.reports import ActivityNotFound, ActivityQuerySchema, CreateActivitySchema, ReportQuerySchema
from members.importing.worker import ImportWorker
from members.models import metadata
from members.usecases import (
    activities,
    audit,
    clients,
    contacts,
    identity,
    imports,
    members,
    officers,
    privacy,
    reorganisation,
    report,
    statistics,
    titles,
    units,
)
from servicekit import business, ops
from servicekit.events import event_handler
from servicekit.logs import CallContext
from servicekit.metrics import Metrics
from servicekit.outbox import OutboxRelay
from servicekit.rpc import rpc
from servicekit.uow import UnitOfWork
from servicekit.validation import load

expected = rpc(expected_exceptions=PlatformError)


def _actor(actor):
    return load(ActorSchema(), actor)


# ops is imported as a module: `nameko run members.service` takes every class with entrypoints it finds here.
class MembersService(ops.OpsEndpoints):
    name = "members"

    uow = UnitOfWork(metadata)
    relay = OutboxRelay()
    metrics = Metrics()
    business_metrics = business.Declare("registered")  # members_registered_total, at zero from the start
    call_context = CallContext()
    imports = ImportWorker()

    @expected
    def echo(self, value):
        """A no-op round trip: the framework's ceiling in benchmarks."""
        return value

    @event_handler("evaluations", "evaluation_completed")
    def handle_evaluation_completed(self, envelope, payload):
        """A member's record shows the learning titles the evaluations service recognised."""
        titles.record_evaluation_completed(self.uow, self.name, envelope, payload)

    @expected
    def authenticate_officer(self, username, password):
        credentials = load(LoginSchema(), {"username": username, "password": password})
        return officers.authenticate_officer(self.uow, credentials["username"], credentials["password"])

    @expected
    def create_officer(self, actor, payload, idempotency_key=None):
        return officers.create_officer(self.uow, _actor(actor), load(CreateOfficerSchema(), payload), idempotency_key)

    @expected
    def list_officers(self, actor, query=None):
        return officers.list_officers(self.uow, _actor(actor))

    @expected
    def list_units(self, actor, query):
        return units.list_units(self.uow, _actor(actor), load(UnitListQuerySchema(), query))

    @expected
    def get_unit(self, actor, code):
        return units.get_unit(self.uow, _actor(actor), code)

    @expected
    def create_unit(self, actor, payload, idempotency_key=None):
        return units.create_unit(self.uow, _actor(actor), load(CreateUnitSchema(), payload), idempotency_key)

    @expected
    def unit_statistics(self, actor, code, query):
        return statistics.unit_statistics(self.uow, _actor(actor), code, load(StatisticsQuerySchema(), query))

    @expected
    def register_member(self, actor, payload, idempotency_key=None):
        command = load(RegisterMemberSchema(), payload)
        return members.register_member(self.uow, _actor(actor), command, idempotency_key)

    @expected
    def get_member(self, actor, member_id):
        return members.get_member(self.uow, _actor(actor), _uuid(member_id))

    @expected
    def search_members(self, actor, query):
        return members.search_members(self.uow, _actor(actor), load(MemberSearchSchema(), query))

    @expected
    def update_member(self, actor, member_id, payload):
        changes = load(UpdateMemberSchema(), payload)
        return members.update_member(self.uow, _actor(actor), _uuid(member_id), changes)

    @expected
    def transfer_member(self, actor, member_id, payload, idempotency_key=None):
        command = load(TransferMemberSchema(), payload)
        return members.transfer_member(self.uow, _actor(actor), _uuid(member_id), command, idempotency_key)

    @expected
    def leave_member(self, actor, member_id, payload, idempotency_key=None):
        command = load(LeaveMemberSchema(), payload)
        return members.leave_member(self.uow, _actor(actor), _uuid(member_id), command, idempotency_key)

    @expected
    def rejoin_member(self, actor, member_id, payload, idempotency_key=None):
        command = load(RejoinMemberSchema(), payload)
        return members.rejoin_member(self.uow, _actor(actor), _uuid(member_id), command, idempotency_key)


    # --- e-government integration: machine clients, their audit log, import jobs, identity checks ---

    @expected
    def create_client(self, actor, payload):
        return clients.create_client(self.uow, _actor(actor), load(CreateClientSchema(), payload))

    @expected
    def list_clients(self, actor):
        return clients.list_clients(self.uow, _actor(actor))

    @expected
    def rotate_client_secret(self, actor, client_id):
        return clients.rotate_client_secret(self.uow, _actor(actor), _uuid(client_id))

    @expected
    def disable_client(self, actor, client_id):
        return clients.disable_client(self.uow, _actor(actor), _uuid(client_id))

    @expected
    def authenticate_client(self, client_id, client_secret):
        """For the gateway's token endpoint only."""
        credentials = load(AuthenticateClientSchema(), {"client_id": client_id, "client_secret": client_secret})
        return clients.authenticate_client(self.uow, credentials["client_id"], credentials["client_secret"])

    @expected
    def record_audit(self, records):
        """Audit records of machine clients' exchanges, sent by the gateway in batches."""
        return audit.record_audit(self.uow, load(AuditBatchSchema(), {"records": records})["records"])

    @expected
    def list_audit(self, actor, query):
        return audit.list_audit(self.uow, _actor(actor), load(AuditQuerySchema(), query))

    @expected
    def create_import_job(self, actor, payload):
        command = load(CreateImportJobSchema(), payload)
        job = imports.create_import_job(self.uow, _actor(actor), command, self.imports.spool)
        self.imports.wake()
        return job

    @expected
    def get_import_job(self, actor, job_id):
        return imports.get_import_job(self.uow, _actor(actor), _uuid(job_id, ImportJobNotFound))

    @expected
    def import_errors(self, actor, job_id, after_id=0, limit=5000):
        job_id = _uuid(job_id, ImportJobNotFound)
        return imports.import_errors(self.uow, _actor(actor), job_id, int(after_id), min(int(limit), 5000))

    @expected
    def verify_member(self, actor, member_id, payload):
        command = load(VerifyMemberSchema(), payload)
        return identity.verify_member(self.uow, _actor(actor), _uuid(member_id), command)

    @expected
    def get_verification(self, actor, member_id):
        return identity.get_verification(self.uow, _actor(actor), _uuid(member_id))

    # --- data-subject requests (Law 91/2025): see, correct, erase, withdraw consent ------------------

    @expected
    def export_personal_data(self, actor, member_id, payload):
        command = load(ExportRequestSchema(), payload)
        return privacy.export_personal_data(self.uow, _actor(actor), _uuid(member_id), command)

    @expected
    def correct_member(self, actor, member_id, payload):
        command = load(CorrectionRequestSchema(), payload)
        return privacy.correct_member(self.uow, _actor(actor), _uuid(member_id), command)

    @expected
    def withdraw_consent(self, actor, member_id, payload):
        command = load(WithdrawConsentSchema(), payload)
        return privacy.withdraw_consent(self.uow, _actor(actor), _uuid(member_id), command)

    @expected
    def anonymise_member(self, actor, member_id, payload):
        command = load(AnonymiseRequestSchema(), payload)
        return privacy.anonymise_member(self.uow, _actor(actor), _uuid(member_id), command)

    @expected
    def list_privacy_requests(self, actor, query):
        return privacy.list_privacy_requests(self.uow, _actor(actor), load(PrivacyRequestQuerySchema(), query))

    # --- activities and the review report (issue 11): contracts.reports ----------------------------

    @expected
    def record_activity(self, actor, unit_code, payload, idempotency_key=None):
        command = load(CreateActivitySchema(), payload)
        return activities.record_activity(self.uow, _actor(actor), unit_code, command, idempotency_key)

    @expected
    def list_activities(self, actor, unit_code, query=None):
        return activities.list_activities(self.uow, _actor(actor), unit_code, load(ActivityQuerySchema(), query))

    @expected
    def get_activity(self, actor, activity_id):
        return activities.get_activity(self.uow, _actor(actor), _uuid(activity_id, ActivityNotFound))

    @expected
    def delete_activity(self, actor, activity_id):
        activities.delete_activity(self.uow, _actor(actor), _uuid(activity_id, ActivityNotFound))

    @expected
    def review_report_part(self, actor, unit_code, date_from, date_to):
        """The members part of the review report of a unit's subtree and a period (ISO dates, inclusive)."""
        query = load(ReportQuerySchema(), {"unit": unit_code, "from": date_from, "to": date_to})
        return report.review_report_part(self.uow, _actor(actor), query)

    # --- reorganisation of units: merges and splits (issue 11) ---------------------------------------

    @expected
    def preview_reorganisation(self, actor, plan):
        """A dry run: what ``reorganise`` would close, create and move; nothing is written or emitted."""
        return reorganisation.preview_reorganisation(self.uow, _actor(actor), load(ReorganisationPlanSchema(), plan))

    @expected
    def reorganise(self, actor, plan):
        return reorganisation.reorganise(self.uow, _actor(actor), load(ReorganisationPlanSchema(), plan))

    @expected
    def list_reorganisations(self, actor):
        return reorganisation.list_reorganisations(self.uow, _actor(actor))

    # --- for other services (no actor: never routed by the gateway) ---------------------------------

    @expected
    def member_contact(self, member_id):
        """Name, e-mail, phone, unit and contact consent of one member, for a message sent now."""
        return contacts.member_contact(self.uow, _uuid(member_id))

    @expected
    def unit_officers(self, unit_code):
        """The active officers of a unit and of the units above it, nearest first."""
        return contacts.unit_officers(self.uow, unit_code)


def _uuid(value, not_found=MemberNotFound):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        key = {MemberNotFound: "member_id", ActivityNotFound: "activity_id"}.get(not_found, "id")
        raise not_found(details={key: str(value)}) from None
