"""Machine clients of provincial systems (OAuth2 client credentials): created by an administrator for a
province in their subtree, authenticated by the gateway's token endpoint, rotated and disabled.

The secret is shown once, in the answer that creates or rotates it; only its argon2 hash is kept (as
officers' passwords are). Unknown client, wrong secret and disabled client all answer ``invalid_client``
after the same hashing work.
"""

import secrets
import uuid

from sqlalchemy import select

from contracts.errors import PermissionDenied, ValidationFailed, field_error
from contracts.integration import ClientNotFound, ClientSchema, InvalidClient
from members import domain, passwords
from members.models import ApiClient, Unit
from members.usecases import common


def create_client(uow, actor, command):
    with uow:
        _require_admin(actor)
        unit = common.unit_in_scope(uow.session, command["unit_code"], common.scope_path(uow.session, actor))
        if unit.level != domain.Level.PROVINCE:
            raise ValidationFailed.from_fields({"unit_code": [field_error(
                "not_a_province", "Ứng dụng kết nối được cấp cho một tỉnh, thành phố.",
                "A client is issued for a province.")]})  # fmt: skip
        secret = _new_secret()
        client = ApiClient(
            id=uuid.uuid4(), name=command["name"], unit_code=unit.code, scopes=" ".join(sorted(set(command["scopes"]))),
            secret_hash=passwords.hash_password(secret), active=True, created_by=actor["username"],
            created_at=common.now(),
        )  # fmt: skip
        uow.session.add(client)
        result = {**client_view(client), "client_secret": secret}
        uow.commit()
    return result


def list_clients(uow, actor):
    with uow:
        _require_admin(actor)
        scope = common.scope_path(uow.session, actor)
        clients = uow.session.execute(
            select(ApiClient).join(Unit, Unit.code == ApiClient.unit_code)
            .where(Unit.path.like(scope + "%")).order_by(ApiClient.created_at)
        ).scalars().all()  # fmt: skip
        return {"items": [client_view(c) for c in clients]}


def rotate_client_secret(uow, actor, client_id):
    """A new secret; the old one stops working at once (tokens already issued live out their short TTL)."""
    with uow:
        client = _client_in_scope(uow.session, actor, client_id)
        secret = _new_secret()
        client.secret_hash, client.secret_rotated_at = passwords.hash_password(secret), common.now()
        result = {**client_view(client), "client_secret": secret}
        uow.commit()
    return result


def disable_client(uow, actor, client_id):
    with uow:
        client = _client_in_scope(uow.session, actor, client_id)
        client.active = False
        result = client_view(client)
        uow.commit()
    return result


def authenticate_client(uow, client_id, secret):
    """The client, for the token endpoint; ``InvalidClient`` for an unknown, disabled or wrong one."""
    with uow:
        client = uow.session.get(ApiClient, client_id)
        ok = passwords.verify_password(client.secret_hash if client else None, secret)
        if not ok or not client.active:
            raise InvalidClient()
        return client_view(client)


def _client_in_scope(session, actor, client_id):
    _require_admin(actor)
    client = session.get(ApiClient, client_id)
    if client is None or not domain.is_in_subtree(
        session.get(Unit, client.unit_code).path, common.scope_path(session, actor)
    ):
        raise ClientNotFound(details={"client_id": str(client_id)})
    return client


def _require_admin(actor):
    if not domain.can_manage_officers(actor["role"]):
        raise PermissionDenied()


def _new_secret():
    return secrets.token_urlsafe(32)


def client_view(client):
    return ClientSchema().dump({
        "id": client.id, "name": client.name, "unit_code": client.unit_code, "scopes": client.scopes.split(),
        "active": client.active, "created_by": client.created_by, "created_at": client.created_at,
        "secret_rotated_at": client.secret_rotated_at,
    })  # fmt: skip
