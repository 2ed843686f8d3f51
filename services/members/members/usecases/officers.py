"""Officer accounts: login, creation by an administrator, listing."""

from sqlalchemy.exc import IntegrityError

from contracts.errors import AuthenticationFailed, OfficerAlreadyExists, PermissionDenied
from members import domain, passwords, repository
from members.models import Officer
from members.usecases import common


def authenticate_officer(uow, username, password):
    with uow:
        officer = repository.officer_by_username(uow.session, username)
        ok = passwords.verify_password(officer.password_hash if officer else None, password)
        if not ok or not officer.active:
            raise AuthenticationFailed()
        view = common.officer_view(officer)
        view["unit_path"] = repository.get_unit(uow.session, officer.unit_code).path
        return view


def create_officer(uow, actor, command, idempotency_key=None):
    with uow:
        # The password stays out of the stored request hash (an unsalted digest of it would be a weak hash).
        request = {k: v for k, v in command.items() if k != "password"}
        replay = uow.idempotent("create_officer", actor["officer_id"], idempotency_key, request)
        if replay is not None:
            return replay
        if not domain.can_manage_officers(actor["role"]):
            raise PermissionDenied()
        scope = common.scope_path(uow.session, actor)
        common.unit_in_scope(uow.session, command["unit_code"], scope)
        if repository.officer_by_username(uow.session, command["username"]) is not None:
            raise OfficerAlreadyExists()
        officer = Officer(
            username=command["username"],
            full_name=command["full_name"],
            role=command["role"],
            unit_code=command["unit_code"],
            password_hash=passwords.hash_password(command["password"]),
            active=True,
        )
        uow.session.add(officer)
        try:  # PostgreSQL checks the unique username at the INSERT: a concurrent creation fails here
            uow.session.flush()
            result = common.officer_view(officer)
            uow.remember(result)
            uow.commit()
        except IntegrityError:
            raise OfficerAlreadyExists() from None
    return result


def list_officers(uow, actor):
    with uow:
        if not domain.can_manage_officers(actor["role"]):
            raise PermissionDenied()
        scope = common.scope_path(uow.session, actor)
        return [common.officer_view(o) for o in repository.list_officers(uow.session, scope)]
