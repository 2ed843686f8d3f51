"""The audit log of machine clients' exchanges: stored as the gateway sends it (in batches, each record
with its own id so that a batch sent twice is stored once), read by administrators of the subtree that
holds the client's province."""

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from contracts.errors import PermissionDenied
from contracts.integration import AuditPageSchema
from members import domain
from members.models import ApiClient, AuditRecord, Unit
from members.usecases import common


def record_audit(uow, records):
    if not records:
        return 0
    with uow:
        dialect = postgresql if uow.session.bind.dialect.name == "postgresql" else sqlite
        uow.session.execute(dialect.insert(AuditRecord).on_conflict_do_nothing(), records)
        uow.commit()
    return len(records)


def list_audit(uow, actor, query):
    with uow:
        if not domain.can_manage_officers(actor["role"]):
            raise PermissionDenied()
        scope = common.scope_path(uow.session, actor)
        clients = select(ApiClient.id).join(Unit, Unit.code == ApiClient.unit_code).where(Unit.path.like(scope + "%"))
        statement = select(AuditRecord).where(AuditRecord.client_id.in_(clients))
        if query.get("client_id"):
            statement = statement.where(AuditRecord.client_id == query["client_id"])
        if query.get("date_from"):
            statement = statement.where(AuditRecord.at >= query["date_from"])
        if query.get("date_to"):
            statement = statement.where(AuditRecord.at <= query["date_to"])
        total = uow.session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
        page, size = query["page"], query["page_size"]
        records = uow.session.execute(
            statement.order_by(AuditRecord.at.desc(), AuditRecord.id).limit(size).offset((page - 1) * size)
        ).scalars().all()
        items = [{name: getattr(r, name) for name in _FIELDS} for r in records]
        return AuditPageSchema().dump({"items": items, "page": page, "page_size": size, "total": total})


_FIELDS = ("id", "client_id", "at", "method", "route", "path", "status", "duration_ms", "job_id", "member_id",
           "call_id")  # fmt: skip
