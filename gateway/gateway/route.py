"""One row of the route table (``routes.ROUTES``)."""

from dataclasses import dataclass

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Route:
    name: str  # the handler's name and the operationId
    method: str
    path: str  # a werkzeug rule under PREFIX: <uuid:member_id>
    tag: str
    summary: str  # Vietnamese, then English
    permission: str | None  # None: no token needed
    response: type | None = None  # the schema of a success body; None: any JSON object
    status: int = 200
    body: type | None = None
    query: type | None = None
    idempotent: bool = False  # reads Idempotency-Key and replays a repeated request
    key_required: bool = False  # the Idempotency-Key must be sent (money: it is the transfer's id)
    calls_service: bool = True  # may answer 503 when the service does not answer in time
    errors: tuple = ()  # statuses beyond those the other fields imply (openapi.error_statuses)
    files: tuple = ()  # media types of files the route also answers with (a report as XLSX or PDF)

    @property
    def url(self):
        return PREFIX + self.path
